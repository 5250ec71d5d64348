import { useState } from "react";
import { useTranslation } from "react-i18next";
import { FormAlert } from "../../../components/Field";
import { QueryStatus } from "../../../components/QueryStatus";
import { formErrors } from "../../../lib/form-errors";
import { useAssignmentRule, useSetAssignmentRule, type Strategy } from "../api/assignment";

const STRATEGIES: Strategy[] = ["manual", "round_robin", "least_open"];

/** How the branch's new leads without an assignee get one. */
export function AssignmentRuleForm({ branch }: { branch: number }) {
  const { t } = useTranslation();
  const rule = useAssignmentRule(branch);
  const save = useSetAssignmentRule(branch);
  const [choice, setChoice] = useState<Strategy | null>(null);
  const current = choice ?? rule.data?.strategy ?? "manual";
  const errors = formErrors(save.error, ["strategy"]);
  return (
    <section aria-labelledby="rule-heading" className="panel">
      <h2 id="rule-heading">{t("team.rule")}</h2>
      <QueryStatus isPending={rule.isPending} error={rule.error} />
      {rule.data && (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            save.mutate(current, { onSuccess: () => setChoice(null) });
          }}
        >
          <fieldset>
            <legend>{t("team.ruleLegend")}</legend>
            {STRATEGIES.map((strategy) => (
              <label key={strategy} className="choice">
                <input type="radio" name="strategy" value={strategy} checked={current === strategy} onChange={() => setChoice(strategy)} />
                {t(`strategy.${strategy}`)}
              </label>
            ))}
          </fieldset>
          <p className="hint">{t("team.ruleHint")}</p>
          <FormAlert messages={[...errors.form, ...(errors.fields.strategy ? [errors.fields.strategy] : [])]} />
          {save.isSuccess && choice === null && <p role="status">{t("team.ruleSaved")}</p>}
          <button type="submit" disabled={save.isPending || current === rule.data.strategy}>{t("team.ruleSave")}</button>
        </form>
      )}
    </section>
  );
}
