import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { Field, FormAlert } from "../../../components/Field";
import { QueryStatus } from "../../../components/QueryStatus";
import type { Schemas } from "../../../lib/api/client";
import { formErrors } from "../../../lib/form-errors";
import { withCurrentAssignee } from "../assignee-options";
import { useAssignees, useConvertLead, useLoseLead, useLostReasons, useUpdateLead } from "../api/lead";

type Lead = Schemas["LeadDetailOutput"];

function LoseForm({ lead, onDone }: { lead: Lead; onDone: () => void }) {
  const { t } = useTranslation();
  const reasons = useLostReasons();
  const lose = useLoseLead(lead.id);
  const [code, setCode] = useState("");
  const [text, setText] = useState("");
  const errors = formErrors(lose.error, ["lost_reason_code", "lost_reason"]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    lose.mutate({ lost_reason_code: code, ...(text ? { lost_reason: text } : {}) }, { onSuccess: onDone });
  };
  return (
    <form onSubmit={submit} aria-label={t("lead.loseTitle")}>
      <Field label={t("lead.lostReason")} error={errors.fields.lost_reason_code}>
        {(props) => (
          <select {...props} required value={code} onChange={(event) => setCode(event.target.value)}>
            <option value="">{t("common.choose")}</option>
            {(reasons.data ?? []).map((reason) => (
              <option key={reason.id} value={reason.code}>
                {t(`lostReason.${reason.code}`, { defaultValue: reason.label })}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label={t("lead.lostNote")} error={errors.fields.lost_reason} hint={code === "other" ? t("lead.lostNoteRequired") : undefined}>
        {(props) => <textarea {...props} rows={2} required={code === "other"} value={text} onChange={(event) => setText(event.target.value)} />}
      </Field>
      <FormAlert messages={errors.form} />
      <div className="actions">
        <button type="submit" className="danger" disabled={lose.isPending}>
          {t("lead.markLost")}
        </button>
        <button type="button" className="secondary" onClick={onDone}>
          {t("common.cancel")}
        </button>
      </div>
    </form>
  );
}

function AssignForm({ lead }: { lead: Lead }) {
  const { t } = useTranslation();
  const assignees = useAssignees(lead.branch);
  const update = useUpdateLead(lead.id);
  const errors = formErrors(update.error, ["assigned_to"]);
  if (!assignees.data) return <QueryStatus isPending={assignees.isPending} error={assignees.error} />;
  const options = withCurrentAssignee(assignees.data, lead);
  return (
    <Field label={t("lead.assignTo")} error={errors.fields.assigned_to ?? errors.form.join(" ")}>
      {(props) => (
        <select
          {...props}
          value={lead.assigned_to ?? ""}
          disabled={update.isPending}
          onChange={(event) => update.mutate({ assigned_to: event.target.value ? Number(event.target.value) : null })}
        >
          <option value="">{t("lead.unassigned")}</option>
          {options.map((user) => (
            <option key={user.id} value={user.id}>
              {user.full_name || user.username}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

/** Convert, lose (with the catalogue's reasons) and assign. */
export function LeadActions({ lead }: { lead: Lead }) {
  const { t } = useTranslation();
  const convert = useConvertLead(lead.id);
  const [losing, setLosing] = useState(false);
  const convertErrors = formErrors(convert.error, []);
  return (
    <section aria-labelledby="actions-heading" className="panel">
      <h2 id="actions-heading">{t("lead.actions")}</h2>
      {lead.is_open ? (
        losing ? (
          <LoseForm lead={lead} onDone={() => setLosing(false)} />
        ) : (
          <div className="actions">
            <button type="button" onClick={() => convert.mutate()} disabled={convert.isPending}>
              {t("lead.convert")}
            </button>
            <button type="button" className="danger" onClick={() => setLosing(true)}>
              {t("lead.lose")}
            </button>
          </div>
        )
      ) : (
        <p>{t("lead.closed", { status: t(`status.${lead.lead_status}`) })}</p>
      )}
      <FormAlert messages={convertErrors.form} />
      <AssignForm lead={lead} />
    </section>
  );
}
