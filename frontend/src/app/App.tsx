import { QueryClientProvider } from "@tanstack/react-query";
import { useState } from "react";
import { RouterProvider } from "react-router";
import { meQueryOptions, takeEmbeddedMe } from "../lib/auth";
import { createQueryClient } from "../lib/query-client";
import { createDeskRouter } from "./router";

export function App() {
  const [queryClient] = useState(() => {
    const client = createQueryClient();
    // Signed in already: the page carries who (no /api/me/ round trip before the first page's reads).
    const me = takeEmbeddedMe();
    if (me) client.setQueryData(meQueryOptions().queryKey, me);
    return client;
  });
  const [router] = useState(() => createDeskRouter());
  return (
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>
  );
}
