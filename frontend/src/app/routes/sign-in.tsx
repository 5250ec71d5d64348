import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate, useSearchParams } from "react-router";
import { Field, FormAlert } from "../../components/Field";
import { ApiError } from "../../lib/api/client";
import { safeNext, useSignIn } from "../../lib/auth";
import { formErrors } from "../../lib/form-errors";
import { LanguageSwitch } from "../Layout";

export function Component() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const signIn = useSignIn();
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const errors = formErrors(signIn.error, ["username", "password"]);
  const wrong = signIn.error instanceof ApiError && (signIn.error.status === 400 || signIn.error.status === 401) && !Object.keys(errors.fields).length;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    signIn.mutate({ username, password }, { onSuccess: () => navigate(safeNext(params.get("next")), { replace: true }) });
  };
  return (
    <main id="main" className="sign-in">
      <form onSubmit={submit} className="panel" aria-labelledby="sign-in-heading">
        <h1 id="sign-in-heading">{t("signIn.title")}</h1>
        <Field label={t("signIn.username")} error={errors.fields.username}>
          {(props) => <input {...props} autoComplete="username" required value={username} onChange={(event) => setUsername(event.target.value)} />}
        </Field>
        <Field label={t("signIn.password")} error={errors.fields.password}>
          {(props) => (
            <input {...props} type="password" autoComplete="current-password" required value={password} onChange={(event) => setPassword(event.target.value)} />
          )}
        </Field>
        <FormAlert messages={wrong ? [t("signIn.failed")] : errors.form} />
        <button type="submit" disabled={signIn.isPending}>{t("signIn.submit")}</button>
      </form>
      <LanguageSwitch />
    </main>
  );
}
