import { useTranslation } from "react-i18next";
import { Link, useLocation, useParams } from "react-router";
import { QueryStatus } from "../../components/QueryStatus";
import { LeadActions } from "../../features/lead/components/LeadActions";
import { LeadDetails } from "../../features/lead/components/LeadDetails";
import { SlaBadge } from "../../features/lead/components/SlaBadge";
import { Timeline } from "../../features/lead/components/Timeline";
import { useLead } from "../../features/lead/api/lead";
import { LoanBook } from "../../features/loans/components/LoanBook";
import { MessagesPanel } from "../../features/messages/components/MessagesPanel";
import { RecordCallForm } from "../../features/my-day/components/RecordCallForm";
import type { Schemas } from "../../lib/api/client";
import { businessToday } from "../../lib/dates";

interface CreatedState {
  possibleDuplicates?: Schemas["PossibleDuplicate"][];
  knownAtBranches?: string[];
}

/** A lead's card: details, actions, a call, the loan book, the messages and the timeline. */
export function Component() {
  const { t } = useTranslation();
  const id = Number(useParams().id);
  const lead = useLead(id);
  const created = (useLocation().state ?? {}) as CreatedState;
  const today = businessToday();
  if (!lead.data) return <QueryStatus isPending={lead.isPending} error={lead.error} />;
  const data = lead.data;
  return (
    <>
      <h1>{data.customer_name}</h1>
      <SlaBadge lead={data} />
      {(created.possibleDuplicates?.length || created.knownAtBranches?.length) ? (
        <div role="status" className="warning">
          {created.possibleDuplicates?.length ? (
            <p>
              {t("newLead.possibleDuplicates")}{" "}
              {created.possibleDuplicates.map((other) => (
                <Link key={other.id} to={`/leads/${other.id}`}>{other.customer_name} </Link>
              ))}
            </p>
          ) : null}
          {created.knownAtBranches?.length ? <p>{t("newLead.knownAtBranches", { branches: created.knownAtBranches.join(", ") })}</p> : null}
        </div>
      ) : null}
      <LeadDetails lead={data} />
      {data.is_open && (
        <section aria-labelledby="call-heading" className="panel">
          <h2 id="call-heading">{t("call.record")}</h2>
          <RecordCallForm key={data.updated_at} leadId={data.id} customerName={data.customer_name} today={today} autoFocus={false} />
        </section>
      )}
      <LeadActions lead={data} />
      <LoanBook leadId={data.id} today={today} />
      <MessagesPanel leadId={data.id} />
      <Timeline leadId={data.id} />
    </>
  );
}
