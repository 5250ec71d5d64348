import { useTranslation } from "react-i18next";
import { ApiError } from "../lib/api/client";

/** Loading and failure of a read, announced politely; nothing when the data is there. */
export function QueryStatus({ isPending, error }: { isPending: boolean; error: unknown }) {
  const { t } = useTranslation();
  if (isPending) return <p role="status">{t("query.loading")}</p>;
  if (error) {
    const notYet = error instanceof ApiError && error.status === 404;
    return <p role="alert">{notYet ? t("query.notAvailable") : t("query.failed")}</p>;
  }
  return null;
}
