import { WhoOwes } from "../../features/loans/components/WhoOwes";
import { businessToday } from "../../lib/dates";

export function Component() {
  return <WhoOwes today={businessToday()} />;
}
