// The desk at 360 px wide (a small Android phone): every page fits, nothing scrolls sideways
// (document.documentElement.scrollWidth <= 360). docs/images/my-day-phone.png comes from here.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { assertNoSidewaysScroll, launch, newPage, screenshot, signIn } from "../lib/desk.mjs";

const WIDTH = 360;

describe("the desk at 360 px", () => {
  let browser;

  before(async () => {
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
  });

  async function fits(page, name) {
    await assertNoSidewaysScroll(page, name);
    assert.ok(await page.evaluate((width) => document.documentElement.scrollWidth <= width, WIDTH), name);
  }

  it("branch_a1's pages fit: sign-in, My day, Find, a lead's card, new lead, who owes", async () => {
    const { page, problems } = await newPage(browser, { width: WIDTH, height: 780 });
    await page.goto("/desk/signin");
    await page.getByRole("heading", { level: 1 }).waitFor();
    await fits(page, "sign-in");
    await signIn(page, "branch_a1");
    await page.getByRole("region", { name: /Today's follow-ups/ }).getByRole("listitem").first().waitFor();
    await fits(page, "my day");
    await screenshot(page, "my-day-phone");
    await screenshot(page, "my-day-phone-full", { fullPage: true });

    // The record-a-call form opened in a row: still no sideways scroll.
    await page.getByRole("button", { name: "Record a call Muhammad Asif" }).click();
    await page.getByRole("form", { name: "Call with Muhammad Asif" }).waitFor();
    await fits(page, "my day with the call form open");
    await screenshot(page, "my-day-phone-call-form");

    await page.goto("/desk/find?q=Muhammad%20Asif");
    await page.getByRole("region", { name: /Leads/ }).getByRole("link", { name: "Muhammad Asif", exact: true }).click();
    await page.getByRole("region", { name: "Timeline" }).getByRole("listitem").first().waitFor();
    await fits(page, "lead card");
    await screenshot(page, "lead-card-phone", { fullPage: true });

    await page.goto("/desk/leads/new");
    await page.getByRole("heading", { level: 1, name: "New lead" }).waitFor();
    await fits(page, "new lead");
    await page.goto("/desk/loans");
    await page.getByRole("heading", { name: /Customers with overdue promises/ }).waitFor();
    await fits(page, "who owes");
    assert.deepEqual(problems, []);
  });

  it("orgadmin_a's dashboard and import page fit", async () => {
    const { page, problems } = await newPage(browser, { width: WIDTH, height: 780 });
    await signIn(page, "orgadmin_a");
    await page.goto("/desk/dashboard");
    await page.getByRole("img", { name: "Money owed, by days late" }).waitFor();
    await fits(page, "dashboard");
    await screenshot(page, "dashboard-phone", { fullPage: true });
    await page.goto("/desk/intake");
    await page.getByRole("heading", { name: "Import a register" }).waitFor();
    await fits(page, "import");
    assert.deepEqual(problems, []);
  });
});
