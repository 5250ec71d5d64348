import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { ExportLinks } from "../../../components/ExportLinks";
import { Money } from "../../../components/Money";
import { Pager } from "../../../components/Pager";
import { PhoneLinks } from "../../../components/PhoneLinks";
import { QueryStatus } from "../../../components/QueryStatus";
import { daysBetween } from "../../../lib/dates";
import { PAGE_SIZE } from "../../../lib/query-client";
import { useWhoOwes } from "../api/loans";

/** Customers with an overdue promise, the most overdue money first: name, phone, amount, days late. */
export function WhoOwes({ today }: { today: string }) {
  const { t } = useTranslation();
  const [page, setPage] = useState(1);
  const owing = useWhoOwes(page);
  return (
    <>
      <h1>{t("whoOwes.title")}</h1>
      <QueryStatus isPending={owing.isPending} error={owing.error} />
      {owing.data && (
        <section aria-labelledby="owing-heading" className="panel">
          <h2 id="owing-heading">
            {t("whoOwes.count")} <span className="count">{owing.data.count}</span>
          </h2>
          <ul className="rows">
            {owing.data.results.map((lead) => (
              <li key={lead.id} className="row">
                <div className="row-main">
                  <Link to={`/leads/${lead.id}`} className="name">{lead.customer_name}</Link>
                  <PhoneLinks phone={lead.contact_number} name={lead.customer_name} />
                  <span>
                    {t("loans.overdue")}: <Money amount={lead.overdue_amount} />
                  </span>
                  {lead.next_promise_date && lead.next_promise_date < today && (
                    <span className="late">{t("myDay.daysLate", { count: daysBetween(lead.next_promise_date, today) })}</span>
                  )}
                </div>
              </li>
            ))}
          </ul>
          <Pager page={page} count={owing.data.count} pageSize={PAGE_SIZE} onPage={setPage} label={t("whoOwes.title")} />
          <ExportLinks filters={{ has_overdue_promise: "true", ordering: "-overdue_amount" }} />
        </section>
      )}
    </>
  );
}
