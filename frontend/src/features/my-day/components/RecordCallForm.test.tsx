import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import { fakeFetch, renderWithProviders } from "../../../test/render";
import { RecordCallForm } from "./RecordCallForm";

afterEach(() => vi.unstubAllGlobals());

describe("recording a call", () => {
  it("sends the outcome, remarks and a quick-picked next day computed from the day given", async () => {
    const { fetchMock, requests } = fakeFetch({ "/api/leads/followup/": { status: 201, body: { id: 1 } } });
    vi.stubGlobal("fetch", fetchMock);
    const done = vi.fn();
    renderWithProviders(<RecordCallForm leadId={42} customerName="Ali Khan" today="2031-02-27" onDone={done} />);

    await userEvent.click(screen.getByRole("radio", { name: "No answer" }));
    await userEvent.type(screen.getByLabelText("What was said"), "Rang twice");
    await userEvent.click(screen.getByRole("button", { name: "In 3 days" }));
    expect(screen.getByLabelText("Or a date")).toHaveValue("2031-03-02");
    await userEvent.click(screen.getByRole("button", { name: "Save the call" }));

    await waitFor(() => expect(done).toHaveBeenCalled());
    const body: unknown = await requests[0]?.json();
    expect(body).toEqual({ lead: 42, contact_method: "call", outcome: "no_answer", remarks: "Rang twice", next_followup_date: "2031-03-02" });
  });

  it("shows the API's 400 on the field it names", async () => {
    const { fetchMock } = fakeFetch({ "/api/leads/followup/": { status: 400, body: { next_followup_date: ["Date is in the past."] } } });
    vi.stubGlobal("fetch", fetchMock);
    renderWithProviders(<RecordCallForm leadId={42} customerName="Ali Khan" today="2031-02-27" />);
    await userEvent.type(screen.getByLabelText("What was said"), "Answered");
    await userEvent.click(screen.getByRole("button", { name: "Save the call" }));
    const date = screen.getByLabelText("Or a date");
    await waitFor(() => expect(date).toHaveAttribute("aria-invalid", "true"));
    expect(date).toHaveAccessibleDescription("Date is in the past.");
  });
});
