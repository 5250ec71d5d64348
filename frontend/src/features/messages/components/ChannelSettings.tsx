import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { Field, FormAlert } from "../../../components/Field";
import { QueryStatus } from "../../../components/QueryStatus";
import { useMe } from "../../../lib/auth";
import { formErrors } from "../../../lib/form-errors";
import { useChannels, useConnectChannel, type ConnectBody } from "../api/messages";

const FIELDS = ["organization", "kind", "phone_number_id", "access_token", "display_phone_number", "account_sid", "auth_token", "from_number", "daily_limit"];

function ConnectForm({ organizations }: { organizations: { id: number; name: string }[] }) {
  const { t } = useTranslation();
  const connect = useConnectChannel();
  const [kind, setKind] = useState<"whatsapp" | "sms">("whatsapp");
  const [organization, setOrganization] = useState(organizations[0]?.id ?? 0);
  const [values, setValues] = useState<Record<string, string>>({});
  const [done, setDone] = useState(false);
  const errors = formErrors(connect.error, FIELDS);
  const set = (name: string) => (event: { target: { value: string } }) => setValues((old) => ({ ...old, [name]: event.target.value }));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setDone(false);
    const body: ConnectBody =
      kind === "whatsapp"
        ? { organization, kind, phone_number_id: values.phone_number_id ?? "", access_token: values.access_token ?? "",
            display_phone_number: values.display_phone_number ?? "" }
        : { organization, kind, account_sid: values.account_sid ?? "", auth_token: values.auth_token ?? "", from_number: values.from_number ?? "" };
    connect.mutate(body, {
      onSuccess: () => {
        setDone(true);
        setValues({}); // the secret leaves the page once sent
      },
    });
  };
  const input = (name: string, label: string, secret = false) => (
    <Field label={label} error={errors.fields[name]} hint={secret ? t("channels.secretHint") : undefined}>
      {(props) => (
        <input {...props} required={name !== "display_phone_number"} type={secret ? "password" : "text"}
          autoComplete={secret ? "new-password" : "off"} value={values[name] ?? ""} onChange={set(name)} />
      )}
    </Field>
  );
  return (
    <form onSubmit={submit} aria-label={t("channels.connect")}>
      {organizations.length > 1 && (
        <Field label={t("channels.organization")} error={errors.fields.organization}>
          {(props) => (
            <select {...props} value={organization} onChange={(event) => setOrganization(Number(event.target.value))}>
              {organizations.map((org) => <option key={org.id} value={org.id}>{org.name}</option>)}
            </select>
          )}
        </Field>
      )}
      <Field label={t("channels.kind")} error={errors.fields.kind}>
        {(props) => (
          <select {...props} value={kind} onChange={(event) => setKind(event.target.value as "whatsapp" | "sms")}>
            <option value="whatsapp">{t("messages.channels.whatsapp")}</option>
            <option value="sms">{t("messages.channels.sms")}</option>
          </select>
        )}
      </Field>
      {kind === "whatsapp" ? (
        <>
          {input("phone_number_id", t("channels.phoneNumberId"))}
          {input("display_phone_number", t("channels.displayNumber"))}
          {input("access_token", t("channels.accessToken"), true)}
        </>
      ) : (
        <>
          {input("account_sid", t("channels.accountSid"))}
          {input("from_number", t("channels.fromNumber"))}
          {input("auth_token", t("channels.authToken"), true)}
        </>
      )}
      <FormAlert messages={errors.form} />
      {done && <p role="status">{t("channels.connected")}</p>}
      <div className="actions">
        <button type="submit" disabled={connect.isPending}>{t("channels.connect")}</button>
      </div>
    </form>
  );
}

/** The org admin's messaging settings: the connected WhatsApp numbers and Twilio senders, and connecting one. */
export function ChannelSettings() {
  const { t } = useTranslation();
  const me = useMe();
  const channels = useChannels();
  const organizations = new Map<number, string>();
  for (const membership of me.data?.memberships ?? []) {
    if (membership.role === "org_admin") organizations.set(membership.organization, membership.organization_name);
  }
  return (
    <>
      <section aria-labelledby="channels-heading" className="panel">
        <h2 id="channels-heading">{t("channels.connectedTitle")}</h2>
        <QueryStatus isPending={channels.isPending} error={channels.error} />
        {channels.data && !channels.data.length && <p>{t("channels.none")}</p>}
        <ul>
          {(channels.data ?? []).map((channel) => (
            <li key={channel.id}>
              <strong>{t(`messages.channels.${channel.kind}`)}</strong> {channel.display_phone_number || channel.phone_number_id}
              {" · "}{channel.active ? t("channels.active") : t("channels.inactive")}
              {" · "}{t("channels.dailyLimit", { count: channel.daily_limit })}
            </li>
          ))}
        </ul>
      </section>
      {organizations.size > 0 && (
        <section aria-labelledby="connect-heading" className="panel">
          <h2 id="connect-heading">{t("channels.connect")}</h2>
          <ConnectForm organizations={[...organizations].map(([id, name]) => ({ id, name }))} />
        </section>
      )}
    </>
  );
}
