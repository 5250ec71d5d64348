import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { Field, FormAlert } from "../../../components/Field";
import { formErrors } from "../../../lib/form-errors";
import { useAddMember, type NewMember } from "../api/assignment";

const FIELDS = ["username", "first_name", "last_name", "email", "role", "password"] as const;
type FieldName = (typeof FIELDS)[number];

/** Add a branch user (or, for org admins, a manager) with a first password or a one-time invitation link. */
export function AddMemberForm({ branch, canAddManagers }: { branch: number; canAddManagers: boolean }) {
  const { t } = useTranslation();
  const add = useAddMember(branch);
  const empty = { username: "", first_name: "", last_name: "", email: "", role: "branch_user", password: "" };
  const [values, setValues] = useState<Record<FieldName, string>>(empty);
  const [invite, setInvite] = useState(true);
  const [added, setAdded] = useState<{ username: string; link: string | null } | null>(null);
  const errors = formErrors(add.error, FIELDS);
  const set = (name: FieldName) => (event: { target: { value: string } }) => setValues({ ...values, [name]: event.target.value });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const body: NewMember = {
      username: values.username,
      first_name: values.first_name,
      last_name: values.last_name,
      email: values.email,
      role: values.role as NewMember["role"],
      ...(invite ? { invite: true } : { password: values.password }),
    };
    add.mutate(body, {
      onSuccess: (member) => {
        setAdded({ username: member.username, link: member.invitation_url });
        setValues(empty);
      },
    });
  };

  const text = (name: FieldName, type = "text", autoComplete = "off") => (
    <Field key={name} label={t(`member.${name}`)} error={errors.fields[name]}>
      {(props) => <input {...props} type={type} autoComplete={autoComplete} required={name === "username"} value={values[name]} onChange={set(name)} />}
    </Field>
  );

  return (
    <section aria-labelledby="add-member-heading" className="panel">
      <h2 id="add-member-heading">{t("member.add")}</h2>
      {added && (
        <div role="status" className="notice">
          <p>{t("member.added", { name: added.username })}</p>
          {added.link && (
            <>
              <p>{t("member.linkOnce")}</p>
              <input readOnly aria-label={t("member.link")} value={added.link} onFocus={(event) => event.target.select()} dir="ltr" />
            </>
          )}
        </div>
      )}
      <form onSubmit={submit}>
        {text("username")}
        {text("first_name")}
        {text("last_name")}
        {text("email", "email")}
        {canAddManagers && (
          <Field label={t("member.role")} error={errors.fields.role}>
            {(props) => (
              <select {...props} value={values.role} onChange={set("role")}>
                <option value="branch_user">{t("role.branch_user")}</option>
                <option value="branch_manager">{t("role.branch_manager")}</option>
              </select>
            )}
          </Field>
        )}
        <fieldset>
          <legend>{t("member.howSignIn")}</legend>
          <label className="choice">
            <input type="radio" name="first-password" checked={invite} onChange={() => setInvite(true)} />
            {t("member.inviteLink")}
          </label>
          <label className="choice">
            <input type="radio" name="first-password" checked={!invite} onChange={() => setInvite(false)} />
            {t("member.firstPassword")}
          </label>
        </fieldset>
        {!invite && text("password", "password", "new-password")}
        <FormAlert messages={errors.form} />
        <button type="submit" disabled={add.isPending}>{t("member.save")}</button>
      </form>
    </section>
  );
}
