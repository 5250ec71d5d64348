import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate } from "react-router";
import { Field, FormAlert } from "../../../components/Field";
import type { Schemas } from "../../../lib/api/client";
import { formErrors } from "../../../lib/form-errors";
import { useCreateLead, useDuplicates, type NewLead } from "../api/new-lead";

const FIELDS = ["customer_name", "contact_number", "passport_number", "cnic", "area", "address", "lead_source", "next_followup_date", "remarks", "branch"] as const;
type FieldName = (typeof FIELDS)[number];
const SOURCES: Schemas["LeadSourceEnum"][] = ["walk_in", "phone", "referral", "social_media", "website", "other"];

function Warnings({ duplicates, branches }: { duplicates: Schemas["PossibleDuplicate"][]; branches: string[] }) {
  const { t } = useTranslation();
  if (!duplicates.length && !branches.length) return null;
  return (
    <div role="status" className="warning">
      {duplicates.length > 0 && (
        <>
          <p>{t("newLead.possibleDuplicates")}</p>
          <ul>
            {duplicates.map((lead) => (
              <li key={lead.id}>
                <Link to={`/leads/${lead.id}`}>{lead.customer_name}</Link>
              </li>
            ))}
          </ul>
        </>
      )}
      {branches.length > 0 && <p>{t("newLead.knownAtBranches", { branches: branches.join(", ") })}</p>}
    </div>
  );
}

/** A new lead; duplicates are warned of while typing (duplicates/) and again in the 201's answer. */
export function NewLeadForm({ branches }: { branches: { id: number; name: string }[] }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const create = useCreateLead();
  const [values, setValues] = useState<Record<FieldName, string>>(() => ({
    ...(Object.fromEntries(FIELDS.map((name) => [name, ""])) as Record<FieldName, string>),
    lead_source: "walk_in",
    branch: branches[0] ? String(branches[0].id) : "",
  }));
  const duplicates = useDuplicates(
    { contact_number: values.contact_number, cnic: values.cnic, passport_number: values.passport_number },
    values.branch ? Number(values.branch) : undefined,
  );
  const errors = formErrors(create.error, FIELDS);
  const set = (name: FieldName) => (event: { target: { value: string } }) => setValues({ ...values, [name]: event.target.value });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const body: NewLead = {
      customer_name: values.customer_name,
      contact_number: values.contact_number,
      branch: Number(values.branch),
      lead_source: values.lead_source as Schemas["LeadSourceEnum"],
      ...(values.passport_number ? { passport_number: values.passport_number } : {}),
      ...(values.cnic ? { cnic: values.cnic } : {}),
      area: values.area,
      address: values.address,
      remarks: values.remarks,
      ...(values.next_followup_date ? { next_followup_date: values.next_followup_date } : {}),
    };
    create.mutate(body, {
      onSuccess: (lead) =>
        navigate(`/leads/${lead.id}`, {
          state: { possibleDuplicates: lead.possible_duplicates, knownAtBranches: lead.known_at_branches },
        }),
    });
  };

  const text = (name: FieldName, required = false, type = "text") => (
    <Field key={name} label={t(`field.${name}`)} error={errors.fields[name]}>
      {(props) => <input {...props} type={type} required={required} value={values[name]} onChange={set(name)} />}
    </Field>
  );

  return (
    <form onSubmit={submit} aria-labelledby="new-lead-heading" className="panel">
      <h1 id="new-lead-heading">{t("newLead.title")}</h1>
      {text("customer_name", true)}
      {text("contact_number", true, "tel")}
      {text("passport_number")}
      {text("cnic")}
      <Warnings duplicates={duplicates.data?.possible_duplicates ?? []} branches={duplicates.data?.known_at_branches ?? []} />
      {branches.length > 1 && (
        <Field label={t("field.branch")} error={errors.fields.branch}>
          {(props) => (
            <select {...props} value={values.branch} onChange={set("branch")}>
              {branches.map((branch) => (
                <option key={branch.id} value={branch.id}>
                  {branch.name}
                </option>
              ))}
            </select>
          )}
        </Field>
      )}
      <Field label={t("field.lead_source")} error={errors.fields.lead_source}>
        {(props) => (
          <select {...props} value={values.lead_source} onChange={set("lead_source")}>
            {SOURCES.map((source) => (
              <option key={source} value={source}>
                {t(`source.${source}`)}
              </option>
            ))}
          </select>
        )}
      </Field>
      {text("area")}
      {text("address")}
      {text("next_followup_date", false, "date")}
      <Field label={t("field.remarks")} error={errors.fields.remarks}>
        {(props) => <textarea {...props} rows={2} value={values.remarks} onChange={set("remarks")} />}
      </Field>
      <FormAlert messages={errors.form} />
      <button type="submit" disabled={create.isPending || !values.branch}>
        {t("newLead.save")}
      </button>
    </form>
  );
}
