import { fireEvent, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { renderWithProviders } from "../../test/render";
import { IntakeSources } from "./components/IntakeSources";
import { originsFromText } from "./origins";

const SNIPPET = '<form method="post" action="http://testserver/api/leads/intake/">…</form>\n';
const source = (id: number, name: string, extra: Record<string, unknown> = {}) => ({
  id, name, organization: 1, branch: 3, branch_name: "Lahore Main", lead_source: "web_form", key_prefix: "a1b2c3d4e5",
  allowed_origins: [], asks_consent: false, redirect_url: "", is_active: true, created_by: 2,
  created_at: "2026-01-01T10:00:00Z", last_used_at: null, revoked_at: null, intake_url: "http://testserver/api/leads/intake/",
  form_snippet: SNIPPET, ...extra,
});

afterEach(() => vi.unstubAllGlobals());

function api(routes: Record<string, (request: Request) => { status: number; body: unknown }>) {
  const requests: Request[] = [];
  vi.stubGlobal("fetch", async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(input, init);
    requests.push(request.clone());
    const route = routes[`${request.method} ${new URL(request.url).pathname}`];
    const answer = route ? route(request) : { status: 404, body: { detail: "Not found." } };
    return new Response(JSON.stringify(answer.body), { status: answer.status, headers: { "Content-Type": "application/json" } });
  });
  return requests;
}

describe("the intake sources page", () => {
  it("creates a source, shows its key once with a warning, then only the list", async () => {
    const listed = [source(1, "Old form")];
    const requests = api({
      "GET /api/leads/intake-sources/": () => ({ status: 200, body: { count: listed.length, next: null, previous: null, results: listed } }),
      "POST /api/leads/intake-sources/": () => {
        listed.unshift(source(2, "Website form"));
        return { status: 201, body: { ...source(2, "Website form"), key: "ik_a1b2c3d4e5_secret", form_snippet: SNIPPET.replace("…", "ik_a1b2c3d4e5_secret") } };
      },
    });
    renderWithProviders(<IntakeSources branches={[{ id: 3, name: "Lahore Main" }]} />);
    expect(await screen.findByRole("heading", { name: "Old form" })).toBeInTheDocument();

    fireEvent.change(screen.getByLabelText("Name"), { target: { value: "Website form" } });
    fireEvent.change(screen.getByLabelText("Websites allowed to post"), { target: { value: "https://www.example.com/\nhttps://www.example.com" } });
    fireEvent.click(screen.getByRole("button", { name: "Create" }));

    expect(await screen.findByText("ik_a1b2c3d4e5_secret")).toBeInTheDocument();
    expect(screen.getByRole("alert")).toHaveTextContent("shown only this once");
    expect(screen.getByRole("button", { name: "Copy the key" })).toBeInTheDocument();
    const posted = requests.find((request) => request.method === "POST");
    expect(await posted?.json()).toEqual({
      name: "Website form", branch: 3, allowed_origins: ["https://www.example.com"], asks_consent: false, redirect_url: "",
    });

    fireEvent.click(screen.getByRole("button", { name: "I have saved the key" }));
    await waitFor(() => expect(screen.queryByText("ik_a1b2c3d4e5_secret")).toBeNull());
    expect(await screen.findByRole("heading", { name: "Website form" })).toBeInTheDocument();
  });

  it("revokes a key only after confirming", async () => {
    const requests = api({
      "GET /api/leads/intake-sources/": () => ({ status: 200, body: { count: 1, next: null, previous: null, results: [source(1, "Old form")] } }),
      "POST /api/leads/intake-sources/1/revoke/": () => ({ status: 200, body: source(1, "Old form", { is_active: false }) }),
    });
    const confirm = vi.fn().mockReturnValueOnce(false).mockReturnValueOnce(true);
    vi.stubGlobal("confirm", confirm);
    renderWithProviders(<IntakeSources branches={[{ id: 3, name: "Lahore Main" }]} />);
    const revoke = await screen.findByRole("button", { name: "Revoke the key" });
    fireEvent.click(revoke);
    expect(requests.some((request) => request.url.endsWith("/revoke/"))).toBe(false);
    fireEvent.click(revoke);
    await waitFor(() => expect(requests.some((request) => request.url.endsWith("/1/revoke/"))).toBe(true));
    expect(confirm).toHaveBeenCalledWith(expect.stringContaining("Old form"));
  });

  it("shows the API's 400 on the field it names", async () => {
    api({
      "GET /api/leads/intake-sources/": () => ({ status: 200, body: { count: 0, next: null, previous: null, results: [] } }),
      "POST /api/leads/intake-sources/": () => ({ status: 400, body: { allowed_origins: ["Not an origin: 'x'."] } }),
    });
    renderWithProviders(<IntakeSources branches={[{ id: 3, name: "Lahore Main" }]} />);
    fireEvent.change(await screen.findByLabelText("Name"), { target: { value: "Form" } });
    fireEvent.change(screen.getByLabelText("Websites allowed to post"), { target: { value: "x" } });
    fireEvent.click(screen.getByRole("button", { name: "Create" }));
    expect(await screen.findByText("Not an origin: 'x'.")).toBeInTheDocument();
    expect(screen.getByLabelText("Websites allowed to post")).toHaveAttribute("aria-invalid", "true");
  });
});

describe("allowed origins typed by a person", () => {
  it("are split on lines, spaces and commas, without trailing slashes or repeats", () => {
    expect(originsFromText(" https://a.example/ ,https://b.example\n\nhttps://a.example ")).toEqual(["https://a.example", "https://b.example"]);
    expect(originsFromText("   ")).toEqual([]);
  });
});
