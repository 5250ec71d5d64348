import { describe, expect, it } from "vitest";
import { metPercent } from "./sla-share";

describe("metPercent", () => {
  it("rounds the share and keeps 'nothing judged' apart from 0%", () => {
    expect(metPercent(0.666)).toBe(67);
    expect(metPercent(0)).toBe(0);
    expect(metPercent(1)).toBe(100);
    expect(metPercent(null)).toBeNull();
  });
});
