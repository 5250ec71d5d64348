import { useState } from "react";
import { useTranslation } from "react-i18next";
import { FormAlert } from "../../../components/Field";
import { QueryStatus } from "../../../components/QueryStatus";
import { formErrors } from "../../../lib/form-errors";
import { useDeactivateMember, useTeam, useUpdateMember, type TeamMember } from "../api/assignment";
import { parseCap } from "../selection";

function CapEditor({ member, branch }: { member: TeamMember; branch: number }) {
  const { t } = useTranslation();
  const update = useUpdateMember(branch);
  const [text, setText] = useState(member.daily_cap == null ? "" : String(member.daily_cap));
  const cap = parseCap(text);
  const errors = formErrors(update.error, []);
  return (
    <form
      className="inline"
      onSubmit={(event) => {
        event.preventDefault();
        if (cap !== undefined) update.mutate({ userId: member.id, daily_cap: cap });
      }}
    >
      <label className="visually-hidden" htmlFor={`cap-${member.id}`}>{t("team.capFor", { name: member.username })}</label>
      <input
        id={`cap-${member.id}`}
        inputMode="numeric"
        size={4}
        value={text}
        placeholder={t("team.noCap")}
        aria-invalid={cap === undefined}
        onChange={(event) => setText(event.target.value)}
      />
      <button type="submit" className="secondary" disabled={cap === undefined || update.isPending}>
        {t("common.save")}
        <span className="visually-hidden"> {t("team.capFor", { name: member.username })}</span>
      </button>
      <FormAlert messages={errors.form} />
    </form>
  );
}

function Deactivate({ member, branch }: { member: TeamMember; branch: number }) {
  const { t } = useTranslation();
  const [asking, setAsking] = useState(false);
  const deactivate = useDeactivateMember(branch);
  const errors = formErrors(deactivate.error, []);
  if (!asking) {
    return (
      <button type="button" className="secondary" onClick={() => setAsking(true)}>
        {t("team.deactivate")}
        <span className="visually-hidden"> {member.username}</span>
      </button>
    );
  }
  return (
    <div role="group" aria-label={t("team.deactivateConfirm", { name: member.username })} className="warning">
      <p>{t("team.deactivateConfirm", { name: member.username })}</p>
      <div className="actions">
        <button type="button" disabled={deactivate.isPending} onClick={() => deactivate.mutate(member.id)}>
          {t("team.deactivateYes", { name: member.username })}
        </button>
        <button type="button" className="secondary" onClick={() => setAsking(false)}>{t("common.cancel")}</button>
      </div>
      <FormAlert messages={errors.form} />
    </div>
  );
}

/** Each member's queues (open, due today, missed, past the SLA) with their availability, cap and deactivation. */
export function TeamPanel({ branch, me }: { branch: number; me: number | undefined }) {
  const { t } = useTranslation();
  const team = useTeam(branch);
  const update = useUpdateMember(branch);
  return (
    <section aria-labelledby="team-heading" className="panel">
      <h2 id="team-heading">{t("team.title")}</h2>
      <QueryStatus isPending={team.isPending} error={team.error} />
      {team.data && !team.data.length && <p className="empty">{t("team.noMembers")}</p>}
      {team.data && team.data.length > 0 && (
        <div className="table-scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">{t("team.member")}</th>
                <th scope="col">{t("team.open_leads")}</th>
                <th scope="col">{t("team.due_today")}</th>
                <th scope="col">{t("team.missed")}</th>
                <th scope="col">{t("team.sla_breached")}</th>
                <th scope="col">{t("team.available")}</th>
                <th scope="col">{t("team.dailyCap")}</th>
                <th scope="col"><span className="visually-hidden">{t("team.deactivate")}</span></th>
              </tr>
            </thead>
            <tbody>
              {team.data.map((member) => (
                <tr key={member.id}>
                  <th scope="row">
                    {member.full_name || member.username}
                    <div className="muted">{t(`role.${member.role}`)}</div>
                  </th>
                  <td>{member.open_leads}</td>
                  <td>{member.due_today}</td>
                  <td>{member.missed}</td>
                  <td>{member.sla_breached}</td>
                  <td>
                    <label className="choice">
                      <input
                        type="checkbox"
                        checked={member.available}
                        disabled={update.isPending}
                        onChange={(event) => update.mutate({ userId: member.id, available: event.target.checked })}
                      />
                      <span className="visually-hidden">{t("team.availableFor", { name: member.username })}</span>
                      {member.available ? t("team.yes") : t("team.onLeave")}
                    </label>
                  </td>
                  <td><CapEditor member={member} branch={branch} /></td>
                  <td>{member.id !== me && <Deactivate member={member} branch={branch} />}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
