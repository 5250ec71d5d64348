import { lazy, Suspense, useMemo } from "react";
import { useTranslation } from "react-i18next";
import { Link, useSearchParams } from "react-router";
import { Money } from "../../../components/Money";
import { QueryStatus } from "../../../components/QueryStatus";
import { metPercent } from "../sla-share";
import { useAging, useSummary } from "../api/reports";

const BarChart = lazy(() => import("./Charts"));
const STATUSES = ["new", "contacted", "interested", "converted", "lost"] as const;

function findLink(filters: Record<string, string>): string {
  return `/find?${new URLSearchParams(filters).toString()}`;
}

/** Org admins' and managers' numbers for their scope, each a link to the leads it counts. */
export function Dashboard() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const branchId = Number(params.get("branch_id")) || undefined;
  const summary = useSummary(branchId ? { branch_id: branchId } : {});
  const aging = useAging(branchId);
  const data = summary.data;
  const period = useMemo(() => {
    const base: Record<string, string> = data ? { created_at_after: data.from, created_at_before: data.to } : {};
    if (branchId) base.branch_id = String(branchId);
    return base;
  }, [data, branchId]);
  const total = data?.total;

  const funnel = useMemo(
    () => (total ? [{ label: t("dashboard.leads"), values: [total.leads, total.leads - total.never_contacted, total.converted] }] : []),
    [total, t],
  );
  const agingSeries = useMemo(
    () => (aging.data ? [{ label: aging.data.currency, values: aging.data.buckets.map((bucket) => Number(bucket.amount)) }] : []),
    [aging.data],
  );
  const agingLabels = useMemo(() => aging.data?.buckets.map((bucket) => t("dashboard.daysLate", { label: bucket.label })) ?? [], [aging.data, t]);
  const funnelLabels = useMemo(() => [t("dashboard.created"), t("dashboard.contacted"), t("dashboard.converted")], [t]);

  return (
    <>
      <h1>{t("dashboard.title")}</h1>
      {data && data.branches.length > 1 && (
        <label className="field">
          {t("field.branch")}
          <select
            value={branchId ?? ""}
            onChange={(event) => setParams(event.target.value ? { branch_id: event.target.value } : {})}
          >
            <option value="">{t("dashboard.allBranches")}</option>
            {data.branches.map((branch) => (
              <option key={branch.branch} value={branch.branch}>{branch.branch_name}</option>
            ))}
          </select>
        </label>
      )}
      <QueryStatus isPending={summary.isPending} error={summary.error} />
      {data && total && (
        <>
          <p>{t("dashboard.period", { from: data.from, to: data.to })}</p>
          <section aria-labelledby="numbers-heading" className="panel">
            <h2 id="numbers-heading">{t("dashboard.numbers")}</h2>
            <ul className="numbers">
              <li><Link to={findLink(period)}><strong>{total.leads}</strong> {t("dashboard.leads")}</Link></li>
              {STATUSES.map((status) => (
                <li key={status}>
                  <Link to={findLink({ ...period, lead_status: status })}>
                    <strong>{total.by_status[status]}</strong> {t(`status.${status}`)}
                  </Link>
                </li>
              ))}
              <li><Link to={findLink({ ...period, never_contacted: "true" })}><strong>{total.never_contacted}</strong> {t("dashboard.neverContacted")}</Link></li>
              <li><Link to={findLink({ ...(branchId ? { branch_id: String(branchId) } : {}), stale: "true" })}><strong>{total.stale}</strong> {t("dashboard.stale")}</Link></li>
              <li><span><strong>{Math.round((total.conversion_rate ?? 0) * 100)}%</strong> {t("dashboard.conversionRate")}</span></li>
              <li><span><strong>{Math.round((total.followup_compliance ?? 0) * 100)}%</strong> {t("dashboard.compliance")}</span></li>
            </ul>
            <Suspense fallback={<p role="status">{t("query.loading")}</p>}>
              <BarChart title={t("dashboard.funnel")} labels={funnelLabels} series={funnel} />
            </Suspense>
          </section>
          <section aria-labelledby="sla-heading" className="panel">
            <h2 id="sla-heading">{t("sla.title")}</h2>
            <table>
              <thead>
                <tr><th scope="col">{t("field.branch")}</th><th scope="col">{t("sla.met")}</th><th scope="col">{t("sla.breachedCount")}</th><th scope="col">{t("sla.share")}</th></tr>
              </thead>
              <tbody>
                {[...data.branches.map((branch) => ({ key: String(branch.branch), name: branch.branch_name, id: branch.branch, sla: branch.first_contact_sla })),
                  ...(data.branches.length > 1 ? [{ key: "total", name: t("sla.total"), id: branchId, sla: total.first_contact_sla }] : [])].map((row) => (
                  <tr key={row.key}>
                    <th scope="row">{row.name}</th>
                    <td>{row.sla.met}</td>
                    <td>
                      <Link to={findLink({ ...period, ...(row.id ? { branch_id: String(row.id) } : {}), sla_breached: "true" })}>{row.sla.breached}</Link>
                    </td>
                    <td>{metPercent(row.sla.met_share) === null ? "—" : `${metPercent(row.sla.met_share)}%`}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
          <section aria-labelledby="lost-heading" className="panel">
            <h2 id="lost-heading">{t("dashboard.lostReasons")}</h2>
            <ul className="numbers">
              {Object.entries(total.lost_by_reason).map(([code, count]) => (
                <li key={code}>
                  <Link to={findLink({ ...period, lost_reason_code: code })}>
                    <strong>{String(count)}</strong> {t(`lostReason.${code}`, { defaultValue: code })}
                  </Link>
                </li>
              ))}
            </ul>
          </section>
        </>
      )}
      <section aria-labelledby="aging-heading" className="panel">
        <h2 id="aging-heading">{t("dashboard.aging")}</h2>
        <QueryStatus isPending={aging.isPending} error={aging.error} />
        {aging.data && (
          <>
            <ul className="numbers">
              {aging.data.buckets.map((bucket) => (
                <li key={bucket.label}>
                  <Link to="/loans">
                    <strong>{bucket.count}</strong> {t("dashboard.daysLate", { label: bucket.label })} · <Money amount={bucket.amount} /> {aging.data.currency}
                  </Link>
                </li>
              ))}
            </ul>
            <Suspense fallback={<p role="status">{t("query.loading")}</p>}>
              <BarChart title={t("dashboard.aging")} labels={agingLabels} series={agingSeries} />
            </Suspense>
          </>
        )}
      </section>
    </>
  );
}
