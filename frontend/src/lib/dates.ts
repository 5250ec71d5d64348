// Business days as ISO dates (YYYY-MM-DD). Arithmetic on the date alone (UTC noon), so a time zone
// or a daylight-saving change never shifts a day; "today" is always passed in, never read here.

export const BUSINESS_TIME_ZONE = "Asia/Karachi";

/** Today's date in the business time zone (the contract's default TIME_ZONE). */
export function businessToday(now: Date = new Date(), timeZone: string = BUSINESS_TIME_ZONE): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(now);
}

function parse(day: string): Date {
  const [year, month, date] = day.split("-").map(Number);
  return new Date(Date.UTC(year ?? 1970, (month ?? 1) - 1, date ?? 1, 12));
}

export function addDays(day: string, days: number): string {
  const value = parse(day);
  value.setUTCDate(value.getUTCDate() + days);
  return value.toISOString().slice(0, 10);
}

/** Whole days from `from` to `to` (positive when `to` is later). */
export function daysBetween(from: string, to: string): number {
  return Math.round((parse(to).getTime() - parse(from).getTime()) / 86_400_000);
}

export type QuickPick = "tomorrow" | "in3Days" | "nextWeek";
export const QUICK_PICKS: readonly QuickPick[] = ["tomorrow", "in3Days", "nextWeek"];

/** The next follow-up's quick picks, from the given business day. */
export function quickPickDates(today: string): Record<QuickPick, string> {
  return { tomorrow: addDays(today, 1), in3Days: addDays(today, 3), nextWeek: addDays(today, 7) };
}
