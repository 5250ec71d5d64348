import { describe, expect, it } from "vitest";
import { applyDocumentLanguage, direction, i18next, LANGUAGE_KEY, setLanguage, storedLanguage } from "./i18n";
import en from "./locales/en.json";
import ur from "./locales/ur.json";

function keys(value: unknown, prefix = ""): string[] {
  if (value && typeof value === "object") return Object.entries(value).flatMap(([key, inner]) => keys(inner, prefix ? `${prefix}.${key}` : key));
  return [prefix];
}

describe("languages", () => {
  it("Urdu is right to left, English left to right", () => {
    expect(direction("ur")).toBe("rtl");
    expect(direction("en")).toBe("ltr");
  });

  it("switching sets <html lang dir>, translates, and is remembered as a preference", async () => {
    await setLanguage("ur");
    expect(document.documentElement).toHaveAttribute("dir", "rtl");
    expect(document.documentElement).toHaveAttribute("lang", "ur");
    expect(i18next.t("nav.myDay")).toBe("میرا دن");
    expect(window.localStorage.getItem(LANGUAGE_KEY)).toBe("ur");
    expect(storedLanguage()).toBe("ur");
    await setLanguage("en");
    expect(document.documentElement).toHaveAttribute("dir", "ltr");
    expect(storedLanguage()).toBe("en");
  });

  it("ignores a stored value that is not a language", () => {
    expect(storedLanguage({ getItem: () => "fr" })).toBe("en");
    const root = document.createElement("html");
    applyDocumentLanguage("ur", root);
    expect(root.dir).toBe("rtl");
  });

  it("Urdu has every string English has", () => {
    expect(keys(ur).sort()).toEqual(keys(en).sort());
  });
});
