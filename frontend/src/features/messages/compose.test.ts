import { describe, expect, it } from "vitest";
import type { MessageTemplate } from "./api/messages";
import { freeTextOpen, preview, templatesFor } from "./compose";

const template = (code: string, channel: "whatsapp" | "sms", language: "en" | "ur", body = "Dear {{1}}, {{2}} on {{3}}"): MessageTemplate => ({
  id: Math.floor(Math.random() * 1e6), organization: 1, code, channel, language, body, provider_name: code,
  provider_language: language, parameter_count: 3, updated_at: "2031-01-01T00:00:00+05:00",
});

describe("the composer", () => {
  const all = [
    template("payment_due_today", "whatsapp", "en"),
    template("payment_due_today", "whatsapp", "ur"),
    template("payment_due_today", "sms", "en"),
    template("payment_received", "whatsapp", "en"),
  ];

  it("offers each code once, in the customer's language, else English, for the chosen channel", () => {
    expect(templatesFor(all, "whatsapp", "ur").map((t) => [t.code, t.language])).toEqual([
      ["payment_due_today", "ur"],
      ["payment_received", "en"],
    ]);
    expect(templatesFor(all, "sms", "ur").map((t) => t.code)).toEqual(["payment_due_today"]);
  });

  it("previews the text with the parameters typed so far", () => {
    expect(preview("Dear {{1}}, {{2}} on {{3}}", ["Asif", "PKR 5,000"])).toBe("Dear Asif, PKR 5,000 on {{3}}");
  });

  it("opens free text on WhatsApp only inside the 24-hour window; SMS always", () => {
    const now = new Date("2031-01-02T10:00:00+05:00");
    expect(freeTextOpen("whatsapp", null, now)).toBe(false);
    expect(freeTextOpen("whatsapp", "2031-01-02T09:59:00+05:00", now)).toBe(false);
    expect(freeTextOpen("whatsapp", "2031-01-02T10:01:00+05:00", now)).toBe(true);
    expect(freeTextOpen("sms", null, now)).toBe(true);
  });
});
