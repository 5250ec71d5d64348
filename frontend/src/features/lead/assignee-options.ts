// The assign picker's users: `assignees/` for the lead's branch, and the current assignee kept visible.
import type { Schemas } from "../../lib/api/client";

type Assignee = Schemas["AssigneeOutput"];
type Lead = Pick<Schemas["LeadDetailOutput"], "assigned_to" | "assigned_to_username">;

/** `assignees` plus the lead's current assignee when no longer among them (moved or left the branch), so the
 * select shows who holds the lead instead of silently reading "Nobody". */
export function withCurrentAssignee(assignees: Assignee[], lead: Lead): Assignee[] {
  if (lead.assigned_to === null || assignees.some((user) => user.id === lead.assigned_to)) return assignees;
  return [...assignees, { id: lead.assigned_to, username: lead.assigned_to_username ?? String(lead.assigned_to), full_name: "" }];
}
