import { MyDay } from "../../features/my-day/components/MyDay";
import { businessToday } from "../../lib/dates";

export function Component() {
  return <MyDay today={businessToday()} />;
}
