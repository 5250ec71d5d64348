import { describe, expect, it } from "vitest";
import { addDays, businessToday, daysBetween, quickPickDates } from "./dates";

describe("quick picks", () => {
  it("are tomorrow, in three days and next week from the day passed in", () => {
    expect(quickPickDates("2031-02-27")).toEqual({ tomorrow: "2031-02-28", in3Days: "2031-03-02", nextWeek: "2031-03-06" });
  });

  it("cross a leap day and a year's end", () => {
    expect(quickPickDates("2032-02-28").tomorrow).toBe("2032-02-29");
    expect(quickPickDates("2031-12-30")).toEqual({ tomorrow: "2031-12-31", in3Days: "2032-01-02", nextWeek: "2032-01-06" });
  });

  it("count days late between business days", () => {
    expect(daysBetween("2031-01-25", "2031-02-03")).toBe(9);
    expect(addDays("2031-03-01", -1)).toBe("2031-02-28");
  });

  it("take today in the business time zone, not the device's", () => {
    // 20:30 UTC on 1 March is already 2 March in Karachi (UTC+5).
    expect(businessToday(new Date("2031-03-01T20:30:00Z"), "Asia/Karachi")).toBe("2031-03-02");
    expect(businessToday(new Date("2031-03-01T20:30:00Z"), "UTC")).toBe("2031-03-01");
  });
});
