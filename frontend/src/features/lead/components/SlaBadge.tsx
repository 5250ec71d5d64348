import { useTranslation } from "react-i18next";
import { formatDueAt, slaState, type SlaFields } from "../sla";

/** "First contact due by …" while a new lead waits, "SLA breached" once its time passed; nothing otherwise. */
export function SlaBadge({ lead }: { lead: SlaFields }) {
  const { t, i18n } = useTranslation();
  const state = slaState(lead);
  if (!state) return null;
  if (state.kind === "breached") return <p><span className="badge overdue">{t("sla.breached")}</span></p>;
  return <p><span className="badge">{t("sla.dueBy", { time: formatDueAt(state.dueAt, i18n.language) })}</span></p>;
}
