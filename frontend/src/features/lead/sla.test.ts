import { describe, expect, it } from "vitest";
import { formatDueAt, slaState } from "./sla";

const now = new Date();
const inAnHour = new Date(now.getTime() + 3_600_000).toISOString();
const anHourAgo = new Date(now.getTime() - 3_600_000).toISOString();
const waiting = { first_contact_due_at: inAnHour, sla_breached: false, last_contacted_at: null, is_open: true };

describe("slaState", () => {
  it("says when a waiting lead's first contact is due", () => {
    expect(slaState(waiting, now)).toEqual({ kind: "due", dueAt: inAnHour });
  });
  it("says breached when the API says so", () => {
    expect(slaState({ ...waiting, sla_breached: true, last_contacted_at: anHourAgo }, now)).toEqual({ kind: "breached" });
  });
  it("says breached once the due time passed while the card was open", () => {
    expect(slaState({ ...waiting, first_contact_due_at: anHourAgo }, now)).toEqual({ kind: "breached" });
  });
  it("says nothing without an SLA, once contacted in time, or for a closed lead", () => {
    expect(slaState({ ...waiting, first_contact_due_at: null }, now)).toBeNull();
    expect(slaState({ ...waiting, last_contacted_at: anHourAgo }, now)).toBeNull();
    expect(slaState({ ...waiting, first_contact_due_at: anHourAgo, is_open: false }, now)).toBeNull();
  });
});

describe("formatDueAt", () => {
  it("reads the instant in the business time zone", () => {
    // Midnight UTC is 05:00 in Karachi (UTC+5, no daylight saving time).
    const day = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate())).toISOString();
    expect(formatDueAt(day, "en")).toContain("05:00");
    expect(formatDueAt(day, "en", "UTC")).toContain("00:00");
  });
});
