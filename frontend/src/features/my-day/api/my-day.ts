// My day's three reads (at most 3 requests for the page: missed, today, promises) and recording a call.
import { queryOptions, useMutation, useQuery, useQueryClient, type QueryKey } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "../../../lib/api/client";
import { invalidateData, PAGE_SIZE } from "../../../lib/query-client";

type LeadPage = Schemas["PaginatedLeadListOutputList"];
export type FollowUpRequest = Schemas["FollowUpCreateInputRequest"];

export const followUpsTodayQueryOptions = (page: number) =>
  queryOptions({
    queryKey: ["my-day", "today", page],
    queryFn: async ({ signal }) =>
      unwrap(await api.GET("/api/leads/followup/today/", { params: { query: { page, page_size: PAGE_SIZE } }, signal })),
  });

/** Open leads whose next follow-up day has passed, oldest first (the row shape of today's). */
export const missedFollowUpsQueryOptions = (page: number) =>
  queryOptions({
    queryKey: ["my-day", "missed", page],
    queryFn: async ({ signal }) =>
      unwrap(await api.GET("/api/leads/followup/missed/", { params: { query: { page, page_size: PAGE_SIZE } }, signal })),
  });

/** Open payment promises due today or overdue, in one request: the late ones first, today's (0 days) last. */
export const promisesDueQueryOptions = (page: number) =>
  queryOptions({
    queryKey: ["my-day", "promises", page],
    queryFn: async ({ signal }) =>
      unwrap(
        await api.GET("/api/leads/overdue-loans/", {
          params: { query: { include_due_today: true, page, page_size: PAGE_SIZE } },
          signal,
        }),
      ),
  });

export const useFollowUpsToday = (page: number) => useQuery(followUpsTodayQueryOptions(page));
export const useMissedFollowUps = (page: number) => useQuery(missedFollowUpsQueryOptions(page));
export const usePromisesDue = (page: number) => useQuery(promisesDueQueryOptions(page));

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
