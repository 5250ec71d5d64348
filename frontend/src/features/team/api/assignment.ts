// The managers' reads and writes: the branches they manage, the unassigned queue, bulk assign, the
// branch's rule, its team's queues and its members (leads/views/team.py).
import { keepPreviousData, queryOptions, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "../../../lib/api/client";
import { invalidateData, PAGE_SIZE } from "../../../lib/query-client";

export type TeamMember = Schemas["TeamMemberOutput"];
export type Strategy = Schemas["StrategyEnum"];
export type NewMember = Schemas["MemberCreateInputRequest"];

export const managedBranchesQueryOptions = () =>
  queryOptions({
    queryKey: ["managed-branches"],
    queryFn: async ({ signal }) => unwrap(await api.GET("/api/leads/branches/", { params: { query: { page_size: 100 } }, signal })).results,
    staleTime: 5 * 60_000,
  });

/** A branch's leads assigned to nobody, newest first, one page of the desk's size. */
export const unassignedQueryOptions = (branch: number, page: number) =>
  queryOptions({
    queryKey: ["leads", "unassigned", branch, page],
    queryFn: async ({ signal }) =>
      unwrap(
        await api.GET("/api/leads/list/", {
          params: { query: { branch_id: branch, unassigned: "true", is_open: "true", page, page_size: PAGE_SIZE } },
          signal,
        }),
      ),
    placeholderData: keepPreviousData,
  });

/** Who a lead of `branch` may be assigned to (`assignees/`), by username. */
export const branchAssigneesQueryOptions = (branch: number) =>
  queryOptions({
    queryKey: ["assignees", branch],
    queryFn: async ({ signal }) =>
      unwrap(await api.GET("/api/leads/assignees/", { params: { query: { branch, page_size: 100 } }, signal })).results,
    staleTime: 5 * 60_000,
  });

export const teamQueryOptions = (branch: number) =>
  queryOptions({
    queryKey: ["team", branch],
    queryFn: async ({ signal }) => unwrap(await api.GET("/api/leads/branches/{branch_id}/team/", { params: { path: { branch_id: branch } }, signal })),
  });

export const assignmentRuleQueryOptions = (branch: number) =>
  queryOptions({
    queryKey: ["assignment-rule", branch],
    queryFn: async ({ signal }) =>
      unwrap(await api.GET("/api/leads/branches/{branch_id}/assignment-rule/", { params: { path: { branch_id: branch } }, signal })),
  });

export const useManagedBranches = () => useQuery(managedBranchesQueryOptions());
export const useUnassignedLeads = (branch: number, page: number) => useQuery(unassignedQueryOptions(branch, page));
export const useBranchAssignees = (branch: number) => useQuery(branchAssigneesQueryOptions(branch));
export const useTeam = (branch: number) => useQuery(teamQueryOptions(branch));
export const useAssignmentRule = (branch: number) => useQuery(assignmentRuleQueryOptions(branch));

export function useAssignLeads() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: Schemas["LeadAssignInputRequest"]) => unwrap(await api.POST("/api/leads/assign/", { body })),
    onSettled: () => invalidateData(queryClient),
  });
}

export function useSetAssignmentRule(branch: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (strategy: Strategy) =>
      unwrap(await api.PUT("/api/leads/branches/{branch_id}/assignment-rule/", { params: { path: { branch_id: branch } }, body: { strategy } })),
    onSuccess: (rule) => queryClient.setQueryData(["assignment-rule", branch], rule),
  });
}

export function useUpdateMember(branch: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ userId, ...body }: { userId: number } & Schemas["PatchedMemberUpdateInputRequest"]) =>
      unwrap(
        await api.PATCH("/api/leads/branches/{branch_id}/members/{user_id}/", {
          params: { path: { branch_id: branch, user_id: userId } },
          body,
        }),
      ),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ["team", branch] }),
  });
}

export function useAddMember(branch: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: NewMember) =>
      unwrap(await api.POST("/api/leads/branches/{branch_id}/members/", { params: { path: { branch_id: branch } }, body })),
    onSuccess: () => invalidateData(queryClient),
  });
}

export function useDeactivateMember(branch: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (userId: number) =>
      unwrap(
        await api.POST("/api/leads/branches/{branch_id}/members/{user_id}/deactivate/", {
          params: { path: { branch_id: branch, user_id: userId } },
        }),
      ),
    onSettled: () => invalidateData(queryClient),
  });
}
