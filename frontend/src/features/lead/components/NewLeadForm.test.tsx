import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import { fakeFetch, renderWithProviders } from "../../../test/render";
import { NewLeadForm } from "./NewLeadForm";

afterEach(() => vi.unstubAllGlobals());

const BRANCHES = [{ id: 4, name: "Alpha Lahore" }];

describe("the new lead form", () => {
  it("warns of the customer known here and elsewhere before anything is saved", async () => {
    const { fetchMock, requests } = fakeFetch({
      "/api/leads/duplicates/": {
        status: 200,
        body: {
          possible_duplicates: [{ id: 71, customer_name: "Ali Khan", contact_number: "+923215550123", branch: 4, lead_status: "new" }],
          known_at_branches: ["Alpha Karachi"],
        },
      },
    });
    vi.stubGlobal("fetch", fetchMock);
    renderWithProviders(<NewLeadForm branches={BRANCHES} />);
    await userEvent.click(screen.getByLabelText("Phone"));
    await userEvent.paste("0321 5550123");

    expect(await screen.findByRole("link", { name: "Ali Khan" })).toHaveAttribute("href", "/leads/71");
    expect(screen.getByText("Also known at: Alpha Karachi")).toBeInTheDocument();
    expect(requests).toHaveLength(1);
    const asked = new URL(requests[0]?.url ?? "http://x");
    expect(asked.pathname).toBe("/api/leads/duplicates/");
    expect(Object.fromEntries(asked.searchParams)).toEqual({ contact_number: "0321 5550123", branch: "4" });
    expect(requests.some((request) => request.method === "POST")).toBe(false);
  });

  it("says nothing when the check is throttled (429)", async () => {
    const { fetchMock, requests } = fakeFetch({ "/api/leads/duplicates/": { status: 429, body: { detail: "Request was throttled." } } });
    vi.stubGlobal("fetch", fetchMock);
    renderWithProviders(<NewLeadForm branches={BRANCHES} />);
    await userEvent.click(screen.getByLabelText("Phone"));
    await userEvent.paste("0321 5550123");
    await waitFor(() => expect(requests).toHaveLength(1));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(screen.queryByRole("status")).not.toBeInTheDocument();
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
  });
});
