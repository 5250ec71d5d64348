import { useTranslation } from "react-i18next";
import { ExportLinks } from "../../components/ExportLinks";
import { ImportWizard } from "../../features/intake/components/ImportWizard";
import { useWorkBranches } from "./use-branches";

export function Component() {
  const { t } = useTranslation();
  const branches = useWorkBranches();
  return (
    <>
      <h1>{t("intake.title")}</h1>
      <section aria-labelledby="export-heading" className="panel">
        <h2 id="export-heading">{t("intake.exportAll")}</h2>
        <ExportLinks filters={{}} />
      </section>
      <ImportWizard key={branches.length} branches={branches} />
    </>
  );
}
