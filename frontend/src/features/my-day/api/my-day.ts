// My day's three reads (at most 3 requests for the page) and recording a call.
import { queryOptions, useMutation, useQuery, useQueryClient, type QueryKey } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "../../../lib/api/client";
import type { FollowUpRequest } from "../../../lib/api/pending";
import { addDays } from "../../../lib/dates";
import { invalidateData, PAGE_SIZE } from "../../../lib/query-client";

type LeadPage = Schemas["PaginatedLeadListOutputList"];

export const followUpsTodayQueryOptions = (page: number) =>
  queryOptions({
    queryKey: ["my-day", "today", page],
    queryFn: async ({ signal }) =>
      unwrap(await api.GET("/api/leads/followup/today/", { params: { query: { page, page_size: PAGE_SIZE } }, signal })),
  });

// Missed follow-ups: open leads whose next follow-up day has passed, oldest first. Read through
// list/'s filters until `followup/missed/` (the contract's) is in the schema; the same rows.
export const missedFollowUpsQueryOptions = (page: number, today: string) =>
  queryOptions({
    queryKey: ["my-day", "missed", today, page],
    queryFn: async ({ signal }) =>
      unwrap(
        await api.GET("/api/leads/list/", {
          params: {
            query: {
              is_open: "true",
              next_followup_date_before: addDays(today, -1),
              ordering: ["next_followup_date"],
              page,
              page_size: PAGE_SIZE,
            },
          },
          signal,
        }),
      ),
  });

export const overduePromisesQueryOptions = (page: number) =>
  queryOptions({
    queryKey: ["my-day", "overdue-promises", page],
    queryFn: async ({ signal }) =>
      unwrap(await api.GET("/api/leads/overdue-loans/", { params: { query: { page, page_size: PAGE_SIZE } }, signal })),
  });

export const useFollowUpsToday = (page: number) => useQuery(followUpsTodayQueryOptions(page));
export const useMissedFollowUps = (page: number, today: string) => useQuery(missedFollowUpsQueryOptions(page, today));
export const useOverduePromises = (page: number) => useQuery(overduePromisesQueryOptions(page));

/** Record a call; the lead leaves My day's lists at once (optimistically), then every list refetches. */
export function useRecordFollowUp() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: FollowUpRequest) => unwrap(await api.POST("/api/leads/followup/", { body })),
    onMutate: async (body) => {
      await queryClient.cancelQueries({ queryKey: ["my-day"] });
      const previous = queryClient.getQueriesData<LeadPage>({ queryKey: ["my-day"] });
      for (const [key, page] of previous) {
        if (!page || !isLeadList(key)) continue;
        const results = page.results.filter((lead) => lead.id !== body.lead);
        queryClient.setQueryData<LeadPage>(key, { ...page, results, count: page.count - (page.results.length - results.length) });
      }
      return { previous };
    },
    onError: (_error, _body, context) => {
      for (const [key, page] of context?.previous ?? []) queryClient.setQueryData(key, page);
    },
    onSettled: () => invalidateData(queryClient),
  });
}

function isLeadList(key: QueryKey): boolean {
  return key[1] === "today" || key[1] === "missed";
}
