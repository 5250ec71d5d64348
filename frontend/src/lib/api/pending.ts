// The contract's desk additions ("The branch desk" in CONTRACT.md) that the generated schema does not
// have yet. Each is typed here by the contract's names so the features can call them; once
// `npm run gen:api` brings them into schema.d.ts, delete the entry here (tsc then checks the real one).
import type { components } from "./schema";

type Schemas = components["schemas"];

export type FollowUpOutcome = "answered" | "no_answer" | "busy" | "unreachable" | "wrong_number";
export const FOLLOW_UP_OUTCOMES: readonly FollowUpOutcome[] = ["answered", "no_answer", "busy", "unreachable", "wrong_number"];

/** `POST followup/` with the contract's `outcome` (the API ignores it until it knows it). */
export type FollowUpRequest = Schemas["FollowUpCreateInputRequest"] & { outcome?: FollowUpOutcome };

export interface DuplicatesAnswer {
  possible_duplicates: Schemas["PossibleDuplicate"][];
  known_at_branches: string[];
}

export interface Assignee {
  id: number;
  username: string;
  full_name: string;
}

/** A payment with the contract's `receipt_number` (absent until the API has it). */
export type Payment = Schemas["LoanPaymentOutput"] & { receipt_number?: string | null };

/** Paths of the contract not yet in the schema, in openapi-typescript's shape. */
export interface PendingPaths {
  "/api/leads/followup/missed/": {
    parameters: { query?: never; header?: never; path?: never; cookie?: never };
    get: {
      parameters: { query?: { page?: number; page_size?: number; branch_id?: number; assigned_to?: number } };
      responses: { 200: { headers: Record<string, unknown>; content: { "application/json": Schemas["PaginatedLeadListOutputList"] } } };
    };
  };
  "/api/leads/duplicates/": {
    parameters: { query?: never; header?: never; path?: never; cookie?: never };
    get: {
      parameters: { query?: { contact_number?: string; cnic?: string; passport_number?: string } };
      responses: { 200: { headers: Record<string, unknown>; content: { "application/json": DuplicatesAnswer } } };
    };
  };
  "/api/leads/assignees/": {
    parameters: { query?: never; header?: never; path?: never; cookie?: never };
    get: {
      parameters: { query: { branch: number } };
      responses: { 200: { headers: Record<string, unknown>; content: { "application/json": Assignee[] } } };
    };
  };
}

/** The printable receipt (HTML): a plain link, opened with the session cookie. */
export function receiptUrl(commitmentId: number, paymentId: number): string {
  return `/api/leads/loan-promise/${commitmentId}/payments/${paymentId}/receipt/`;
}
