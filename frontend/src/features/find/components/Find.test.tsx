import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import { fakeFetch, renderWithProviders } from "../../../test/render";
import { Find } from "./Find";

afterEach(() => vi.unstubAllGlobals());

describe("finding leads", () => {
  it("lists the leads assigned to nobody, and exports that list", async () => {
    const { fetchMock, requests } = fakeFetch({ "/api/leads/list/": { status: 200, body: { count: 0, next: null, previous: null, results: [] } } });
    vi.stubGlobal("fetch", fetchMock);
    renderWithProviders(<Find />);
    expect(requests).toHaveLength(0); // nothing asked before a search or a filter

    await userEvent.click(screen.getByRole("checkbox", { name: "Only leads assigned to nobody" }));
    await waitFor(() => expect(requests).toHaveLength(1));
    expect(new URL(requests[0]?.url ?? "http://x").searchParams.get("unassigned")).toBe("true");
    const csv = await screen.findByRole("link", { name: /CSV/ });
    expect(new URL(csv.getAttribute("href") ?? "", "http://x").searchParams.get("unassigned")).toBe("true");

    await userEvent.type(screen.getByRole("searchbox"), "0321 5550123");
    await userEvent.click(screen.getByRole("button", { name: "Find" }));
    await waitFor(() => expect(requests).toHaveLength(2));
    const both = new URL(requests[1]?.url ?? "http://x").searchParams;
    expect([both.get("q"), both.get("unassigned")]).toEqual(["0321 5550123", "true"]);
  });
});
