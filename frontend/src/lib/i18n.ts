// English and Urdu; Urdu is right to left. The choice is a preference kept in localStorage (never a
// token); <html lang dir> follow it, and the layout uses CSS logical properties only.
import i18next from "i18next";
import { initReactI18next } from "react-i18next";
import en from "./locales/en.json";
import ur from "./locales/ur.json";

export type Language = "en" | "ur";
export const LANGUAGES: readonly Language[] = ["en", "ur"];
export const LANGUAGE_KEY = "desk.language";
const RTL: ReadonlySet<Language> = new Set<Language>(["ur"]);

export function direction(language: Language): "ltr" | "rtl" {
  return RTL.has(language) ? "rtl" : "ltr";
}

function isLanguage(value: unknown): value is Language {
  return typeof value === "string" && (LANGUAGES as readonly string[]).includes(value);
}

export function storedLanguage(storage: Pick<Storage, "getItem"> = window.localStorage): Language {
  try {
    const value = storage.getItem(LANGUAGE_KEY);
    return isLanguage(value) ? value : "en";
  } catch {
    return "en";
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
  await i18next.changeLanguage(language);
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
