import { QueryClientProvider } from "@tanstack/react-query";
import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { RouterProvider } from "react-router";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createQueryClient } from "../lib/query-client";
import { fakeFetch } from "../test/render";
import { createTestRouter } from "./router";

const ME = { id: 3, username: "branch_a1", is_staff: false, is_superuser: false, memberships: [] };
const EMPTY_PAGE = { count: 0, next: null, previous: null, results: [] };

afterEach(() => vi.unstubAllGlobals());

describe("a 401 from any call", () => {
  it("returns to the sign-in keeping the page, and comes back to it after signing in", async () => {
    const answers: Record<string, { status: number; body?: unknown }> = {
      "/api/me/": { status: 401, body: { detail: "Authentication credentials were not provided." } },
      "/api/leads/list/": { status: 200, body: EMPTY_PAGE },
    };
    const { fetchMock, requests } = fakeFetch(answers);
    vi.stubGlobal("fetch", fetchMock);
    document.cookie = "csrftoken=token-from-django";
    const router = createTestRouter(["/find?q=0321+5550123"]);
    render(
      <QueryClientProvider client={createQueryClient()}>
        <RouterProvider router={router} />
      </QueryClientProvider>,
    );

    expect(await screen.findByRole("heading", { name: "Sign in to the branch desk" })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe("/signin");
    expect(new URLSearchParams(router.state.location.search).get("next")).toBe("/find?q=0321+5550123");

    answers["/api/me/"] = { status: 200, body: ME };
    answers["/api/auth/session/"] = { status: 200, body: { authenticated: true, username: "branch_a1", csrf_token: "new" } };
    await userEvent.type(screen.getByLabelText("Username"), "branch_a1");
    await userEvent.type(screen.getByLabelText("Password"), "demo-pass-123");
    await userEvent.click(screen.getByRole("button", { name: "Sign in" }));

    expect(await screen.findByRole("heading", { name: "Find a customer" })).toBeInTheDocument();
    expect(router.state.location.pathname + router.state.location.search).toBe("/find?q=0321+5550123");
    const signIn = requests.find((request) => request.method === "POST");
    expect(signIn?.headers.get("X-CSRFToken")).toBe("token-from-django");
    expect(signIn?.credentials).toBe("same-origin");
    await waitFor(() => expect(requests.some((request) => new URL(request.url).searchParams.get("q") === "0321 5550123")).toBe(true));
  });
});
