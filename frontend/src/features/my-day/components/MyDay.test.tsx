import { QueryClientProvider } from "@tanstack/react-query";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { RouterProvider } from "react-router";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createTestRouter } from "../../../app/router";
import { createQueryClient } from "../../../lib/query-client";
import { fakeFetch, renderWithProviders } from "../../../test/render";
import { MyDay } from "./MyDay";

afterEach(() => vi.unstubAllGlobals());

const ME = { id: 3, username: "branch_a1", is_staff: false, is_superuser: false, memberships: [] };

function lead(id: number, name: string, nextFollowUp: string) {
  return {
    id, customer_name: name, contact_number: "+923215550123", passport_number: "", cnic: "", branch: 1, branch_name: "Alpha",
    lead_status: "new", lead_source: "walk_in", next_followup_date: nextFollowUp, last_contacted_at: null, assigned_to: null,
    assigned_to_username: null, created_at: "2031-02-01T09:00:00+05:00",
  };
}

function promise(id: number, name: string, daysOverdue: number, promised: string) {
  return {
    id, lead: 100 + id, customer_name: name, contact_number: "+923005550100", branch: 1, branch_name: "Alpha", booking: null,
    amount: "5000.00", paid_amount: "1000.00", balance: "4000.00", promised_clear_date: promised, days_overdue: daysOverdue,
    status: "pending", remarks: "", created_by: null, created_at: "2031-02-01T09:00:00+05:00", updated_at: "2031-02-01T09:00:00+05:00",
  };
}

const page = (results: unknown[], count = results.length) => ({ count, next: null, previous: null, results });

const ANSWERS = {
  "/api/leads/followup/missed/": { status: 200, body: page([lead(1, "Ali Khan", "2031-02-27")], 7) },
  "/api/leads/followup/today/": { status: 200, body: page([lead(2, "Sara Baig", "2031-03-02")], 4) },
  "/api/leads/overdue-loans/": {
    status: 200,
    body: page([promise(1, "Usman Tariq", 3, "2031-02-27"), promise(2, "Hina Aslam", 0, "2031-03-02")], 2),
  },
};

describe("My day", () => {
  it("loads with three requests: missed, today's, and promises due today or overdue in one", async () => {
    const { fetchMock, requests } = fakeFetch({ "/api/me/": { status: 200, body: ME }, ...ANSWERS });
    vi.stubGlobal("fetch", fetchMock);
    render(
      <QueryClientProvider client={createQueryClient()}>
        <RouterProvider router={createTestRouter(["/"])} />
      </QueryClientProvider>,
    );
    expect(await screen.findByRole("link", { name: "Hina Aslam" })).toBeInTheDocument();
    await screen.findByRole("link", { name: "Ali Khan" });
    await screen.findByRole("link", { name: "Sara Baig" });
    const pageRequests = requests.filter((request) => new URL(request.url).pathname !== "/api/me/");
    expect(pageRequests.map((request) => new URL(request.url).pathname).sort()).toEqual([
      "/api/leads/followup/missed/",
      "/api/leads/followup/today/",
      "/api/leads/overdue-loans/",
    ]);
    const promises = pageRequests.find((request) => request.url.includes("overdue-loans"));
    expect(new URL(promises?.url ?? "http://x").searchParams.get("include_due_today")).toBe("true");
  });

  it("shows each list's count and how late each row is, from the day given", async () => {
    const { fetchMock } = fakeFetch(ANSWERS);
    vi.stubGlobal("fetch", fetchMock);
    renderWithProviders(<MyDay today="2031-03-02" />);

    const missed = await screen.findByRole("region", { name: /Missed follow-ups/ });
    expect(await within(missed).findByText("3 days late")).toBeInTheDocument();
    expect(within(missed).getByLabelText("7 in all")).toBeInTheDocument();
    const today = screen.getByRole("region", { name: /Today's follow-ups/ });
    expect(await within(today).findByLabelText("4 in all")).toBeInTheDocument();

    const promises = screen.getByRole("region", { name: /Payment promises due today or overdue/ });
    expect(await within(promises).findByLabelText("2 in all")).toBeInTheDocument();
    const [late, dueToday] = within(promises).getAllByRole("listitem");
    expect(late).toHaveTextContent("Usman Tariq");
    expect(late).toHaveTextContent("3 days late");
    expect(dueToday).toHaveTextContent("Hina Aslam");
    expect(dueToday).toHaveTextContent("Due today");
    expect(dueToday).not.toHaveTextContent("days late");
  });

  it("a recorded call takes the lead off the list at once", async () => {
    const { fetchMock, requests } = fakeFetch(ANSWERS);
    // The call's POST never answers: only the optimistic update can take the row away.
    vi.stubGlobal("fetch", (input: Request) =>
      new URL(input.url).pathname === "/api/leads/followup/" ? (requests.push(input), new Promise(() => {})) : fetchMock(input),
    );
    renderWithProviders(<MyDay today="2031-03-02" />);
    const missed = await screen.findByRole("region", { name: /Missed follow-ups/ });
    await userEvent.click(await within(missed).findByRole("button", { name: "Record a call Ali Khan" }));
    await userEvent.type(within(missed).getByLabelText("What was said"), "Rang, no answer");
    await userEvent.click(within(missed).getByRole("radio", { name: "No answer" }));
    await userEvent.click(within(missed).getByRole("button", { name: "Save the call" }));
    await waitFor(() => expect(within(missed).queryByRole("link", { name: "Ali Khan" })).not.toBeInTheDocument());
    expect(within(missed).getByLabelText("6 in all")).toBeInTheDocument();
    const body: unknown = await requests.find((request) => request.method === "POST")?.json();
    expect(body).toMatchObject({ lead: 1, outcome: "no_answer", remarks: "Rang, no answer" });
  });
});
