// A lead's messages (WhatsApp/SMS): the thread, consent, the templates to send, and the org admin's channels.
import { queryOptions, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "../../../lib/api/client";

export type Message = Schemas["MessageOutput"];
export type LeadMessaging = Schemas["LeadMessagingOutput"];
export type MessageTemplate = Schemas["MessageTemplateOutput"];
export type Channel = Schemas["ChannelOutput"];
export type SendBody = Schemas["MessageSendInputRequest"];
export type ConnectBody = Schemas["ChannelConnectInputRequest"];

export const threadQueryOptions = (id: number) =>
  queryOptions({
    queryKey: ["lead", id, "messages"],
    queryFn: async ({ signal }) =>
      unwrap(await api.GET("/api/leads/detail/{id}/messages/", { params: { path: { id }, query: { page_size: 50 } }, signal })),
    // A queued message becomes sent, delivered, read in the background: look again while one is on its way.
    refetchInterval: (query) =>
      query.state.data?.results.some((message) => message.status === "queued" || message.status === "sent") ? 5000 : false,
  });

export const leadMessagingQueryOptions = (id: number) =>
  queryOptions({
    queryKey: ["lead", id, "consent"],
    queryFn: async ({ signal }) => unwrap(await api.GET("/api/leads/detail/{id}/consent/", { params: { path: { id } }, signal })),
  });

export const templatesQueryOptions = () =>
  queryOptions({
    queryKey: ["message-templates"],
    queryFn: async ({ signal }) =>
      unwrap(await api.GET("/api/messaging/templates/", { params: { query: { page_size: 100 } }, signal })).results,
    staleTime: 10 * 60_000,
  });

export const channelsQueryOptions = () =>
  queryOptions({
    queryKey: ["messaging-channels"],
    queryFn: async ({ signal }) =>
      unwrap(await api.GET("/api/messaging/channels/", { params: { query: { page_size: 100 } }, signal })).results,
  });

export const useThread = (id: number) => useQuery(threadQueryOptions(id));
export const useLeadMessaging = (id: number) => useQuery(leadMessagingQueryOptions(id));
export const useTemplates = () => useQuery(templatesQueryOptions());
export const useChannels = () => useQuery(channelsQueryOptions());

export function useRecordConsent(id: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: Schemas["ConsentInputRequest"]) =>
      unwrap(await api.PUT("/api/leads/detail/{id}/consent/", { params: { path: { id } }, body })),
    onSuccess: (data) => queryClient.setQueryData(["lead", id, "consent"], data),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ["lead", id] }),
  });
}

export function useSendMessage(id: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: SendBody) =>
      unwrap(await api.POST("/api/leads/detail/{id}/messages/", { params: { path: { id } }, body })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ["lead", id, "messages"] }),
  });
}

export function useConnectChannel() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: ConnectBody) => unwrap(await api.POST("/api/messaging/channels/", { body })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ["messaging-channels"] }),
  });
}
