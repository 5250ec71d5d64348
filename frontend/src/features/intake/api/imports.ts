// Imports: upload (a dry run first, then the real run) and the report, polled until it is done.
import { queryOptions, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "../../../lib/api/client";
import { invalidateData } from "../../../lib/query-client";

export interface ImportUpload {
  file: File;
  branch: number;
  mode: Schemas["ModeEnum"];
  dryRun: boolean;
}

export function useStartImport() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ file, branch, mode, dryRun }: ImportUpload) => {
      const form = new FormData();
      form.append("file", file);
      form.append("branch", String(branch));
      form.append("mode", mode);
      form.append("dry_run", dryRun ? "true" : "false");
      return unwrap(
        await api.POST("/api/leads/imports/", {
          // multipart: the browser sets the boundary; the typed body is the form's fields.
          body: form as unknown as Schemas["LeadImportInputRequest"],
          bodySerializer: (body) => body as unknown as FormData,
        }),
      );
    },
    onSuccess: (_created, upload) => {
      if (!upload.dryRun) void invalidateData(queryClient);
    },
  });
}

const FINISHED = new Set(["done", "failed"]);

export const importQueryOptions = (id: number) =>
  queryOptions({
    queryKey: ["imports", id],
    queryFn: async ({ signal }) => unwrap(await api.GET("/api/leads/imports/{id}/", { params: { path: { id } }, signal })),
    refetchInterval: (query) => (query.state.data && FINISHED.has(String(query.state.data.status)) ? false : 1500),
  });

export const useImport = (id: number | null) => useQuery({ ...importQueryOptions(id ?? 0), enabled: id !== null });
