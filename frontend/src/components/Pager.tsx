import { useTranslation } from "react-i18next";

interface PagerProps {
  page: number;
  count: number;
  pageSize: number;
  onPage: (page: number) => void;
  label: string;
}

/** Previous/next over a paginated API list: one page of the API's size is rendered, never all rows. */
export function Pager({ page, count, pageSize, onPage, label }: PagerProps) {
  const { t } = useTranslation();
  const pages = Math.max(1, Math.ceil(count / pageSize));
  if (pages <= 1) return null;
  return (
    <nav className="pager" aria-label={label}>
      <button type="button" onClick={() => onPage(page - 1)} disabled={page <= 1}>
        {t("pager.previous")}
      </button>
      <span>{t("pager.position", { page, pages })}</span>
      <button type="button" onClick={() => onPage(page + 1)} disabled={page >= pages}>
        {t("pager.next")}
      </button>
    </nav>
  );
}
