import { useSummary } from "../../features/team/api/reports";
import { branchesOf, isManager, useMe } from "../../lib/auth";

/** The branches the user may pick: their memberships', or for org admins the summary report's. */
export function useWorkBranches(): { id: number; name: string }[] {
  const me = useMe();
  const own = branchesOf(me.data);
  const summary = useSummary({});
  if (own.length || !isManager(me.data)) return own;
  return (summary.data?.branches ?? []).map((branch) => ({ id: branch.branch, name: branch.branch_name }));
}
