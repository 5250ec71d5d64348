import { describe, expect, it } from "vitest";
import en from "../../lib/locales/en.json";
import ur from "../../lib/locales/ur.json";
import { DEFAULT_OUTCOME, FOLLOW_UP_OUTCOMES } from "./outcomes";

describe("a call's outcomes", () => {
  it("are the API's five, answered first and by default (what the API assumes when none is sent)", () => {
    expect(FOLLOW_UP_OUTCOMES).toEqual(["answered", "no_answer", "busy", "unreachable", "wrong_number"]);
    expect(DEFAULT_OUTCOME).toBe("answered");
  });

  it("each has an English and a real Urdu label", () => {
    for (const outcome of FOLLOW_UP_OUTCOMES) {
      expect(en.outcome[outcome]).toBeTruthy();
      expect(ur.outcome[outcome]).toMatch(/[\u0600-\u06FF]/);
      expect(ur.outcome[outcome]).not.toBe(en.outcome[outcome]);
    }
  });
});
