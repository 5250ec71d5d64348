// How late a due day is on a given business day: what My day's rows say next to the name.
import { daysBetween } from "../../lib/dates";

export type Lateness = { kind: "dueToday" } | { kind: "late"; days: number };

/** From a number of days past the due day (the API's `days_overdue`): 0 is due today; before that, nothing. */
export function latenessFromDays(days: number): Lateness | null {
  if (days > 0) return { kind: "late", days };
  return days === 0 ? { kind: "dueToday" } : null;
}

/** `dueDay` judged on `today` (both YYYY-MM-DD business days, today always passed in). */
export function lateness(dueDay: string, today: string): Lateness | null {
  return latenessFromDays(daysBetween(dueDay, today));
}
