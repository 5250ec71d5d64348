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
