import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { Field, FormAlert } from "../../../components/Field";
import { QueryStatus } from "../../../components/QueryStatus";
import { formErrors } from "../../../lib/form-errors";
import {
  useLeadMessaging,
  useRecordConsent,
  useSendMessage,
  useTemplates,
  useThread,
  type LeadMessaging,
} from "../api/messages";
import { freeTextOpen, preview, templatesFor, type ChannelKind } from "../compose";

function ConsentBox({ leadId, messaging }: { leadId: number; messaging: LeadMessaging }) {
  const { t } = useTranslation();
  const record = useRecordConsent(leadId);
  const errors = formErrors(record.error, []);
  const optedIn = messaging.messaging_consent === "opted_in";
  return (
    <div className="consent">
      <p>
        {t(`messages.consent.${messaging.messaging_consent}`)}
        {messaging.messaging_consent_via ? ` · ${t(`messages.via.${messaging.messaging_consent_via}`)}` : ""}
      </p>
      <div className="actions">
        {!optedIn && (
          <button type="button" disabled={record.isPending}
            onClick={() => record.mutate({ messaging_consent: "opted_in", via: "staff" })}>
            {t("messages.recordOptIn")}
          </button>
        )}
        {messaging.messaging_consent !== "opted_out" && (
          <button type="button" className="secondary" disabled={record.isPending}
            onClick={() => record.mutate({ messaging_consent: "opted_out", via: "staff" })}>
            {t("messages.recordOptOut")}
          </button>
        )}
      </div>
      <FormAlert messages={errors.form} />
    </div>
  );
}

function Composer({ leadId, messaging }: { leadId: number; messaging: LeadMessaging }) {
  const { t } = useTranslation();
  const templates = useTemplates();
  const send = useSendMessage(leadId);
  const channels = (messaging.channels.length ? messaging.channels : ["whatsapp"]) as ChannelKind[];
  const [channel, setChannel] = useState<ChannelKind>(channels[0] ?? "whatsapp");
  const [mode, setMode] = useState<"template" | "text">("template");
  const [code, setCode] = useState("");
  const [params, setParams] = useState<string[]>([]);
  const [body, setBody] = useState("");
  const [sent, setSent] = useState(false);
  const offered = templatesFor(templates.data ?? [], channel, messaging.language ?? "en");
  const chosen = offered.find((template) => template.code === code);
  const textOpen = freeTextOpen(channel, messaging.whatsapp_window_ends_at);
  const errors = formErrors(send.error, ["template", "params", "body", "channel"]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSent(false);
    const request = mode === "template" ? { channel, template: code, params } : { channel, body };
    send.mutate(request, {
      onSuccess: () => {
        setSent(true);
        setBody("");
      },
    });
  };
  return (
    <form onSubmit={submit} aria-label={t("messages.send")}>
      {channels.length > 1 && (
        <Field label={t("messages.channel")} error={errors.fields.channel}>
          {(props) => (
            <select {...props} value={channel} onChange={(event) => setChannel(event.target.value as ChannelKind)}>
              {channels.map((kind) => <option key={kind} value={kind}>{t(`messages.channels.${kind}`)}</option>)}
            </select>
          )}
        </Field>
      )}
      <fieldset className="choice">
        <legend>{t("messages.what")}</legend>
        <label><input type="radio" name="mode" checked={mode === "template"} onChange={() => setMode("template")} /> {t("messages.useTemplate")}</label>
        <label>
          <input type="radio" name="mode" checked={mode === "text"} disabled={!textOpen} onChange={() => setMode("text")} /> {t("messages.freeText")}
        </label>
        {!textOpen && <p className="hint">{t("messages.windowClosed")}</p>}
      </fieldset>
      {mode === "template" ? (
        <>
          <Field label={t("messages.template")} error={errors.fields.template}>
            {(props) => (
              <select {...props} required value={code} onChange={(event) => { setCode(event.target.value); setParams([]); }}>
                <option value="">{t("common.choose")}</option>
                {offered.map((template) => (
                  <option key={template.code} value={template.code}>{t(`messages.templates.${template.code}`, { defaultValue: template.code })}</option>
                ))}
              </select>
            )}
          </Field>
          {chosen && Array.from({ length: chosen.parameter_count }, (_, index) => (
            <Field key={index} label={t("messages.parameter", { number: index + 1 })} error={index === 0 ? errors.fields.params : undefined}>
              {(props) => (
                <input {...props} required value={params[index] ?? ""}
                  onChange={(event) => setParams((old) => Object.assign([...old], { [index]: event.target.value }))} />
              )}
            </Field>
          ))}
          {chosen && <p className="preview" lang={chosen.language} dir="auto">{preview(chosen.body, params)}</p>}
        </>
      ) : (
        <Field label={t("messages.text")} error={errors.fields.body}>
          {(props) => <textarea {...props} rows={3} required value={body} onChange={(event) => setBody(event.target.value)} />}
        </Field>
      )}
      <FormAlert messages={errors.form} />
      {sent && <p role="status">{t("messages.queued")}</p>}
      <div className="actions">
        <button type="submit" disabled={send.isPending}>{t("messages.send")}</button>
      </div>
    </form>
  );
}

/** The lead's WhatsApp/SMS thread with each message's status, the customer's consent, and the composer. */
export function MessagesPanel({ leadId }: { leadId: number }) {
  const { t, i18n } = useTranslation();
  const messaging = useLeadMessaging(leadId);
  const thread = useThread(leadId);
  const format = new Intl.DateTimeFormat(i18n.language === "ur" ? "ur-PK" : "en-PK", { dateStyle: "medium", timeStyle: "short" });
  const messages = [...(thread.data?.results ?? [])].reverse(); // oldest first, as a chat reads
  return (
    <section aria-labelledby="messages-heading" className="panel">
      <h2 id="messages-heading">{t("messages.title")}</h2>
      <QueryStatus isPending={messaging.isPending || thread.isPending} error={messaging.error ?? thread.error} />
      {messaging.data && <ConsentBox leadId={leadId} messaging={messaging.data} />}
      <ol className="thread" aria-label={t("messages.thread")}>
        {messages.map((message) => (
          <li key={message.id} className={`message ${message.direction}`}>
            <p dir="auto">{message.body}</p>
            <p className="muted">
              {t(`messages.direction.${message.direction}`)} · {t(`messages.channels.${message.channel}`)} ·{" "}
              <time dateTime={message.created_at}>{format.format(new Date(message.created_at))}</time> ·{" "}
              <span className={`status ${message.status}`}>{t(`messages.status.${message.status}`)}</span>
              {message.error ? ` · ${message.error}` : ""}
            </p>
          </li>
        ))}
      </ol>
      {thread.data && !messages.length && <p>{t("messages.none")}</p>}
      {messaging.data?.messaging_consent === "opted_in" && <Composer leadId={leadId} messaging={messaging.data} />}
    </section>
  );
}
