import { NewLeadForm } from "../../features/lead/components/NewLeadForm";
import { useWorkBranches } from "./use-branches";

export function Component() {
  const branches = useWorkBranches();
  return <NewLeadForm key={branches.length} branches={branches} />;
}
