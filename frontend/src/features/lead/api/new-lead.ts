// A new lead, and the duplicate warnings shown while it is typed (`duplicates/`), before anything is saved.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { api, unwrap, type Schemas } from "../../../lib/api/client";
import { invalidateData } from "../../../lib/query-client";

export type NewLead = Schemas["LeadCreateInputRequest"];

export function useCreateLead() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: NewLead) => unwrap(await api.POST("/api/leads/create/", { body })),
    onSettled: () => invalidateData(queryClient),
  });
}

export interface IdentityTyped {
  contact_number?: string;
  cnic?: string;
  passport_number?: string;
}

export function useDebounced<T>(value: T, delay = 400): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = window.setTimeout(() => setDebounced(value), delay);
    return () => window.clearTimeout(timer);
  }, [value, delay]);
  return debounced;
}

/** The identity fields worth asking about: long enough to be one (no request on every key stroke). */
export function duplicateQuery(typed: IdentityTyped): IdentityTyped | null {
  const query: IdentityTyped = {};
  const digits = (value = "") => value.replace(/\D/g, "");
  if (digits(typed.contact_number).length >= 10) query.contact_number = typed.contact_number?.trim();
  if (digits(typed.cnic).length === 13) query.cnic = typed.cnic?.trim();
  if ((typed.passport_number ?? "").replace(/\s/g, "").length >= 8) query.passport_number = typed.passport_number?.trim();
  return Object.keys(query).length ? query : null;
}

export type DuplicatesAnswer = Schemas["DuplicateCheckOutput"];

/** `duplicates/`'s answer, or null when the API is busy: it shares the per-user `search` rate, and a
 * 429 there is no reason to trouble someone typing (the create's own answer warns again). */
export async function fetchDuplicates(query: IdentityTyped & { branch?: number }, signal?: AbortSignal): Promise<DuplicatesAnswer | null> {
  const result = await api.GET("/api/leads/duplicates/", { params: { query }, signal });
  if (result.response.status === 429) return null;
  return unwrap(result);
}

/** The warnings for what is being typed, asked once typing pauses; `branch` (the lead's) picks the organization. */
export function useDuplicates(typed: IdentityTyped, branch?: number) {
  // Debounce the text, not the object (a new object each render would restart the timer forever).
  const settled = useDebounced(JSON.stringify(typed));
  const query = duplicateQuery(JSON.parse(settled) as IdentityTyped);
  return useQuery({
    queryKey: ["duplicates", query, branch],
    queryFn: ({ signal }) => fetchDuplicates({ ...query, ...(branch ? { branch } : {}) }, signal),
    enabled: query !== null,
    retry: false,
    // A throttled answer (null) is asked again when the same value is next settled on; a real one is kept a minute.
    staleTime: (cached) => (cached.state.data === null ? 0 : 60_000),
  });
}
