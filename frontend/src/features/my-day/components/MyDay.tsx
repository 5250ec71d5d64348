import { useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { Money } from "../../../components/Money";
import { Pager } from "../../../components/Pager";
import { PhoneLinks } from "../../../components/PhoneLinks";
import { QueryStatus } from "../../../components/QueryStatus";
import type { Schemas } from "../../../lib/api/client";
import { PAGE_SIZE } from "../../../lib/query-client";
import { useFollowUpsToday, useMissedFollowUps, usePromisesDue } from "../api/my-day";
import { lateness, latenessFromDays, type Lateness } from "../lateness";
import { RecordCallForm } from "./RecordCallForm";

type Lead = Schemas["LeadListOutput"];

function Section({ id, title, count, children }: { id: string; title: string; count: number | undefined; children: ReactNode }) {
  const { t } = useTranslation();
  return (
    <section aria-labelledby={id} className="panel">
      <h2 id={id}>
        {title} <span className="count" aria-label={t("common.countLabel", { count: count ?? 0 })}>{count ?? "…"}</span>
      </h2>
      {children}
    </section>
  );
}

function Late({ lateness: value }: { lateness: Lateness | null }) {
  const { t } = useTranslation();
  if (!value) return null;
  return value.kind === "dueToday" ? (
    <span className="due-today">{t("myDay.dueToday")}</span>
  ) : (
    <span className="late">{t("myDay.daysLate", { count: value.days })}</span>
  );
}

function LeadRow({ lead, today, late }: { lead: Lead; today: string; late: boolean }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  return (
    <li className="row">
      <div className="row-main">
        <Link to={`/leads/${lead.id}`} className="name">
          {lead.customer_name}
        </Link>
        <PhoneLinks phone={lead.contact_number} name={lead.customer_name} />
        {late && lead.next_followup_date && <Late lateness={lateness(lead.next_followup_date, today)} />}
        <button type="button" aria-expanded={open} onClick={() => setOpen(!open)}>
          {t("call.record")}
          <span className="visually-hidden"> {lead.customer_name}</span>
        </button>
      </div>
      {open && <RecordCallForm leadId={lead.id} customerName={lead.customer_name} today={today} onDone={() => setOpen(false)} />}
    </li>
  );
}

function LeadList({ leads, today, late, empty }: { leads: Lead[]; today: string; late: boolean; empty: string }) {
  if (!leads.length) return <p className="empty">{empty}</p>;
  return (
    <ul className="rows">
      {leads.map((lead) => (
        <LeadRow key={lead.id} lead={lead} today={today} late={late} />
      ))}
    </ul>
  );
}

/** The home page: missed follow-ups, today's, and payment promises due today or overdue; three requests. */
export function MyDay({ today }: { today: string }) {
  const { t } = useTranslation();
  const [missedPage, setMissedPage] = useState(1);
  const [todayPage, setTodayPage] = useState(1);
  const [promisePage, setPromisePage] = useState(1);
  const missed = useMissedFollowUps(missedPage);
  const dueToday = useFollowUpsToday(todayPage);
  const promises = usePromisesDue(promisePage);

  return (
    <>
      <h1>{t("myDay.title")}</h1>
      <Section id="missed-heading" title={t("myDay.missed")} count={missed.data?.count}>
        <QueryStatus isPending={missed.isPending} error={missed.error} />
        {missed.data && (
          <>
            <LeadList leads={missed.data.results} today={today} late empty={t("myDay.noneMissed")} />
            <Pager page={missedPage} count={missed.data.count} pageSize={PAGE_SIZE} onPage={setMissedPage} label={t("myDay.missed")} />
          </>
        )}
      </Section>
      <Section id="today-heading" title={t("myDay.today")} count={dueToday.data?.count}>
        <QueryStatus isPending={dueToday.isPending} error={dueToday.error} />
        {dueToday.data && (
          <>
            <LeadList leads={dueToday.data.results} today={today} late={false} empty={t("myDay.noneToday")} />
            <Pager page={todayPage} count={dueToday.data.count} pageSize={PAGE_SIZE} onPage={setTodayPage} label={t("myDay.today")} />
          </>
        )}
      </Section>
      <Section id="promises-heading" title={t("myDay.promises")} count={promises.data?.count}>
        <QueryStatus isPending={promises.isPending} error={promises.error} />
        {promises.data && (
          <>
            {promises.data.results.length ? (
              <ul className="rows">
                {promises.data.results.map((promise) => (
                  <li key={promise.id} className="row">
                    <div className="row-main">
                      <Link to={`/leads/${promise.lead}`} className="name">
                        {promise.customer_name}
                      </Link>
                      <PhoneLinks phone={promise.contact_number} name={promise.customer_name} />
                      <span>
                        {t("loans.balance")}: <Money amount={promise.balance} />
                      </span>
                      <Late lateness={latenessFromDays(promise.days_overdue)} />
                    </div>
                  </li>
                ))}
              </ul>
            ) : (
              <p className="empty">{t("myDay.nonePromises")}</p>
            )}
            <Pager page={promisePage} count={promises.data.count} pageSize={PAGE_SIZE} onPage={setPromisePage} label={t("myDay.promises")} />
          </>
        )}
      </Section>
    </>
  );
}
