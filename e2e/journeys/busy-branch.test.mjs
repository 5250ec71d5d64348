// My day on a branch with 2,000 follow-ups due today (branch A9, e2e/seed_busy_branch.py): the page
// shows the count and one API page of rows, never all 2,000, in at most 3 API requests; the pager
// moves to the next page.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { countRequests, journeySteps, launch, newPage, record, signIn } from "../lib/desk.mjs";

const PAGE_SIZE = 20; // frontend/src/lib/query-client.ts

describe("My day with 2,000 due", () => {
  const step = journeySteps(it);
  let browser;
  let page;
  let requests;

  before(async () => {
    browser = await launch();
    ({ page, requests } = await newPage(browser));
  });
  after(async () => {
    await browser?.close();
  });

  const today = () => page.getByRole("region", { name: /Today's follow-ups/ });

  step("shows 2,000 counted and one page of rows", async () => {
    await signIn(page, "branch_busy");
    const load = await countRequests(page, requests, "/desk/", () => today().getByRole("listitem").first().waitFor());
    record("requests", "my-day (2,000 due)", load);
    assert.ok(load.api <= 3, `${load.api} API requests: ${load.apiPaths.join(", ")}`);
    await today().getByRole("heading", { name: /Today's follow-ups\s*2000/ }).waitFor();
    assert.equal(await today().getByRole("listitem").count(), PAGE_SIZE);
    assert.equal(await page.locator("li.row").count(), PAGE_SIZE, "no other list renders the due leads");
    await today().getByText(`Page 1 of ${2000 / PAGE_SIZE}`).waitFor();
  });

  step("the next page is the next 20, still 20 rows", async () => {
    const first = await today().getByRole("listitem").first().textContent();
    await today().getByRole("button", { name: "Next" }).click();
    await today().getByText(`Page 2 of ${2000 / PAGE_SIZE}`).waitFor();
    await page.waitForFunction(
      (before) => document.querySelector("li.row")?.textContent !== before,
      first,
    );
    assert.equal(await today().getByRole("listitem").count(), PAGE_SIZE);
  });
});
