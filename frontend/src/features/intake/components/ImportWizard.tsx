import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { Field, FormAlert } from "../../../components/Field";
import type { Schemas } from "../../../lib/api/client";
import { formErrors } from "../../../lib/form-errors";
import { useImport, useStartImport } from "../api/imports";
import { guessMapping, IMPORT_FIELDS, readHeader, repeatedFields, rewriteHeader, type ImportField } from "../csv-header";

const MODES: Schemas["ModeEnum"][] = ["create", "upsert", "update"];

function Report({ id }: { id: number }) {
  const { t } = useTranslation();
  const report = useImport(id);
  const data = report.data;
  if (!data) return <p role="status">{t("query.loading")}</p>;
  const finished = data.status === "done" || data.status === "failed";
  return (
    <section aria-labelledby={`report-${id}`} className="panel" aria-live="polite">
      <h3 id={`report-${id}`}>{data.dry_run ? t("imports.dryRunReport") : t("imports.report")}</h3>
      <p>{t(`importStatus.${data.status}`)}{!finished && ` (${data.processed}/${data.total})`}</p>
      {data.failure && <p role="alert">{data.failure}</p>}
      <ul className="numbers">
        {(["total", "created", "updated", "skipped", "failed"] as const).map((name) => (
          <li key={name}><strong>{data[name]}</strong> {t(`imports.${name}`)}</li>
        ))}
      </ul>
      {data.errors.length > 0 && (
        <table>
          <caption>{t("imports.errors")}</caption>
          <thead><tr><th scope="col">{t("imports.row")}</th><th scope="col">{t("imports.field")}</th><th scope="col">{t("imports.message")}</th></tr></thead>
          <tbody>
            {data.errors.slice(0, 100).map((error, index) => (
              <tr key={`${error.row}-${error.field}-${index}`}><td>{error.row}</td><td>{error.field}</td><td>{error.message}</td></tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** Upload a register, map its columns to lead fields (CSV), see the dry run's report, then import. */
export function ImportWizard({ branches }: { branches: { id: number; name: string }[] }) {
  const { t } = useTranslation();
  const start = useStartImport();
  const [file, setFile] = useState<File | null>(null);
  const [csvText, setCsvText] = useState<string | null>(null);
  const [headers, setHeaders] = useState<string[]>([]);
  const [mapping, setMapping] = useState<(ImportField | "")[]>([]);
  const [branch, setBranch] = useState(branches[0] ? String(branches[0].id) : "");
  const [mode, setMode] = useState<Schemas["ModeEnum"]>("upsert");
  const [dryRunId, setDryRunId] = useState<number | null>(null);
  const [realRunId, setRealRunId] = useState<number | null>(null);
  const dryRun = useImport(dryRunId);
  const errors = formErrors(start.error, ["file", "branch", "mode", "dry_run"]);
  const repeated = repeatedFields(mapping);

  const choose = async (chosen: File | null) => {
    setFile(chosen);
    setDryRunId(null);
    setRealRunId(null);
    if (chosen && chosen.name.toLowerCase().endsWith(".csv")) {
      const text = await chosen.text();
      const { cells } = readHeader(text);
      setCsvText(text);
      setHeaders(cells);
      setMapping(guessMapping(cells));
    } else {
      setCsvText(null);
      setHeaders([]);
      setMapping([]);
    }
  };

  const upload = (dry: boolean) => {
    if (!file) return;
    const body = csvText !== null ? new File([rewriteHeader(csvText, mapping)], file.name, { type: "text/csv" }) : file;
    start.mutate(
      { file: body, branch: Number(branch), mode, dryRun: dry },
      { onSuccess: (created) => (dry ? setDryRunId(created.id) : setRealRunId(created.id)) },
    );
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    upload(true);
  };

  return (
    <section aria-labelledby="import-heading" className="panel">
      <h2 id="import-heading">{t("imports.title")}</h2>
      <form onSubmit={submit}>
        <Field label={t("imports.file")} error={errors.fields.file} hint={t("imports.fileHint")}>
          {(props) => <input {...props} type="file" accept=".csv,.xlsx" required onChange={(event) => void choose(event.target.files?.[0] ?? null)} />}
        </Field>
        {branches.length > 0 && (
          <Field label={t("field.branch")} error={errors.fields.branch}>
            {(props) => (
              <select {...props} value={branch} onChange={(event) => setBranch(event.target.value)}>
                {branches.map((item) => <option key={item.id} value={item.id}>{item.name}</option>)}
              </select>
            )}
          </Field>
        )}
        <Field label={t("imports.mode")} error={errors.fields.mode}>
          {(props) => (
            <select {...props} value={mode} onChange={(event) => setMode(event.target.value as Schemas["ModeEnum"])}>
              {MODES.map((value) => <option key={value} value={value}>{t(`imports.modes.${value}`)}</option>)}
            </select>
          )}
        </Field>
        {headers.length > 0 && (
          <fieldset>
            <legend>{t("imports.mapping")}</legend>
            {headers.map((header, index) => (
              <Field key={`${header}-${index}`} label={header || t("imports.unnamedColumn", { number: index + 1 })}>
                {(props) => (
                  <select
                    {...props}
                    value={mapping[index] ?? ""}
                    onChange={(event) => setMapping(mapping.map((value, at) => (at === index ? (event.target.value as ImportField | "") : value)))}
                  >
                    <option value="">{t("imports.ignore")}</option>
                    {IMPORT_FIELDS.map((field) => <option key={field} value={field}>{t(`field.${field}`)}</option>)}
                  </select>
                )}
              </Field>
            ))}
            {repeated.length > 0 && <p role="alert" className="error">{t("imports.repeated", { fields: repeated.join(", ") })}</p>}
          </fieldset>
        )}
        <FormAlert messages={errors.form} />
        <button type="submit" disabled={!file || !branch || repeated.length > 0 || start.isPending}>{t("imports.dryRun")}</button>
      </form>
      {dryRunId !== null && <Report id={dryRunId} />}
      {dryRun.data?.status === "done" && realRunId === null && (
        <button type="button" onClick={() => upload(false)} disabled={start.isPending}>{t("imports.runForReal")}</button>
      )}
      {realRunId !== null && <Report id={realRunId} />}
    </section>
  );
}
