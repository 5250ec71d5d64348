import { describe, expect, it } from "vitest";
import { lateness, latenessFromDays } from "./lateness";

describe("how late a due day is, from a fixed today", () => {
  it("is due today on the day itself, days late after it, nothing before it", () => {
    expect(lateness("2031-03-02", "2031-03-02")).toEqual({ kind: "dueToday" });
    expect(lateness("2031-02-27", "2031-03-02")).toEqual({ kind: "late", days: 3 });
    expect(lateness("2031-03-03", "2031-03-02")).toBeNull();
  });

  it("counts across a month's and a year's end, a leap day included", () => {
    expect(lateness("2032-02-28", "2032-03-01")).toEqual({ kind: "late", days: 2 });
    expect(lateness("2031-12-31", "2032-01-01")).toEqual({ kind: "late", days: 1 });
  });

  it("reads the API's days_overdue the same way (0 is due today)", () => {
    expect(latenessFromDays(0)).toEqual({ kind: "dueToday" });
    expect(latenessFromDays(12)).toEqual({ kind: "late", days: 12 });
    expect(latenessFromDays(-1)).toBeNull();
  });
});
