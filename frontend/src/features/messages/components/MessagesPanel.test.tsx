import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import { fakeFetch, renderWithProviders } from "../../../test/render";
import { MessagesPanel } from "./MessagesPanel";

afterEach(() => vi.unstubAllGlobals());

const page = (results: unknown[]) => ({ count: results.length, next: null, previous: null, results });
const CONSENT = {
  id: 7, messaging_consent: "unknown", messaging_consent_at: null, messaging_consent_via: "", language: "en",
  whatsapp_window_ends_at: null, channels: ["whatsapp"],
};
const TEMPLATE = {
  id: 3, organization: 1, code: "payment_due_today", channel: "whatsapp", language: "en",
  body: "Dear {{1}}, your payment of {{2}} is due today ({{3}}).", provider_name: "payment_due_today",
  provider_language: "en", parameter_count: 3, updated_at: "2031-01-01T00:00:00+05:00",
};
const SENT = {
  id: 90, lead: 7, direction: "out", channel: "whatsapp", template: "payment_due_today", language: "en",
  body: "Dear Asif, your payment of PKR 5,000 is due today (02-03-2031).", status: "sent", error: "", created_by: 3,
  created_at: "2031-03-02T10:00:00+05:00", sent_at: "2031-03-02T10:00:01+05:00", delivered_at: null, read_at: null,
};

describe("the lead's messages", () => {
  it("records consent, then sends a template with its values", async () => {
    const reads = fakeFetch({
      "/api/leads/detail/7/consent/": { status: 200, body: CONSENT },
      "/api/leads/detail/7/messages/": { status: 200, body: page([]) },
      "/api/messaging/templates/": { status: 200, body: page([TEMPLATE]) },
    });
    const writes = fakeFetch({
      "/api/leads/detail/7/consent/": { status: 200, body: { ...CONSENT, messaging_consent: "opted_in", messaging_consent_via: "staff" } },
      "/api/leads/detail/7/messages/": { status: 202, body: { ...SENT, status: "queued" } },
    });
    const agreed = fakeFetch({
      "/api/leads/detail/7/consent/": { status: 200, body: { ...CONSENT, messaging_consent: "opted_in", messaging_consent_via: "staff" } },
    });
    vi.stubGlobal("fetch", (request: Request) => {
      if (request.method !== "GET") return writes.fetchMock(request);
      // Once consent is recorded, the server answers it.
      const consentRead = new URL(request.url).pathname.endsWith("/consent/") && writes.requests.length > 0;
      return consentRead ? agreed.fetchMock(request) : reads.fetchMock(request);
    });
    renderWithProviders(<MessagesPanel leadId={7} />);
    expect(screen.queryByRole("form", { name: "Send message" })).not.toBeInTheDocument();
    await userEvent.click(await screen.findByRole("button", { name: "Customer agrees to messages" }));
    expect(await writes.requests[0]!.json()).toEqual({ messaging_consent: "opted_in", via: "staff" });

    const form = await screen.findByRole("form", { name: "Send message" });
    expect(within(form).getByRole("radio", { name: "Free text" })).toBeDisabled(); // outside the 24-hour window
    await userEvent.selectOptions(within(form).getByLabelText("Template"), "payment_due_today");
    await userEvent.type(within(form).getByLabelText("Value 1"), "Asif");
    await userEvent.type(within(form).getByLabelText("Value 2"), "PKR 5,000");
    await userEvent.type(within(form).getByLabelText("Value 3"), "02-03-2031");
    expect(form).toHaveTextContent("Dear Asif, your payment of PKR 5,000 is due today (02-03-2031).");
    await userEvent.click(within(form).getByRole("button", { name: "Send message" }));
    expect(await screen.findByRole("status")).toHaveTextContent("Queued");
    expect(await writes.requests[1]!.json()).toEqual({
      channel: "whatsapp", template: "payment_due_today", params: ["Asif", "PKR 5,000", "02-03-2031"],
    });
  });

  it("shows each message's direction, channel and status", async () => {
    const { fetchMock } = fakeFetch({
      "/api/leads/detail/7/consent/": { status: 200, body: { ...CONSENT, messaging_consent: "opted_in" } },
      "/api/leads/detail/7/messages/": { status: 200, body: page([SENT]) },
      "/api/messaging/templates/": { status: 200, body: page([]) },
    });
    vi.stubGlobal("fetch", fetchMock);
    renderWithProviders(<MessagesPanel leadId={7} />);
    const thread = await screen.findByRole("list", { name: "Messages with the customer" });
    expect(await within(thread).findByText(/your payment of PKR 5,000/)).toBeInTheDocument();
    expect(thread).toHaveTextContent("To the customer · WhatsApp");
    expect(thread).toHaveTextContent("sent");
  });
});
