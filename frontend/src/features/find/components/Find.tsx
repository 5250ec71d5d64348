import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { Link, useSearchParams } from "react-router";
import { ExportLinks } from "../../../components/ExportLinks";
import { Money } from "../../../components/Money";
import { Pager } from "../../../components/Pager";
import { PhoneLinks } from "../../../components/PhoneLinks";
import { QueryStatus } from "../../../components/QueryStatus";
import { PAGE_SIZE } from "../../../lib/query-client";
import { LIST_FILTERS, listQueryFrom, useFindLeads } from "../api/find-leads";

/** One box for a name, a phone as typed, a passport or a CNIC; the address keeps the search. */
export function Find() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const [text, setText] = useState(params.get("q") ?? "");
  const page = Number(params.get("page") ?? "1") || 1;
  const query = listQueryFrom(params);
  const hasFilter = Object.keys(query).length > 0;
  const leads = useFindLeads(query, page, hasFilter);
  const filters = Object.fromEntries(LIST_FILTERS.flatMap((name) => (params.get(name) ? [[name, params.get(name) ?? ""]] : [])));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const next = new URLSearchParams(params);
    next.delete("page");
    if (text.trim()) next.set("q", text.trim());
    else next.delete("q");
    setParams(next);
  };
  const setUnassigned = (only: boolean) => {
    const next = new URLSearchParams(params);
    next.delete("page");
    if (only) next.set("unassigned", "true");
    else next.delete("unassigned");
    setParams(next);
  };
  const goTo = (target: number) => {
    const next = new URLSearchParams(params);
    next.set("page", String(target));
    setParams(next);
  };

  return (
    <>
      <h1>{t("find.title")}</h1>
      <form role="search" onSubmit={submit} className="find-box">
        <label htmlFor="find-text">{t("find.label")}</label>
        <div className="inline">
          <input id="find-text" type="search" value={text} onChange={(event) => setText(event.target.value)} placeholder={t("find.placeholder")} autoComplete="off" />
          <button type="submit">{t("find.submit")}</button>
        </div>
        <label className="choice">
          <input type="checkbox" checked={params.get("unassigned") === "true"} onChange={(event) => setUnassigned(event.target.checked)} />
          {t("find.unassignedOnly")}
        </label>
      </form>
      {hasFilter && (
        <section aria-labelledby="results-heading" className="panel">
          <h2 id="results-heading">
            {t("find.results")} {leads.data && <span className="count">{leads.data.count}</span>}
          </h2>
          <QueryStatus isPending={leads.isPending} error={leads.error} />
          {leads.data && (
            <>
              {leads.data.results.length ? (
                <ul className="rows">
                  {leads.data.results.map((lead) => (
                    <li key={lead.id} className="row">
                      <div className="row-main">
                        <Link to={`/leads/${lead.id}`} className="name">
                          {lead.customer_name}
                        </Link>
                        <PhoneLinks phone={lead.contact_number} name={lead.customer_name} />
                        <span className="muted">
                          {t(`status.${lead.lead_status}`)} · {lead.branch_name}
                          {lead.passport_number ? ` · ${lead.passport_number}` : ""}
                        </span>
                        {Number(lead.outstanding_amount) > 0 && (
                          <span>
                            {t("loans.outstanding")}: <Money amount={lead.outstanding_amount} />
                          </span>
                        )}
                      </div>
                    </li>
                  ))}
                </ul>
              ) : (
                <p className="empty">{t("find.none")}</p>
              )}
              <Pager page={page} count={leads.data.count} pageSize={PAGE_SIZE} onPage={goTo} label={t("find.results")} />
              <ExportLinks filters={filters} />
            </>
          )}
        </section>
      )}
    </>
  );
}
