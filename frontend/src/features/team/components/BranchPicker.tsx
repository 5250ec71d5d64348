import { useEffect } from "react";
import { useTranslation } from "react-i18next";
import { useSearchParams } from "react-router";
import { QueryStatus } from "../../../components/QueryStatus";
import type { Schemas } from "../../../lib/api/client";
import { useManagedBranches } from "../api/assignment";

export type ManagedBranch = Schemas["ManagedBranchOutput"];

/** The branch a manager's page works on (`?branch=`, default their first), with a picker when they manage several. */
export function useManagedBranch(): { branch: ManagedBranch | undefined; branches: ManagedBranch[]; query: ReturnType<typeof useManagedBranches> } {
  const query = useManagedBranches();
  const [params, setParams] = useSearchParams();
  const branches = query.data ?? [];
  const wanted = Number(params.get("branch"));
  const branch = branches.find((candidate) => candidate.id === wanted) ?? branches[0];
  useEffect(() => {
    if (branch && wanted !== branch.id) setParams({ branch: String(branch.id) }, { replace: true });
  }, [branch, wanted, setParams]);
  return { branch, branches, query };
}

export function BranchPicker({ branch, branches, query }: ReturnType<typeof useManagedBranch>) {
  const { t } = useTranslation();
  const [, setParams] = useSearchParams();
  if (!branch) return <QueryStatus isPending={query.isPending} error={query.error} />;
  if (branches.length < 2) return <p className="muted">{branch.name} ({branch.code})</p>;
  return (
    <label className="field">
      {t("field.branch")}
      <select value={branch.id} onChange={(event) => setParams({ branch: event.target.value })}>
        {branches.map((option) => (
          <option key={option.id} value={option.id}>
            {option.name} ({option.code})
          </option>
        ))}
      </select>
    </label>
  );
}
