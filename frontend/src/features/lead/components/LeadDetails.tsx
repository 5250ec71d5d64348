import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { Field, FormAlert } from "../../../components/Field";
import { Money } from "../../../components/Money";
import { PhoneLinks } from "../../../components/PhoneLinks";
import type { Schemas } from "../../../lib/api/client";
import { formErrors } from "../../../lib/form-errors";
import { useUpdateLead, type LeadPatch } from "../api/lead";

type Lead = Schemas["LeadDetailOutput"];
const EDITABLE = ["customer_name", "contact_number", "passport_number", "cnic", "address", "area", "next_followup_date", "remarks"] as const;
type Editable = (typeof EDITABLE)[number];

function EditForm({ lead, onDone }: { lead: Lead; onDone: () => void }) {
  const { t } = useTranslation();
  const update = useUpdateLead(lead.id);
  const [values, setValues] = useState<Record<Editable, string>>(() =>
    Object.fromEntries(EDITABLE.map((name) => [name, lead[name] ?? ""])) as Record<Editable, string>,
  );
  const errors = formErrors(update.error, EDITABLE);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const body: LeadPatch = {
      ...values,
      next_followup_date: values.next_followup_date || null,
    };
    update.mutate(body, { onSuccess: onDone });
  };
  return (
    <form onSubmit={submit} aria-label={t("lead.editTitle")}>
      {EDITABLE.map((name) => (
        <Field key={name} label={t(`field.${name}`)} error={errors.fields[name]}>
          {(props) =>
            name === "remarks" || name === "address" ? (
              <textarea {...props} rows={2} value={values[name]} onChange={(event) => setValues({ ...values, [name]: event.target.value })} />
            ) : (
              <input
                {...props}
                type={name === "next_followup_date" ? "date" : "text"}
                required={name === "customer_name" || name === "contact_number"}
                value={values[name]}
                onChange={(event) => setValues({ ...values, [name]: event.target.value })}
              />
            )
          }
        </Field>
      ))}
      <FormAlert messages={errors.form} />
      <div className="actions">
        <button type="submit" disabled={update.isPending}>
          {t("common.save")}
        </button>
        <button type="button" className="secondary" onClick={onDone}>
          {t("common.cancel")}
        </button>
      </div>
    </form>
  );
}

/** The lead's details, with an edit form in place. */
export function LeadDetails({ lead }: { lead: Lead }) {
  const { t } = useTranslation();
  const [editing, setEditing] = useState(false);
  if (editing) return <EditForm lead={lead} onDone={() => setEditing(false)} />;
  const rows: [string, React.ReactNode][] = [
    [t("field.contact_number"), <PhoneLinks phone={lead.contact_number} name={lead.customer_name} />],
    [t("field.lead_status"), t(`status.${lead.lead_status}`)],
    [t("field.branch"), lead.branch_name],
    [t("field.assigned_to"), lead.assigned_to_username ?? t("lead.unassigned")],
    [t("field.passport_number"), lead.passport_number || "—"],
    [t("field.cnic"), lead.cnic || "—"],
    [t("field.area"), lead.area || "—"],
    [t("field.address"), lead.address || "—"],
    [t("field.next_followup_date"), lead.next_followup_date ?? "—"],
    [t("loans.outstanding"), <Money amount={lead.outstanding_amount} />],
    [t("loans.overdue"), <Money amount={lead.overdue_amount} />],
    [t("loans.kept"), `${lead.promises_kept} / ${lead.promises_kept + lead.promises_broken}`],
    [t("field.remarks"), lead.remarks || "—"],
  ];
  return (
    <section aria-labelledby="details-heading" className="panel">
      <h2 id="details-heading">{t("lead.details")}</h2>
      <dl className="details">
        {rows.map(([label, value]) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      <button type="button" onClick={() => setEditing(true)}>
        {t("lead.edit")}
      </button>
    </section>
  );
}
