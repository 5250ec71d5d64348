import { Dashboard } from "../../features/team/components/Dashboard";

export function Component() {
  return <Dashboard />;
}
