import { screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { renderWithProviders } from "../../../test/render";
import { SlaBadge } from "./SlaBadge";

const inTwoHours = new Date(Date.now() + 2 * 3_600_000).toISOString();
const waiting = { first_contact_due_at: inTwoHours, sla_breached: false, last_contacted_at: null, is_open: true };

describe("the lead card's SLA badge", () => {
  it("says by when a waiting lead must first be called", () => {
    renderWithProviders(<SlaBadge lead={waiting} />);
    expect(screen.getByText(/^First contact due by /)).toBeInTheDocument();
  });

  it("says the SLA was breached", () => {
    renderWithProviders(<SlaBadge lead={{ ...waiting, sla_breached: true }} />);
    expect(screen.getByText("SLA breached")).toBeInTheDocument();
  });

  it("says nothing for a lead without an SLA", () => {
    const { container } = renderWithProviders(<SlaBadge lead={{ ...waiting, first_contact_due_at: null }} />);
    expect(container).toBeEmptyDOMElement();
  });
});
