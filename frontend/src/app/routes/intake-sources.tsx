import { useTranslation } from "react-i18next";
import { IntakeSources } from "../../features/intake-sources/components/IntakeSources";
import { useWorkBranches } from "./use-branches";

export function Component() {
  const { t } = useTranslation();
  const branches = useWorkBranches();
  return (
    <>
      <h1>{t("intakeSources.title")}</h1>
      <p>{t("intakeSources.intro")}</p>
      <IntakeSources branches={branches} />
    </>
  );
}
