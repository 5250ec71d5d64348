import { screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { fakeFetch, renderWithProviders } from "../../../test/render";
import { Timeline } from "./Timeline";

afterEach(() => vi.unstubAllGlobals());

const followUp = (id: number, at: string, outcome: string, remarks: string) => ({
  id, lead: 7, followup_at: at, contact_method: "call", outcome, remarks, next_followup_date: null, created_by: 3, created_at: at,
});
const page = (results: unknown[]) => ({ count: results.length, next: null, previous: null, results });

describe("a lead's timeline", () => {
  it("shows each call with its outcome, newest first", async () => {
    const { fetchMock } = fakeFetch({
      "/api/leads/detail/7/followups/": {
        status: 200,
        body: page([
          followUp(2, "2031-02-21T10:00:00+05:00", "answered", "Will pay Friday"),
          followUp(1, "2031-02-20T10:00:00+05:00", "no_answer", "Rang twice"),
        ]),
      },
      "/api/leads/detail/7/history/": { status: 200, body: page([]) },
    });
    vi.stubGlobal("fetch", fetchMock);
    renderWithProviders(<Timeline leadId={7} />);
    const entries = await screen.findAllByRole("listitem");
    expect(entries.map((entry) => entry.querySelector("strong")?.textContent)).toEqual(["Call · Answered", "Call · No answer"]);
  });
});
