// The dashboard's two reads: the summary report and the loan book's aging, for the caller's scope.
import { queryOptions, useQuery } from "@tanstack/react-query";
import { api, unwrap } from "../../../lib/api/client";

export interface ReportFilters {
  branch_id?: number;
  from?: string;
  to?: string;
}

export const summaryQueryOptions = (filters: ReportFilters) =>
  queryOptions({
    queryKey: ["reports", "summary", filters],
    queryFn: async ({ signal }) => unwrap(await api.GET("/api/leads/reports/summary/", { params: { query: filters }, signal })),
  });

export const agingQueryOptions = (branchId: number | undefined) =>
  queryOptions({
    queryKey: ["reports", "aging", branchId ?? null],
    queryFn: async ({ signal }) =>
      unwrap(await api.GET("/api/leads/reports/aging/", { params: { query: branchId ? { branch_id: branchId } : {} }, signal })),
  });

export const useSummary = (filters: ReportFilters) => useQuery(summaryQueryOptions(filters));
export const useAging = (branchId: number | undefined) => useQuery(agingQueryOptions(branchId));
