import { describe, expect, it } from "vitest";
import { withCurrentAssignee } from "./assignee-options";

const TEAM = [
  { id: 5, username: "branch_a1", full_name: "Ayesha Noor" },
  { id: 6, username: "branch_a1b", full_name: "" },
];

describe("the assign picker's users", () => {
  it("are the branch's assignees when the lead is unassigned or held by one of them", () => {
    expect(withCurrentAssignee(TEAM, { assigned_to: null, assigned_to_username: null })).toEqual(TEAM);
    expect(withCurrentAssignee(TEAM, { assigned_to: 6, assigned_to_username: "branch_a1b" })).toEqual(TEAM);
  });

  it("keep a current assignee who is no longer among them, so the select names who holds the lead", () => {
    expect(withCurrentAssignee(TEAM, { assigned_to: 9, assigned_to_username: "moved_away" })).toEqual([
      ...TEAM,
      { id: 9, username: "moved_away", full_name: "" },
    ]);
  });
});
