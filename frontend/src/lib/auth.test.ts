import { takeEmbeddedMe } from "./auth";

function page(html: string): Document {
  return new DOMParser().parseFromString(`<!doctype html><html><head>${html}</head><body></body></html>`, "text/html");
}

const ME = { id: 3, username: "branch_a1", is_staff: false, is_superuser: false, memberships: [] };

describe("takeEmbeddedMe", () => {
  it("reads the page's copy of /api/me/ once, then it is gone", () => {
    const doc = page(`<script id="desk-me" type="application/json">${JSON.stringify(ME)}</script>`);
    expect(takeEmbeddedMe(doc)).toEqual(ME);
    expect(doc.getElementById("desk-me")).toBeNull();
    expect(takeEmbeddedMe(doc)).toBeUndefined();
  });

  it("is nothing for a visitor who is not signed in, or for a damaged block", () => {
    expect(takeEmbeddedMe(page(""))).toBeUndefined();
    expect(takeEmbeddedMe(page(`<script id="desk-me" type="application/json">{not json</script>`))).toBeUndefined();
    expect(takeEmbeddedMe(page(`<script id="desk-me" type="application/json">null</script>`))).toBeUndefined();
  });
});

describe("managers and invitations", () => {
  it("lets org admins of the branch's organization and staff add managers, not branch managers", async () => {
    const { canAddManagers } = await import("./auth");
    const base = { id: 1, username: "u", is_staff: false, is_superuser: false };
    const membership = (role: string, organization: number) => ({ organization, organization_name: "", branch: null, branch_name: null, branch_code: null, role });
    expect(canAddManagers({ ...base, memberships: [membership("org_admin", 4)] } as never, 4)).toBe(true);
    expect(canAddManagers({ ...base, memberships: [membership("org_admin", 5)] } as never, 4)).toBe(false);
    expect(canAddManagers({ ...base, memberships: [membership("branch_manager", 4)] } as never, 4)).toBe(false);
    expect(canAddManagers({ ...base, is_staff: true, memberships: [] } as never, 4)).toBe(true);
  });

  it("reads an invitation from the link's fragment, or nothing when a part is missing", async () => {
    const { invitationFromHash } = await import("./auth");
    expect(invitationFromHash("#uid=OQ&token=abc-123")).toEqual({ uid: "OQ", token: "abc-123" });
    expect(invitationFromHash("#uid=OQ")).toBeNull();
    expect(invitationFromHash("")).toBeNull();
  });
});
