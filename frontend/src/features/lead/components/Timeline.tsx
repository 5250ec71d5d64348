import { useTranslation } from "react-i18next";
import { QueryStatus } from "../../../components/QueryStatus";
import type { Schemas } from "../../../lib/api/client";
import { useLeadFollowUps, useLeadHistory } from "../api/lead";

type FollowUp = Schemas["FollowUpOutput"];
type Change = Schemas["HistoryEntryOutput"];

interface Entry {
  key: string;
  at: string;
  title: string;
  body: string;
}

function show(value: unknown): string {
  if (value === null || value === undefined || value === "") return "—";
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

/** Follow-ups (with outcomes) and recorded changes, newest first; promises and payments are in the loan book. */
export function Timeline({ leadId }: { leadId: number }) {
  const { t, i18n } = useTranslation();
  const followUps = useLeadFollowUps(leadId);
  const history = useLeadHistory(leadId);
  const entries: Entry[] = [
    ...(followUps.data?.results ?? []).map((followUp: FollowUp) => ({
      key: `f${followUp.id}`,
      at: followUp.followup_at,
      title: `${t(`method.${followUp.contact_method}`)} · ${t(`outcome.${followUp.outcome}`)}`,
      body: followUp.remarks + (followUp.next_followup_date ? ` → ${followUp.next_followup_date}` : ""),
    })),
    ...(history.data?.results ?? []).map((change: Change) => ({
      key: `h${change.model}${change.history_id}`,
      at: change.history_date,
      title: t(`history.${change.history_type}`, {
        model: t(`model.${change.model}`, { defaultValue: String(change.model) }),
        user: change.history_user?.username ?? "—",
      }),
      body: change.changes.map((item) => `${item.field}: ${show(item.old)} → ${show(item.new)}`).join("; "),
    })),
  ].sort((a, b) => b.at.localeCompare(a.at));
  const format = new Intl.DateTimeFormat(i18n.language === "ur" ? "ur-PK" : "en-PK", { dateStyle: "medium", timeStyle: "short" });
  return (
    <section aria-labelledby="timeline-heading" className="panel">
      <h2 id="timeline-heading">{t("lead.timeline")}</h2>
      <QueryStatus isPending={followUps.isPending || history.isPending} error={followUps.error ?? history.error} />
      <ol className="timeline">
        {entries.map((entry) => (
          <li key={entry.key}>
            <time dateTime={entry.at}>{format.format(new Date(entry.at))}</time>
            <strong>{entry.title}</strong>
            {entry.body && <p>{entry.body}</p>}
          </li>
        ))}
      </ol>
    </section>
  );
}
