// Intake sources (org admins): the list, a new source (its key comes back this once), revoking a key.
import { queryOptions, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "../../../lib/api/client";

export type IntakeSource = Schemas["IntakeSourceOutput"];
export type CreatedIntakeSource = Schemas["IntakeSourceCreated"];
export type NewIntakeSource = Schemas["IntakeSourceCreateInputRequest"];

export const intakeSourcesQueryOptions = () =>
  queryOptions({
    queryKey: ["intake-sources"],
    queryFn: async ({ signal }) =>
      unwrap(await api.GET("/api/leads/intake-sources/", { params: { query: { page_size: 100 } }, signal })),
  });

export const useIntakeSources = () => useQuery(intakeSourcesQueryOptions());

export function useCreateIntakeSource() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: NewIntakeSource) => unwrap(await api.POST("/api/leads/intake-sources/", { body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["intake-sources"] }),
  });
}

export function useRevokeIntakeSource() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (id: number) =>
      unwrap(await api.POST("/api/leads/intake-sources/{id}/revoke/", { params: { path: { id } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["intake-sources"] }),
  });
}
