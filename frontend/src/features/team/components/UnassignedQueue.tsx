import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { Field, FormAlert } from "../../../components/Field";
import { Pager } from "../../../components/Pager";
import { QueryStatus } from "../../../components/QueryStatus";
import { formErrors } from "../../../lib/form-errors";
import { PAGE_SIZE } from "../../../lib/query-client";
import { useAssignLeads, useBranchAssignees, useUnassignedLeads } from "../api/assignment";
import { keepVisible, toggle, toggleAll } from "../selection";

/** A branch's open leads assigned to nobody; pick some and give them to a member in one go. */
export function UnassignedQueue({ branch }: { branch: number }) {
  const { t } = useTranslation();
  const [page, setPage] = useState(1);
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const [assignee, setAssignee] = useState("");
  const [done, setDone] = useState<string | null>(null);
  const leads = useUnassignedLeads(branch, page);
  const assignees = useBranchAssignees(branch);
  const assign = useAssignLeads();
  const rows = leads.data?.results ?? [];
  const pageIds = rows.map((lead) => lead.id);
  const picked = keepVisible(selected, pageIds);
  const errors = formErrors(assign.error, ["leads", "assigned_to"]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setDone(null);
    assign.mutate(
      { leads: picked, assigned_to: Number(assignee) },
      {
        onSuccess: (result) => {
          const who = assignees.data?.find((user) => user.id === result.assigned_to)?.username ?? "";
          setDone(t("team.assigned", { count: result.leads.length, who }));
          setSelected(new Set());
        },
      },
    );
  };

  return (
    <section aria-labelledby="unassigned-heading" className="panel">
      <h2 id="unassigned-heading">
        {t("team.unassigned")}{" "}
        <span className="count" aria-label={t("common.countLabel", { count: leads.data?.count ?? 0 })}>{leads.data?.count ?? "…"}</span>
      </h2>
      <QueryStatus isPending={leads.isPending} error={leads.error} />
      {done && <p role="status" className="notice">{done}</p>}
      {leads.data && !rows.length && <p className="empty">{t("team.noneUnassigned")}</p>}
      {rows.length > 0 && (
        <form onSubmit={submit}>
          <label className="choice">
            <input
              type="checkbox"
              checked={picked.length === pageIds.length}
              onChange={() => setSelected(toggleAll(new Set(picked), pageIds))}
            />
            {t("team.pickAll")}
          </label>
          <ul className="rows">
            {rows.map((lead) => (
              <li key={lead.id} className="row">
                <div className="row-main">
                  <input
                    type="checkbox"
                    id={`pick-${lead.id}`}
                    checked={selected.has(lead.id)}
                    onChange={() => setSelected(toggle(selected, lead.id))}
                  />
                  <label htmlFor={`pick-${lead.id}`} className="name">
                    {lead.customer_name}
                  </label>
                  <span className="muted" dir="ltr">{lead.contact_number}</span>
                  <span className="muted">{t(`source.${lead.lead_source}`, { defaultValue: lead.lead_source })}</span>
                  <Link to={`/leads/${lead.id}`}>
                    {t("team.open")}
                    <span className="visually-hidden"> {lead.customer_name}</span>
                  </Link>
                </div>
              </li>
            ))}
          </ul>
          <Pager page={page} count={leads.data?.count ?? 0} pageSize={PAGE_SIZE} onPage={setPage} label={t("team.unassigned")} />
          <Field label={t("team.assignTo")} error={errors.fields.assigned_to ?? errors.fields.leads}>
            {(props) => (
              <select {...props} required value={assignee} onChange={(event) => setAssignee(event.target.value)}>
                <option value="">{t("common.choose")}</option>
                {(assignees.data ?? []).map((user) => (
                  <option key={user.id} value={user.id}>
                    {user.full_name ? `${user.full_name} (${user.username})` : user.username}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <FormAlert messages={errors.form} />
          <button type="submit" disabled={assign.isPending || !picked.length || !assignee}>
            {t("team.assign", { count: picked.length })}
          </button>
        </form>
      )}
    </section>
  );
}
