// The loan book: a lead's promises and payments, adding, paying and rescheduling; who owes.
import { keepPreviousData, queryOptions, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "../../../lib/api/client";
import type { paths } from "../../../lib/api/schema";
import { invalidateData, PAGE_SIZE } from "../../../lib/query-client";

export type Payment = Schemas["LoanPaymentOutput"];

// The printable receipt (HTML, opened as a page with the session cookie). Named as the schema names it,
// so a receipt path the API drops or renames fails `tsc`.
const RECEIPT_PATH = "/api/leads/loan-promise/{id}/payments/{payment_id}/receipt/" satisfies keyof paths;

export function receiptUrl(commitmentId: number, paymentId: number): string {
  return RECEIPT_PATH.replace("{id}", String(commitmentId)).replace("{payment_id}", String(paymentId));
}

export const commitmentsQueryOptions = (leadId: number) =>
  queryOptions({
    queryKey: ["lead", leadId, "commitments"],
    queryFn: async ({ signal }) =>
      unwrap(await api.GET("/api/leads/detail/{id}/loan-commitments/", { params: { path: { id: leadId }, query: { page_size: 50 } }, signal })),
  });

export const paymentsQueryOptions = (commitmentId: number) =>
  queryOptions({
    queryKey: ["payments", commitmentId],
    queryFn: async ({ signal }) =>
      unwrap(
        await api.GET("/api/leads/loan-promise/{id}/payments/", { params: { path: { id: commitmentId }, query: { page_size: 100 } }, signal }),
      ),
  });

/** Who owes: leads with an overdue promise, the most overdue money first. */
export const whoOwesQueryOptions = (page: number) =>
  queryOptions({
    queryKey: ["leads", "who-owes", page],
    queryFn: async ({ signal }) =>
      unwrap(
        await api.GET("/api/leads/list/", {
          params: { query: { has_overdue_promise: "true", ordering: ["-overdue_amount"], page, page_size: PAGE_SIZE } },
          signal,
        }),
      ),
    placeholderData: keepPreviousData,
  });

export const useCommitments = (leadId: number) => useQuery(commitmentsQueryOptions(leadId));
export const usePayments = (commitmentId: number) => useQuery(paymentsQueryOptions(commitmentId));
export const useWhoOwes = (page: number) => useQuery(whoOwesQueryOptions(page));

export function useAddPromise() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: Schemas["LoanCommitmentAddRequest"]) => unwrap(await api.POST("/api/leads/loan-promise/", { body })),
    onSettled: () => invalidateData(queryClient),
  });
}

export function useRecordPayment(commitmentId: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: Schemas["LoanPaymentInputRequest"]) =>
      unwrap(await api.POST("/api/leads/loan-promise/{id}/payments/", { params: { path: { id: commitmentId } }, body })),
    onSettled: () => invalidateData(queryClient),
  });
}

export function useReschedule(commitmentId: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: Schemas["LoanRescheduleInputRequest"]) =>
      unwrap(await api.POST("/api/leads/loan-promise/{id}/reschedule/", { params: { path: { id: commitmentId } }, body })),
    onSettled: () => invalidateData(queryClient),
  });
}
