import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import { fakeFetch, renderWithProviders } from "../../../test/render";
import { LoanBook } from "./LoanBook";

afterEach(() => vi.unstubAllGlobals());

const COMMITMENT = {
  id: 12, lead: 7, booking: null, amount: "5000.00", paid_amount: "1000.00", balance: "4000.00", promised_clear_date: "2031-03-02",
  status: "pending", rescheduled_from: null, remarks: "", cleared_at: null, created_by: 3,
  created_at: "2031-02-01T09:00:00+05:00", updated_at: "2031-02-01T09:00:00+05:00",
};
const PAYMENT = {
  id: 40, commitment: 12, amount: "1000.00", paid_at: "2031-02-20T11:00:00+05:00", method: "cash", reference: "",
  receipt_number: "AT-2031-000041", balance_after: "4000.00", created_by: 3, created_at: "2031-02-20T11:00:00+05:00",
};
const page = (results: unknown[]) => ({ count: results.length, next: null, previous: null, results });

describe("the loan book", () => {
  it("lists each payment with its receipt number, the balance after it, and the printable receipt's link", async () => {
    const { fetchMock } = fakeFetch({
      "/api/leads/detail/7/loan-commitments/": { status: 200, body: page([COMMITMENT]) },
      "/api/leads/loan-promise/12/payments/": { status: 200, body: page([PAYMENT]) },
    });
    vi.stubGlobal("fetch", fetchMock);
    renderWithProviders(<LoanBook leadId={7} today="2031-03-02" />);
    const payments = await screen.findByRole("list", { name: "Payments" });
    expect(within(payments).getByRole("link", { name: "Receipt AT-2031-000041" })).toHaveAttribute(
      "href",
      "/api/leads/loan-promise/12/payments/40/receipt/",
    );
    expect(payments).toHaveTextContent("Balance after: 4,000");
  });

  it("a recorded payment says its receipt number and the balance left", async () => {
    const reads = fakeFetch({
      "/api/leads/detail/7/loan-commitments/": { status: 200, body: page([COMMITMENT]) },
      "/api/leads/loan-promise/12/payments/": { status: 200, body: page([]) },
    });
    const writes = fakeFetch({
      "/api/leads/loan-promise/12/payments/": {
        status: 201,
        body: { ...PAYMENT, id: 41, amount: "1500.00", receipt_number: "AT-2031-000042", balance_after: "2500.00" },
      },
    });
    vi.stubGlobal("fetch", (request: Request) => (request.method === "POST" ? writes.fetchMock(request) : reads.fetchMock(request)));
    renderWithProviders(<LoanBook leadId={7} today="2031-03-02" />);
    await userEvent.click(await screen.findByRole("button", { name: "Record a payment" }));
    const form = screen.getByRole("form", { name: "Record a payment" });
    await userEvent.clear(within(form).getByLabelText("Amount"));
    await userEvent.type(within(form).getByLabelText("Amount"), "1500");
    await userEvent.click(within(form).getByRole("button", { name: "Record a payment" }));
    const status = await screen.findByRole("status");
    expect(status).toHaveTextContent("Payment recorded: receipt AT-2031-000042.");
    expect(status).toHaveTextContent("Balance after: 2,500");
  });
});
