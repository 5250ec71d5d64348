import { useTranslation } from "react-i18next";

/** A decimal string from the API as a number in the user's language (no float arithmetic on it). */
export function Money({ amount }: { amount: string | null | undefined }) {
  const { i18n } = useTranslation();
  if (amount == null) return null;
  const value = Number(amount);
  return <span dir="ltr">{Number.isFinite(value) ? value.toLocaleString(i18n.language === "ur" ? "ur-PK" : "en-PK") : amount}</span>;
}
