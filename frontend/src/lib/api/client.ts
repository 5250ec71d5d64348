// The one API client: typed by the generated schema, same-origin session cookie, Django's CSRF
// header on writes, and every 401 announced so the app can return to the sign-in.
import createClient, { type Middleware } from "openapi-fetch";
import { CSRF_COOKIE, CSRF_HEADER, needsCsrf, readCookie } from "../csrf";
import type { components, paths } from "./schema";

export type Schemas = components["schemas"];

type UnauthorizedListener = () => void;
const unauthorizedListeners = new Set<UnauthorizedListener>();

/** Called on every 401 answer (except a failed sign-in, which the sign-in form shows itself). */
export function onUnauthorized(listener: UnauthorizedListener): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

const SESSION_PATH = "/api/auth/session/";

export const sessionMiddleware: Middleware = {
  onRequest({ request }) {
    if (needsCsrf(request.method)) {
      const token = readCookie(CSRF_COOKIE);
      if (token) request.headers.set(CSRF_HEADER, token);
    }
    return request;
  },
  onResponse({ request, response }) {
    if (response.status === 401 && new URL(request.url).pathname !== SESSION_PATH) {
      unauthorizedListeners.forEach((listener) => listener());
    }
    return response;
  },
};

export const api = createClient<paths>({
  baseUrl: typeof window === "undefined" ? "http://localhost" : window.location.origin,
  credentials: "same-origin",
  // Looked up on each call (not captured once), so tests can answer for the server.
  fetch: (request) => globalThis.fetch(request),
});
api.use(sessionMiddleware);

/** An API answer that was not a success: its status and the parsed body (DRF's error shapes). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`API answered ${status}`);
    this.name = "ApiError";
  }
}

/** The data of a success, else throws ApiError (TanStack Query then holds it as the error). */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.response.ok && result.data !== undefined) return result.data;
  if (result.response.ok) return undefined as T; // 204: no body
  throw new ApiError(result.response.status, result.error);
}
