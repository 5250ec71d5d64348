import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { Field, FormAlert } from "../../components/Field";
import { invitationFromHash, useAcceptInvitation } from "../../lib/auth";
import { formErrors } from "../../lib/form-errors";
import { LanguageSwitch } from "../Layout";

/** A new member's first visit: the link their manager passed on (`#uid=…&token=…`) lets them choose a password. */
export function Component() {
  const { t } = useTranslation();
  const [invitation] = useState(() => invitationFromHash(window.location.hash));
  const accept = useAcceptInvitation();
  const [password, setPassword] = useState("");
  const errors = formErrors(accept.error, ["password", "token", "uid"]);
  const linkError = errors.fields.token ?? errors.fields.uid;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (invitation) accept.mutate({ ...invitation, password });
  };
  return (
    <main id="main" className="sign-in">
      {accept.isSuccess ? (
        <div className="panel" role="status">
          <h1>{t("welcome.done")}</h1>
          <Link to="/signin">{t("welcome.signIn")}</Link>
        </div>
      ) : (
        <form onSubmit={submit} className="panel" aria-labelledby="welcome-heading">
          <h1 id="welcome-heading">{t("welcome.title")}</h1>
          {!invitation && <p role="alert" className="alert">{t("welcome.badLink")}</p>}
          <Field label={t("welcome.password")} error={errors.fields.password} hint={t("welcome.hint")}>
            {(props) => (
              <input {...props} type="password" autoComplete="new-password" required value={password} onChange={(event) => setPassword(event.target.value)} />
            )}
          </Field>
          <FormAlert messages={[...(linkError ? [linkError] : []), ...errors.form]} />
          <button type="submit" disabled={accept.isPending || !invitation}>{t("welcome.submit")}</button>
        </form>
      )}
      <LanguageSwitch />
    </main>
  );
}
