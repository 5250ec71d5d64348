import { useTranslation } from "react-i18next";
import { BranchPicker, useManagedBranch } from "../../features/team/components/BranchPicker";
import { UnassignedQueue } from "../../features/team/components/UnassignedQueue";

export function Component() {
  const { t } = useTranslation();
  const picked = useManagedBranch();
  return (
    <>
      <h1>{t("team.unassignedTitle")}</h1>
      <BranchPicker {...picked} />
      {picked.branch && <UnassignedQueue key={picked.branch.id} branch={picked.branch.id} />}
    </>
  );
}
