// A lead's card: its details, timeline reads and the writes on it (edit, convert, lose, assign).
import { queryOptions, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "../../../lib/api/client";
import { invalidateData } from "../../../lib/query-client";

export const leadQueryOptions = (id: number) =>
  queryOptions({
    queryKey: ["lead", id],
    queryFn: async ({ signal }) => unwrap(await api.GET("/api/leads/detail/{id}/", { params: { path: { id } }, signal })),
  });

export const leadFollowUpsQueryOptions = (id: number) =>
  queryOptions({
    queryKey: ["lead", id, "followups"],
    queryFn: async ({ signal }) =>
      unwrap(await api.GET("/api/leads/detail/{id}/followups/", { params: { path: { id }, query: { page_size: 50 } }, signal })),
  });

export const leadHistoryQueryOptions = (id: number) =>
  queryOptions({
    queryKey: ["lead", id, "history"],
    queryFn: async ({ signal }) =>
      unwrap(await api.GET("/api/leads/detail/{id}/history/", { params: { path: { id }, query: { page_size: 50 } }, signal })),
  });

export const lostReasonsQueryOptions = () =>
  queryOptions({
    queryKey: ["lost-reasons"],
    queryFn: async ({ signal }) => unwrap(await api.GET("/api/leads/lost-reasons/", { signal })),
    staleTime: 10 * 60_000,
  });

/** Who a lead of `branch` may be assigned to (`assignees/`): one page of up to 100, by username. */
export const assigneesQueryOptions = (branch: number) =>
  queryOptions({
    queryKey: ["assignees", branch],
    queryFn: async ({ signal }) =>
      unwrap(await api.GET("/api/leads/assignees/", { params: { query: { branch, page_size: 100 } }, signal })).results,
    staleTime: 5 * 60_000,
  });

export const useLead = (id: number) => useQuery(leadQueryOptions(id));
export const useLeadFollowUps = (id: number) => useQuery(leadFollowUpsQueryOptions(id));
export const useLeadHistory = (id: number) => useQuery(leadHistoryQueryOptions(id));
export const useLostReasons = () => useQuery(lostReasonsQueryOptions());
export const useAssignees = (branch: number) => useQuery(assigneesQueryOptions(branch));

export type LeadPatch = Schemas["PatchedLeadUpdateInputRequest"];

export function useUpdateLead(id: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: LeadPatch) => unwrap(await api.PATCH("/api/leads/update/{id}/", { params: { path: { id } }, body })),
    onSuccess: (lead) => queryClient.setQueryData(["lead", id], lead),
    onSettled: () => invalidateData(queryClient),
  });
}

export function useConvertLead(id: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async () => unwrap(await api.PUT("/api/leads/convert/{id}/", { params: { path: { id } }, body: {} })),
    onSettled: () => invalidateData(queryClient),
  });
}

export function useLoseLead(id: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: Schemas["LeadLostWithCodeRequest"]) =>
      unwrap(await api.PUT("/api/leads/lost/{id}/", { params: { path: { id } }, body })),
    onSettled: () => invalidateData(queryClient),
  });
}
