// The lead card's first-contact SLA badge: what to say about a lead's first contact, judged now.
import { BUSINESS_TIME_ZONE } from "../../lib/dates";

export interface SlaFields {
  first_contact_due_at?: string | null;
  sla_breached: boolean;
  last_contacted_at?: string | null;
  is_open: boolean;
}

export type SlaState = { kind: "breached" } | { kind: "due"; dueAt: string } | null;

/** "breached" when the API says so, or when an open, never contacted lead's due time has passed since it
 * was read (a card left open); "due" while an open lead still waits within its time; null otherwise (no SLA,
 * met, or closed without a breach). */
export function slaState(lead: SlaFields, now: Date = new Date()): SlaState {
  const due = lead.first_contact_due_at;
  if (!due) return null;
  if (lead.sla_breached) return { kind: "breached" };
  if (!lead.is_open || lead.last_contacted_at) return null;
  if (new Date(due).getTime() < now.getTime()) return { kind: "breached" };
  return { kind: "due", dueAt: due };
}

/** A due time as the branch reads it: weekday, day, month and time in the business time zone. */
export function formatDueAt(iso: string, language: string, timeZone: string = BUSINESS_TIME_ZONE): string {
  return new Intl.DateTimeFormat(language === "ur" ? "ur-PK" : "en-GB", {
    timeZone, weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", hour12: false,
  }).format(new Date(iso));
}
