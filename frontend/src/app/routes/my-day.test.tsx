import { QueryClientProvider } from "@tanstack/react-query";
import { render, screen } from "@testing-library/react";
import { MemoryRouter } from "react-router";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createQueryClient } from "../../lib/query-client";
import { Component as MyDayPage } from "./my-day";

const lead = (id: number, name: string) => ({
  id, customer_name: name, contact_number: `+9230000000${id}`, next_followup_date: "2026-01-01", lead_status: "contacted",
});
const page = (results: unknown[], count = results.length) => ({ count, next: null, previous: null, results });

afterEach(() => vi.unstubAllGlobals());

/** fetch whose answers wait until the test lets each path through. */
function heldFetch(bodies: Record<string, unknown>) {
  const release: Record<string, () => void> = {};
  const held: Record<string, Promise<void>> = {};
  for (const path of Object.keys(bodies)) held[path] = new Promise<void>((resolve) => (release[path] = resolve));
  const fetchMock = async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(input, init);
    const path = new URL(request.url).pathname;
    await held[path];
    return new Response(JSON.stringify(bodies[path] ?? {}), { status: bodies[path] ? 200 : 404, headers: { "Content-Type": "application/json" } });
  };
  return { fetchMock, release };
}

describe("My day's page", () => {
  it("draws nothing of the lists until all three first pages have answered (no section pushed down later)", async () => {
    const { fetchMock, release } = heldFetch({
      "/api/leads/followup/missed/": page([lead(1, "Bilal Ahmed")]),
      "/api/leads/followup/today/": page([lead(2, "Ayesha Khan")]),
      "/api/leads/overdue-loans/": page([]),
    });
    vi.stubGlobal("fetch", fetchMock);
    render(
      <QueryClientProvider client={createQueryClient()}>
        <MemoryRouter>
          <MyDayPage />
        </MemoryRouter>
      </QueryClientProvider>,
    );
    release["/api/leads/followup/missed/"]?.();
    release["/api/leads/followup/today/"]?.();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(screen.getByRole("status")).toHaveTextContent("Loading");
    expect(screen.queryByRole("heading", { name: "My day" })).toBeNull();
    expect(screen.queryByRole("link", { name: "Bilal Ahmed" })).toBeNull();

    release["/api/leads/overdue-loans/"]?.();
    expect(await screen.findByRole("heading", { name: "My day" })).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Bilal Ahmed" })).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Ayesha Khan" })).toBeInTheDocument();
    expect(screen.getByText("No promises due today or overdue.")).toBeInTheDocument();
  });
});
