import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { Field, FormAlert } from "../../../components/Field";
import { Money } from "../../../components/Money";
import { QueryStatus } from "../../../components/QueryStatus";
import type { Schemas } from "../../../lib/api/client";
import { formErrors } from "../../../lib/form-errors";
import { receiptUrl, useAddPromise, useCommitments, usePayments, useRecordPayment, useReschedule, type Payment } from "../api/loans";

type Commitment = Schemas["LoanCommitmentOutput"];
const METHODS: Schemas["MethodEnum"][] = ["cash", "bank_transfer", "cheque", "card", "mobile_wallet", "other"];
const OPEN = new Set(["pending", "overdue"]);

function AddPromiseForm({ leadId, today, onDone }: { leadId: number; today: string; onDone: () => void }) {
  const { t } = useTranslation();
  const add = useAddPromise();
  const [amount, setAmount] = useState("");
  const [date, setDate] = useState("");
  const [remarks, setRemarks] = useState("");
  const errors = formErrors(add.error, ["amount", "promised_clear_date", "remarks"]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    add.mutate({ lead: leadId, amount, promised_clear_date: date, remarks }, { onSuccess: onDone });
  };
  return (
    <form onSubmit={submit} aria-label={t("loans.addPromise")}>
      <Field label={t("loans.amount")} error={errors.fields.amount}>
        {(props) => <input {...props} inputMode="decimal" required value={amount} onChange={(event) => setAmount(event.target.value)} />}
      </Field>
      <Field label={t("loans.promisedDate")} error={errors.fields.promised_clear_date}>
        {(props) => <input {...props} type="date" min={today} required value={date} onChange={(event) => setDate(event.target.value)} />}
      </Field>
      <Field label={t("field.remarks")} error={errors.fields.remarks}>
        {(props) => <input {...props} value={remarks} onChange={(event) => setRemarks(event.target.value)} />}
      </Field>
      <FormAlert messages={errors.form} />
      <div className="actions">
        <button type="submit" disabled={add.isPending}>{t("loans.addPromise")}</button>
        <button type="button" className="secondary" onClick={onDone}>{t("common.cancel")}</button>
      </div>
    </form>
  );
}

function PaymentForm({ commitment, onDone }: { commitment: Commitment; onDone: (payment?: Payment) => void }) {
  const { t } = useTranslation();
  const pay = useRecordPayment(commitment.id);
  const [amount, setAmount] = useState(commitment.balance);
  const [method, setMethod] = useState<Schemas["MethodEnum"]>("cash");
  const [reference, setReference] = useState("");
  const errors = formErrors(pay.error, ["amount", "method", "reference", "paid_at"]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    pay.mutate({ amount, method, reference }, { onSuccess: (payment) => onDone(payment) });
  };
  return (
    <form onSubmit={submit} aria-label={t("loans.recordPayment")}>
      <Field label={t("loans.amount")} error={errors.fields.amount}>
        {(props) => <input {...props} inputMode="decimal" required value={amount} onChange={(event) => setAmount(event.target.value)} />}
      </Field>
      <Field label={t("loans.method")} error={errors.fields.method}>
        {(props) => (
          <select {...props} value={method} onChange={(event) => setMethod(event.target.value as Schemas["MethodEnum"])}>
            {METHODS.map((value) => (
              <option key={value} value={value}>{t(`paymentMethod.${value}`)}</option>
            ))}
          </select>
        )}
      </Field>
      <Field label={t("loans.reference")} error={errors.fields.reference}>
        {(props) => <input {...props} value={reference} onChange={(event) => setReference(event.target.value)} />}
      </Field>
      <FormAlert messages={errors.form} />
      <div className="actions">
        <button type="submit" disabled={pay.isPending}>{t("loans.recordPayment")}</button>
        <button type="button" className="secondary" onClick={() => onDone()}>{t("common.cancel")}</button>
      </div>
    </form>
  );
}

function RescheduleForm({ commitment, today, onDone }: { commitment: Commitment; today: string; onDone: () => void }) {
  const { t } = useTranslation();
  const reschedule = useReschedule(commitment.id);
  const [date, setDate] = useState("");
  const errors = formErrors(reschedule.error, ["promised_clear_date", "amount"]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    reschedule.mutate({ promised_clear_date: date }, { onSuccess: onDone });
  };
  return (
    <form onSubmit={submit} aria-label={t("loans.reschedule")}>
      <Field label={t("loans.newDate")} error={errors.fields.promised_clear_date}>
        {(props) => <input {...props} type="date" min={today} required value={date} onChange={(event) => setDate(event.target.value)} />}
      </Field>
      <FormAlert messages={errors.form} />
      <div className="actions">
        <button type="submit" disabled={reschedule.isPending}>{t("loans.reschedule")}</button>
        <button type="button" className="secondary" onClick={onDone}>{t("common.cancel")}</button>
      </div>
    </form>
  );
}

function Payments({ commitmentId }: { commitmentId: number }) {
  const { t } = useTranslation();
  const payments = usePayments(commitmentId);
  if (!payments.data?.results.length) return null;
  return (
    <ul className="payments" aria-label={t("loans.payments")}>
      {payments.data.results.map((payment) => (
        <li key={payment.id}>
          <Money amount={payment.amount} /> · {t(`paymentMethod.${payment.method}`)} · {payment.paid_at.slice(0, 10)}
          {payment.balance_after !== null && (
            <>
              {" · "}
              {t("loans.balanceAfter")}: <Money amount={payment.balance_after} />
            </>
          )}
          {payment.receipt_number && (
            <>
              {" · "}
              <a href={receiptUrl(commitmentId, payment.id)} target="_blank" rel="noopener">
                {t("loans.receipt", { number: payment.receipt_number })}
              </a>
            </>
          )}
        </li>
      ))}
    </ul>
  );
}

function CommitmentItem({ commitment, today }: { commitment: Commitment; today: string }) {
  const { t } = useTranslation();
  const [form, setForm] = useState<"pay" | "reschedule" | null>(null);
  const [recorded, setRecorded] = useState<Payment | null>(null);
  const open = OPEN.has(commitment.status ?? "");
  return (
    <li className="row">
      <div className="row-main">
        <strong>
          <Money amount={commitment.amount} />
        </strong>
        <span>{t("loans.dueOn", { date: commitment.promised_clear_date })}</span>
        <span className={`badge ${commitment.status ?? ""}`}>{t(`loanStatus.${commitment.status ?? "pending"}`)}</span>
        <span>
          {t("loans.balance")}: <Money amount={commitment.balance} />
        </span>
      </div>
      {recorded && (
        <p role="status" className="notice">
          {t("loans.paymentRecorded", { number: recorded.receipt_number ?? "—" })}
          {recorded.balance_after !== null && (
            <>
              {" "}
              {t("loans.balanceAfter")}: <Money amount={recorded.balance_after} />
            </>
          )}
        </p>
      )}
      <Payments commitmentId={commitment.id} />
      {open && !form && (
        <div className="actions">
          <button type="button" onClick={() => { setRecorded(null); setForm("pay"); }}>{t("loans.recordPayment")}</button>
          <button type="button" className="secondary" onClick={() => setForm("reschedule")}>{t("loans.reschedule")}</button>
        </div>
      )}
      {form === "pay" && (
        <PaymentForm
          commitment={commitment}
          onDone={(payment) => {
            setForm(null);
            if (payment) setRecorded(payment);
          }}
        />
      )}
      {form === "reschedule" && <RescheduleForm commitment={commitment} today={today} onDone={() => setForm(null)} />}
    </li>
  );
}

/** A lead's promises with their payments; add one, record a payment, reschedule. */
export function LoanBook({ leadId, today }: { leadId: number; today: string }) {
  const { t } = useTranslation();
  const commitments = useCommitments(leadId);
  const [adding, setAdding] = useState(false);
  return (
    <section aria-labelledby="loans-heading" className="panel">
      <h2 id="loans-heading">{t("loans.title")}</h2>
      <QueryStatus isPending={commitments.isPending} error={commitments.error} />
      {commitments.data && (
        <ul className="rows">
          {commitments.data.results.map((commitment) => (
            <CommitmentItem key={commitment.id} commitment={commitment} today={today} />
          ))}
        </ul>
      )}
      {adding ? (
        <AddPromiseForm leadId={leadId} today={today} onDone={() => setAdding(false)} />
      ) : (
        <button type="button" onClick={() => setAdding(true)}>{t("loans.addPromise")}</button>
      )}
    </section>
  );
}
