import { describe, expect, it } from "vitest";
import { looksLikePassport, looksLikePhone, telLink, toE164, whatsAppLink } from "./phone";

describe("phone links", () => {
  it("reads Pakistani numbers however they are typed", () => {
    for (const typed of ["0321 5550123", "03215550123", "+92 321 5550123", "0092-321-5550123", "3215550123", "+923215550123"]) {
      expect(toE164(typed)).toBe("+923215550123");
    }
  });

  it("refuses what is not a phone number", () => {
    expect(toE164("AB1234567")).toBeNull();
    expect(toE164("12345")).toBeNull();
    expect(telLink("")).toBeNull();
  });

  it("calls the E.164 number", () => {
    expect(telLink("+923001234567")).toBe("tel:+923001234567");
  });

  it("opens WhatsApp with the digits only and the greeting encoded", () => {
    expect(whatsAppLink("+923001234567", "السلام علیکم Ali & co")).toBe(
      `https://wa.me/923001234567?text=${encodeURIComponent("السلام علیکم Ali & co")}`,
    );
    expect(whatsAppLink("0300 1234567", "")).toBe("https://wa.me/923001234567");
  });

  it("tells a phone from a passport in the find box", () => {
    expect(looksLikePhone("0321 5550123")).toBe(true);
    expect(looksLikePassport("AB1234567")).toBe(true);
    expect(looksLikePassport("Ali Khan")).toBe(false);
  });
});
