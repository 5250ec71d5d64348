import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { Field, FormAlert } from "../../../components/Field";
import { QueryStatus } from "../../../components/QueryStatus";
import { formErrors } from "../../../lib/form-errors";
import {
  useCreateIntakeSource,
  useIntakeSources,
  useRevokeIntakeSource,
  type CreatedIntakeSource,
  type IntakeSource,
} from "../api/intake-sources";
import { originsFromText } from "../origins";

const FIELDS = ["name", "branch", "allowed_origins", "asks_consent", "redirect_url"] as const;

/** A button that copies `text` and says so (the clipboard needs a secure page; otherwise it says to select it). */
export function CopyButton({ text, label }: { text: string; label: string }) {
  const { t } = useTranslation();
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setState("copied");
    } catch {
      setState("failed");
    }
  };
  return (
    <>
      <button type="button" className="secondary" onClick={() => void copy()}>{label}</button>
      <span role="status" className="muted">
        {state === "copied" ? t("intakeSources.copied") : state === "failed" ? t("intakeSources.copyFailed") : ""}
      </span>
    </>
  );
}

function NewKey({ created, onDone }: { created: CreatedIntakeSource; onDone: () => void }) {
  const { t } = useTranslation();
  return (
    <section aria-labelledby="new-key-heading" className="panel">
      <h2 id="new-key-heading">{t("intakeSources.keyTitle", { name: created.name })}</h2>
      <p role="alert"><strong>{t("intakeSources.keyWarning")}</strong></p>
      <p><code>{created.key}</code></p>
      <CopyButton text={created.key} label={t("intakeSources.copyKey")} />
      <h3>{t("intakeSources.snippet")}</h3>
      <pre className="snippet">{created.form_snippet}</pre>
      <CopyButton text={created.form_snippet} label={t("intakeSources.copySnippet")} />
      <p><button type="button" onClick={onDone}>{t("intakeSources.keySaved")}</button></p>
    </section>
  );
}

function CreateForm({ branches, onCreated }: { branches: { id: number; name: string }[]; onCreated: (created: CreatedIntakeSource) => void }) {
  const { t } = useTranslation();
  const create = useCreateIntakeSource();
  const [name, setName] = useState("");
  const [branch, setBranch] = useState(branches[0] ? String(branches[0].id) : "");
  const [origins, setOrigins] = useState("");
  const [asksConsent, setAsksConsent] = useState(false);
  const [redirectUrl, setRedirectUrl] = useState("");
  const errors = formErrors(create.error, FIELDS);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate(
      { name, branch: Number(branch), allowed_origins: originsFromText(origins), asks_consent: asksConsent, redirect_url: redirectUrl },
      {
        onSuccess: (created) => {
          setName("");
          setOrigins("");
          setRedirectUrl("");
          onCreated(created);
        },
      },
    );
  };
  return (
    <section aria-labelledby="new-source-heading" className="panel">
      <h2 id="new-source-heading">{t("intakeSources.new")}</h2>
      <form onSubmit={submit}>
        <Field label={t("intakeSources.name")} error={errors.fields.name} hint={t("intakeSources.nameHint")}>
          {(props) => <input {...props} required maxLength={100} value={name} onChange={(event) => setName(event.target.value)} />}
        </Field>
        <Field label={t("field.branch")} error={errors.fields.branch}>
          {(props) => (
            <select {...props} value={branch} onChange={(event) => setBranch(event.target.value)}>
              {branches.map((item) => <option key={item.id} value={item.id}>{item.name}</option>)}
            </select>
          )}
        </Field>
        <Field label={t("intakeSources.origins")} error={errors.fields.allowed_origins} hint={t("intakeSources.originsHint")}>
          {(props) => <textarea {...props} rows={2} dir="ltr" value={origins} onChange={(event) => setOrigins(event.target.value)} />}
        </Field>
        <Field label={t("intakeSources.redirect")} error={errors.fields.redirect_url} hint={t("intakeSources.redirectHint")}>
          {(props) => <input {...props} type="url" dir="ltr" value={redirectUrl} onChange={(event) => setRedirectUrl(event.target.value)} />}
        </Field>
        <div className="field">
          <label>
            <input type="checkbox" checked={asksConsent} onChange={(event) => setAsksConsent(event.target.checked)} />{" "}
            {t("intakeSources.asksConsent")}
          </label>
        </div>
        <FormAlert messages={errors.form} />
        <button type="submit" disabled={!branch || create.isPending}>{t("intakeSources.create")}</button>
      </form>
    </section>
  );
}

function SourceRow({ source }: { source: IntakeSource }) {
  const { t } = useTranslation();
  const revoke = useRevokeIntakeSource();
  const confirmRevoke = () => {
    if (window.confirm(t("intakeSources.revokeConfirm", { name: source.name }))) revoke.mutate(source.id);
  };
  return (
    <li className="panel">
      <h3>{source.name}</h3>
      <p>
        {source.branch_name} · {t(`source.${source.lead_source}`, { defaultValue: source.lead_source })} ·{" "}
        <code dir="ltr">ik_{source.key_prefix}_…</code> ·{" "}
        {source.is_active ? t("intakeSources.active") : t("intakeSources.revoked")}
      </p>
      <p className="muted">
        {source.last_used_at
          ? t("intakeSources.lastUsed", { when: new Date(source.last_used_at).toLocaleString() })
          : t("intakeSources.neverUsed")}
      </p>
      {source.is_active && (
        <>
          <details>
            <summary>{t("intakeSources.snippet")}</summary>
            <p className="hint">{t("intakeSources.snippetHint")}</p>
            <pre className="snippet">{source.form_snippet}</pre>
            <CopyButton text={source.form_snippet} label={t("intakeSources.copySnippet")} />
          </details>
          <button type="button" className="danger" onClick={confirmRevoke} disabled={revoke.isPending}>
            {t("intakeSources.revoke")}
          </button>
        </>
      )}
    </li>
  );
}

/** The organization's intake sources: a new one (its key shown once), each one's form snippet, revoking a key. */
export function IntakeSources({ branches }: { branches: { id: number; name: string }[] }) {
  const { t } = useTranslation();
  const sources = useIntakeSources();
  const [created, setCreated] = useState<CreatedIntakeSource | null>(null);
  return (
    <>
      {created ? (
        <NewKey created={created} onDone={() => setCreated(null)} />
      ) : (
        <CreateForm key={branches.length} branches={branches} onCreated={setCreated} />
      )}
      <section aria-labelledby="sources-heading">
        <h2 id="sources-heading">{t("intakeSources.list")}</h2>
        <QueryStatus isPending={sources.isPending} error={sources.error} />
        {sources.data && sources.data.results.length === 0 && <p>{t("intakeSources.none")}</p>}
        <ul className="plain">
          {sources.data?.results.map((source) => <SourceRow key={source.id} source={source} />)}
        </ul>
      </section>
    </>
  );
}
