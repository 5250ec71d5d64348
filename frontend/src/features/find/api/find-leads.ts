// The desk's list: list/ with free text `q` (name, phone as typed, passport, CNIC) and any of its
// filters (the dashboard's numbers link here with theirs).
import { keepPreviousData, queryOptions, useQuery } from "@tanstack/react-query";
import { api, unwrap } from "../../../lib/api/client";
import type { operations } from "../../../lib/api/schema";
import { PAGE_SIZE } from "../../../lib/query-client";

export type ListQuery = NonNullable<operations["leads_list"]["parameters"]["query"]>;

/** The list filters the desk passes through from its own address (strings as the API reads them). */
export const LIST_FILTERS = [
  "q", "branch_id", "lead_status", "lead_source", "is_open", "stale", "never_contacted", "has_overdue_promise", "sla_breached",
  "lost_reason_code", "created_at_after", "created_at_before", "next_followup_date", "assigned_to", "unassigned", "area",
  "ordering",
] as const;

export function listQueryFrom(params: URLSearchParams): ListQuery {
  const query: Record<string, string | string[] | number> = {};
  for (const name of LIST_FILTERS) {
    const values = params.getAll(name).filter((value) => value.trim() !== "");
    if (!values.length) continue;
    if (name === "lead_status" || name === "lead_source" || name === "ordering") query[name] = values;
    else if (name === "branch_id" || name === "assigned_to") query[name] = Number(values[0]);
    else query[name] = values[0] ?? "";
  }
  return query as ListQuery;
}

export const findLeadsQueryOptions = (query: ListQuery, page: number) =>
  queryOptions({
    queryKey: ["leads", query, page],
    queryFn: async ({ signal }) =>
      unwrap(await api.GET("/api/leads/list/", { params: { query: { ...query, page, page_size: PAGE_SIZE } }, signal })),
    placeholderData: keepPreviousData,
  });

export function useFindLeads(query: ListQuery, page: number, enabled: boolean) {
  return useQuery({ ...findLeadsQueryOptions(query, page), enabled });
}
