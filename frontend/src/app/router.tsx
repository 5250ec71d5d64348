import { createBrowserRouter, createMemoryRouter, type RouteObject } from "react-router";
import { Layout } from "./Layout";

// Each page is its own chunk (route-level code splitting); the first load is the shell and My day.
export const routes: RouteObject[] = [
  {
    // Pages load lazily; nothing to show (and no warning) while the first one arrives.
    HydrateFallback: () => null,
    children: [
      { path: "signin", lazy: () => import("./routes/sign-in") },
      { path: "welcome", lazy: () => import("./routes/welcome") },
      {
        element: <Layout />,
        children: [
          { index: true, lazy: () => import("./routes/my-day") },
          { path: "find", lazy: () => import("./routes/find") },
          { path: "leads/new", lazy: () => import("./routes/new-lead") },
          { path: "leads/:id", lazy: () => import("./routes/lead") },
          { path: "loans", lazy: () => import("./routes/who-owes") },
          { path: "dashboard", lazy: () => import("./routes/dashboard") },
          { path: "intake", lazy: () => import("./routes/intake") },
          { path: "intake-sources", lazy: () => import("./routes/intake-sources") },
          { path: "unassigned", lazy: () => import("./routes/unassigned") },
          { path: "team", lazy: () => import("./routes/team") },
          { path: "channels", lazy: () => import("./routes/channels") },
          { path: "*", lazy: () => import("./routes/not-found") },
        ],
      },
    ],
  },
];

export const BASENAME = "/desk";

export function createDeskRouter() {
  return createBrowserRouter(routes, { basename: BASENAME });
}

/** For tests: the same routes at a given address, in memory. */
export function createTestRouter(initialEntries: string[]) {
  return createMemoryRouter(routes, { initialEntries });
}
