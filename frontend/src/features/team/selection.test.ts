import { describe, expect, it } from "vitest";
import { keepVisible, parseCap, toggle, toggleAll } from "./selection";

describe("picking leads to assign", () => {
  it("toggles one lead in and out", () => {
    const once = toggle(new Set(), 4);
    expect([...once]).toEqual([4]);
    expect([...toggle(once, 4)]).toEqual([]);
  });

  it("picks the whole page, then none when all were picked", () => {
    expect([...toggleAll(new Set([2]), [1, 2, 3])]).toEqual([1, 2, 3]);
    expect([...toggleAll(new Set([1, 2, 3]), [1, 2, 3])]).toEqual([]);
    expect([...toggleAll(new Set(), [])]).toEqual([]);
  });

  it("sends only the picked leads still shown", () => {
    expect(keepVisible(new Set([1, 5, 9]), [9, 8, 1])).toEqual([9, 1]);
  });
});

describe("a daily cap as typed", () => {
  it("reads empty as no cap and refuses what is not a whole number of at least 1", () => {
    expect(parseCap("")).toBeNull();
    expect(parseCap(" 12 ")).toBe(12);
    expect(parseCap("0")).toBeUndefined();
    expect(parseCap("2.5")).toBeUndefined();
    expect(parseCap("-3")).toBeUndefined();
    expect(parseCap("ten")).toBeUndefined();
  });
});
