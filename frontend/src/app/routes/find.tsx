import { Find } from "../../features/find/components/Find";

export function Component() {
  return <Find />;
}
