// Who is signed in (GET /api/me/) and the session sign-in/out (POST/DELETE /api/auth/session/).
// The session is Django's cookie; nothing about it is kept in browser storage.
import { queryOptions, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "./api/client";

export type Me = Schemas["Me"];

export const meQueryOptions = () =>
  queryOptions({
    queryKey: ["me"],
    queryFn: async ({ signal }) => unwrap(await api.GET("/api/me/", { signal })),
    staleTime: 5 * 60_000,
    retry: false,
  });

/**
 * The desk page's own copy of `GET /api/me/` (desk/views.py renders it as a JSON data block for a
 * signed-in visit), taken once when the app starts and removed, so a later sign-in asks the API.
 */
export function takeEmbeddedMe(doc: Document = document): Me | undefined {
  const element = doc.getElementById("desk-me");
  if (!element) return undefined;
  element.remove();
  try {
    const me = JSON.parse(element.textContent ?? "") as Me | null;
    return me && typeof me.username === "string" ? me : undefined;
  } catch {
    return undefined;
  }
}

export function useMe() {
  return useQuery(meQueryOptions());
}

/** Org admins, branch managers and staff see the dashboard and the imports. */
export function isManager(me: Me | undefined): boolean {
  if (!me) return false;
  if (me.is_staff || me.is_superuser) return true;
  return me.memberships.some((membership) => ["org_admin", "branch_manager"].includes(String(membership.role)));
}

/** Org admins and staff manage the organization's intake sources (keys, form snippets) and messaging channels. */
export function isOrgAdmin(me: Me | undefined): boolean {
  if (!me) return false;
  return me.is_staff || me.is_superuser || me.memberships.some((membership) => String(membership.role) === "org_admin");
}

/** Org admins of `organization` and staff add and deactivate branch managers; branch managers do not. */
export function canAddManagers(me: Me | undefined, organization: number): boolean {
  if (!me) return false;
  if (me.is_staff || me.is_superuser) return true;
  return me.memberships.some((membership) => membership.role === "org_admin" && membership.organization === organization);
}

/** The `uid` and `token` of an invitation link's fragment (`#uid=…&token=…`), or null when either is missing. */
export function invitationFromHash(hash: string): { uid: string; token: string } | null {
  const params = new URLSearchParams(hash.replace(/^#/, ""));
  const uid = params.get("uid");
  const token = params.get("token");
  return uid && token ? { uid, token } : null;
}

export function useAcceptInvitation() {
  return useMutation({
    mutationFn: async (body: Schemas["InvitationAcceptRequest"]) => {
      if (!document.cookie.includes("csrftoken=")) await api.GET("/api/auth/session/");
      return unwrap(await api.POST("/api/auth/invitation/", { body }));
    },
  });
}

/** The branches the user works in (a branch membership names one; an org admin's has none). */
export function branchesOf(me: Me | undefined): { id: number; name: string }[] {
  const seen = new Map<number, string>();
  for (const membership of me?.memberships ?? []) {
    if (membership.branch != null) seen.set(membership.branch, membership.branch_name ?? String(membership.branch));
  }
  return [...seen].map(([id, name]) => ({ id, name }));
}

export function useSignIn() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (credentials: Schemas["TokenRequestRequest"]) => {
      // A GET first when there is no CSRF cookie yet (the desk page sets one; this is the fallback).
      if (!document.cookie.includes("csrftoken=")) await api.GET("/api/auth/session/");
      return unwrap(await api.POST("/api/auth/session/", { body: credentials }));
    },
    onSuccess: async () => {
      queryClient.removeQueries();
      await queryClient.fetchQuery(meQueryOptions());
    },
  });
}

export function useSignOut() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async () => unwrap(await api.DELETE("/api/auth/session/")),
    onSettled: () => queryClient.clear(),
  });
}

/** Where to go after signing in: a path of the desk only (never another site). */
export function safeNext(next: string | null): string {
  return next && next.startsWith("/") && !next.startsWith("//") && !next.startsWith("/signin") ? next : "/";
}
