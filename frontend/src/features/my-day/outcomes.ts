// A call's outcomes, as the API's schema names them (`FollowUpOutcomeEnum`), in the order the form offers them.
import type { Schemas } from "../../lib/api/client";

export type FollowUpOutcome = Schemas["FollowUpOutcomeEnum"];

export const FOLLOW_UP_OUTCOMES = ["answered", "no_answer", "busy", "unreachable", "wrong_number"] as const satisfies readonly FollowUpOutcome[];

// Every outcome the API knows is offered: an outcome added to the schema and missing here fails `tsc`.
type Unoffered = Exclude<FollowUpOutcome, (typeof FOLLOW_UP_OUTCOMES)[number]>;
export const EVERY_OUTCOME_OFFERED: [Unoffered] extends [never] ? true : Unoffered = true;

/** What the API assumes when a client sends none; the form starts there. */
export const DEFAULT_OUTCOME: FollowUpOutcome = "answered";
