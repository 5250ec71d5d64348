// A new lead, and the duplicate warnings shown while it is typed (`duplicates/`, the contract's).
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

export function useDuplicates(typed: IdentityTyped) {
  // Debounce the text, not the object (a new object each render would restart the timer forever).
  const settled = useDebounced(JSON.stringify(typed));
  const query = duplicateQuery(JSON.parse(settled) as IdentityTyped);
  return useQuery({
    queryKey: ["duplicates", query],
    queryFn: async ({ signal }) => unwrap(await api.GET("/api/leads/duplicates/", { params: { query: query ?? {} }, signal })),
    enabled: query !== null,
    retry: false,
    staleTime: 60_000,
  });
}
