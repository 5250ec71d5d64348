import { useTranslation } from "react-i18next";

/** Download the list as CSV or XLSX: plain links to export/ with the list's filters (session cookie). */
export function ExportLinks({ filters }: { filters: Record<string, string> }) {
  const { t } = useTranslation();
  const href = (format: "csv" | "xlsx") => `/api/leads/export/?${new URLSearchParams({ ...filters, format, labels: "readable" }).toString()}`;
  return (
    <p className="exports">
      <a className="button secondary" href={href("csv")} download>
        {t("export.csv")}
      </a>
      <a className="button secondary" href={href("xlsx")} download>
        {t("export.xlsx")}
      </a>
    </p>
  );
}
