import { useTranslation } from "react-i18next";
import { AddMemberForm } from "../../features/team/components/AddMemberForm";
import { AssignmentRuleForm } from "../../features/team/components/AssignmentRuleForm";
import { BranchPicker, useManagedBranch } from "../../features/team/components/BranchPicker";
import { TeamPanel } from "../../features/team/components/TeamPanel";
import { canAddManagers, useMe } from "../../lib/auth";

export function Component() {
  const { t } = useTranslation();
  const me = useMe();
  const picked = useManagedBranch();
  const branch = picked.branch;
  return (
    <>
      <h1>{t("team.pageTitle")}</h1>
      <BranchPicker {...picked} />
      {branch && (
        <div key={branch.id}>
          <TeamPanel branch={branch.id} me={me.data?.id} />
          <AssignmentRuleForm branch={branch.id} />
          <AddMemberForm branch={branch.id} canAddManagers={canAddManagers(me.data, branch.organization)} />
        </div>
      )}
    </>
  );
}
