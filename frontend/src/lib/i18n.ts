// English and Urdu; Urdu is right to left. The choice is a preference kept in localStorage (never a
// token); <html lang dir> follow it, and the layout uses CSS logical properties only. Switching also
// tells the server (Django's set_language): the admin and printable receipts follow the
// `django_language` cookie, and the signed-in user's reminder emails their saved language.
import i18next from "i18next";
import { initReactI18next } from "react-i18next";
import { CSRF_COOKIE, CSRF_HEADER, readCookie } from "./csrf";
import en from "./locales/en.json";
import ur from "./locales/ur.json";

export type Language = "en" | "ur";
export const LANGUAGES: readonly Language[] = ["en", "ur"];
export const LANGUAGE_KEY = "desk.language";
export const SERVER_LANGUAGE_COOKIE = "django_language";
export const SET_LANGUAGE_URL = "/i18n/setlang/";
const RTL: ReadonlySet<Language> = new Set<Language>(["ur"]);

export function direction(language: Language): "ltr" | "rtl" {
  return RTL.has(language) ? "rtl" : "ltr";
}

function isLanguage(value: unknown): value is Language {
  return typeof value === "string" && (LANGUAGES as readonly string[]).includes(value);
}

export function storedLanguage(
  storage: Pick<Storage, "getItem"> = window.localStorage,
  cookies: string = document.cookie,
): Language {
  try {
    const value = storage.getItem(LANGUAGE_KEY);
    if (isLanguage(value)) return value;
  } catch {
    // Private mode: fall through to the server's cookie.
  }
  const chosenOnServer = readCookie(SERVER_LANGUAGE_COOKIE, cookies); // chosen in the admin
  return isLanguage(chosenOnServer) ? chosenOnServer : "en";
}

// The same choice for the server's pages and the user's emails; a failure leaves the desk switched.
export async function rememberOnServer(language: Language, fetcher: typeof fetch = fetch): Promise<void> {
  try {
    const headers: Record<string, string> = { Accept: "application/json" }; // a 204, not a redirect
    const token = readCookie(CSRF_COOKIE);
    if (token) headers[CSRF_HEADER] = token;
    await fetcher(SET_LANGUAGE_URL, {
      method: "POST",
      credentials: "same-origin",
      headers,
      body: new URLSearchParams({ language }),
    });
  } catch {
    // Offline: the desk keeps its own choice; the next switch tells the server.
  }
}

export function applyDocumentLanguage(language: Language, root: HTMLElement = document.documentElement): void {
  root.lang = language;
  root.dir = direction(language);
}

export async function setLanguage(language: Language): Promise<void> {
  try {
    window.localStorage.setItem(LANGUAGE_KEY, language);
  } catch {
    // Private mode: the choice lasts for this visit only.
  }
  applyDocumentLanguage(language);
  await Promise.all([i18next.changeLanguage(language), rememberOnServer(language)]);
}

export function initI18n(language: Language = storedLanguage()) {
  applyDocumentLanguage(language);
  return i18next.use(initReactI18next).init({
    resources: { en: { translation: en }, ur: { translation: ur } },
    lng: language,
    fallbackLng: "en",
    interpolation: { escapeValue: false },
    returnNull: false,
    showSupportNotice: false,
  });
}

export { i18next };
