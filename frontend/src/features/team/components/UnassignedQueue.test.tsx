import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import { fakeFetch, renderWithProviders } from "../../../test/render";
import { UnassignedQueue } from "./UnassignedQueue";

afterEach(() => vi.unstubAllGlobals());

const lead = (id: number, name: string) => ({
  id, customer_name: name, contact_number: "+923215550123", lead_source: "web_form", branch: 1, lead_status: "new", assigned_to: null,
});

describe("the unassigned queue", () => {
  it("assigns the picked leads to the chosen member in one request", async () => {
    const { fetchMock, requests } = fakeFetch({
      "/api/leads/list/": { status: 200, body: { count: 2, next: null, previous: null, results: [lead(7, "Sana Riaz"), lead(8, "Ali Khan")] } },
      "/api/leads/assignees/": { status: 200, body: { count: 1, next: null, previous: null, results: [{ id: 3, username: "branch_a1", full_name: "" }] } },
      "/api/leads/assign/": { status: 200, body: { assigned_to: 3, leads: [8], changed: 1 } },
    });
    vi.stubGlobal("fetch", fetchMock);
    renderWithProviders(<UnassignedQueue branch={1} />);

    const list = requests.find((request) => new URL(request.url).pathname === "/api/leads/list/");
    await waitFor(() => expect(screen.getByRole("checkbox", { name: "Ali Khan" })).toBeInTheDocument());
    const query = new URL((list ?? requests[0])!.url).searchParams;
    expect([query.get("unassigned"), query.get("branch_id")]).toEqual(["true", "1"]);

    const submit = screen.getByRole("button", { name: "Assign 0 leads" });
    expect(submit).toBeDisabled();
    await userEvent.click(screen.getByRole("checkbox", { name: "Ali Khan" }));
    await userEvent.selectOptions(await screen.findByRole("combobox", { name: "Assign to" }), "branch_a1");
    await userEvent.click(screen.getByRole("button", { name: "Assign 1 lead" }));

    const post = await waitFor(() => {
      const found = requests.find((request) => request.method === "POST");
      expect(found).toBeDefined();
      return found!;
    });
    expect(await post.json()).toEqual({ leads: [8], assigned_to: 3 });
    expect(await screen.findByText("1 lead assigned to branch_a1.")).toBeInTheDocument();
  });

  it("picks the whole page with one checkbox", async () => {
    const { fetchMock } = fakeFetch({
      "/api/leads/list/": { status: 200, body: { count: 2, next: null, previous: null, results: [lead(7, "Sana Riaz"), lead(8, "Ali Khan")] } },
      "/api/leads/assignees/": { status: 200, body: { count: 0, next: null, previous: null, results: [] } },
    });
    vi.stubGlobal("fetch", fetchMock);
    renderWithProviders(<UnassignedQueue branch={1} />);
    await userEvent.click(await screen.findByRole("checkbox", { name: "Pick every lead on this page" }));
    expect(screen.getByRole("checkbox", { name: "Sana Riaz" })).toBeChecked();
    expect(screen.getByRole("button", { name: "Assign 2 leads" })).toBeInTheDocument();
  });
});
