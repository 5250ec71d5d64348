import { useEffect, useRef, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { Field, FormAlert } from "../../../components/Field";
import { QUICK_PICKS, quickPickDates } from "../../../lib/dates";
import { formErrors } from "../../../lib/form-errors";
import { useRecordFollowUp } from "../api/my-day";
import { DEFAULT_OUTCOME, FOLLOW_UP_OUTCOMES, type FollowUpOutcome } from "../outcomes";

const FIELDS = ["remarks", "next_followup_date", "outcome", "contact_method", "lead"] as const;

interface RecordCallFormProps {
  leadId: number;
  customerName: string;
  today: string;
  onDone?: () => void;
  autoFocus?: boolean;
}

/** One call: its outcome, remarks, and the next follow-up (a quick pick or a date). */
export function RecordCallForm({ leadId, customerName, today, onDone, autoFocus = true }: RecordCallFormProps) {
  const { t } = useTranslation();
  const record = useRecordFollowUp();
  const [outcome, setOutcome] = useState<FollowUpOutcome>(DEFAULT_OUTCOME);
  const [remarks, setRemarks] = useState("");
  const [next, setNext] = useState("");
  const firstField = useRef<HTMLFieldSetElement>(null);
  const picks = quickPickDates(today);
  const errors = formErrors(record.error, FIELDS);

  useEffect(() => {
    if (autoFocus) firstField.current?.querySelector("input")?.focus();
  }, [autoFocus]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    record.mutate(
      { lead: leadId, contact_method: "call", outcome, remarks, ...(next ? { next_followup_date: next } : {}) },
      { onSuccess: () => onDone?.() },
    );
  };

  return (
    <form className="record-call" onSubmit={submit} aria-label={t("call.formLabel", { name: customerName })}>
      <fieldset ref={firstField}>
        <legend>{t("call.outcome")}</legend>
        <div className="choices">
          {FOLLOW_UP_OUTCOMES.map((value) => (
            <label key={value} className="choice">
              <input type="radio" name={`outcome-${leadId}`} value={value} checked={outcome === value} onChange={() => setOutcome(value)} />
              {t(`outcome.${value}`)}
            </label>
          ))}
        </div>
        {errors.fields.outcome && <p className="error">{errors.fields.outcome}</p>}
      </fieldset>
      <Field label={t("call.remarks")} error={errors.fields.remarks}>
        {(props) => <textarea {...props} required rows={2} value={remarks} onChange={(event) => setRemarks(event.target.value)} />}
      </Field>
      <fieldset>
        <legend>{t("call.next")}</legend>
        <div className="choices">
          {QUICK_PICKS.map((pick) => (
            <button
              key={pick}
              type="button"
              className={next === picks[pick] ? "chip selected" : "chip"}
              aria-pressed={next === picks[pick]}
              onClick={() => setNext(picks[pick])}
            >
              {t(`call.pick.${pick}`)}
            </button>
          ))}
        </div>
        <Field label={t("call.nextDate")} error={errors.fields.next_followup_date}>
          {(props) => <input {...props} type="date" min={today} value={next} onChange={(event) => setNext(event.target.value)} />}
        </Field>
      </fieldset>
      <FormAlert messages={errors.form} />
      <div className="actions">
        <button type="submit" disabled={record.isPending}>
          {t("call.save")}
        </button>
        {onDone && (
          <button type="button" className="secondary" onClick={onDone}>
            {t("common.cancel")}
          </button>
        )}
      </div>
    </form>
  );
}
