import { describe, expect, it, vi } from "vitest";
import {
  applyDocumentLanguage,
  direction,
  i18next,
  LANGUAGE_KEY,
  rememberOnServer,
  SET_LANGUAGE_URL,
  setLanguage,
  storedLanguage,
} from "./i18n";
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

  it("tells the server (set_language, form-encoded, with the CSRF token) and survives its failure", async () => {
    document.cookie = "csrftoken=abc123";
    const fetcher = vi.fn<typeof fetch>().mockResolvedValue(new Response(null, { status: 204 }));
    await rememberOnServer("ur", fetcher);
    expect(fetcher).toHaveBeenCalledTimes(1);
    expect(fetcher.mock.lastCall?.[0]).toBe(SET_LANGUAGE_URL);
    const init = fetcher.mock.lastCall?.[1];
    expect(init?.method).toBe("POST");
    expect(String(init?.body)).toBe("language=ur");
    expect((init?.headers as Record<string, string>)["X-CSRFToken"]).toBe("abc123");
    await expect(rememberOnServer("en", vi.fn<typeof fetch>().mockRejectedValue(new TypeError("offline")))).resolves.toBeUndefined();
  });

  it("without a stored choice, follows the language chosen in the admin (the server's cookie)", () => {
    expect(storedLanguage({ getItem: () => null }, "csrftoken=x; django_language=ur")).toBe("ur");
    expect(storedLanguage({ getItem: () => "en" }, "django_language=ur")).toBe("en");
    expect(storedLanguage({ getItem: () => null }, "django_language=fr")).toBe("en");
  });

  it("ignores a stored value that is not a language", () => {
    expect(storedLanguage({ getItem: () => "fr" }, "")).toBe("en");
    const root = document.createElement("html");
    applyDocumentLanguage("ur", root);
    expect(root.dir).toBe("rtl");
  });

  it("Urdu has every string English has", () => {
    expect(keys(ur).sort()).toEqual(keys(en).sort());
  });
});
