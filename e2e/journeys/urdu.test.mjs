// The desk in Urdu: switched on the sign-in page, right to left, Urdu strings, remembered after a
// reload; the lead card in Urdu at a phone's width (docs/images/lead-card-urdu.png comes from here).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { assertNoSidewaysScroll, checkAxe, journeySteps, launch, newPage, PASSWORD, screenshot } from "../lib/desk.mjs";

describe("the desk in Urdu", () => {
  const step = journeySteps(it);
  let browser;
  let page;
  let problems;

  before(async () => {
    browser = await launch();
    ({ page, problems } = await newPage(browser, { width: 390, height: 844 }));
  });
  after(async () => {
    await browser?.close();
  });

  const documentLanguage = () => page.evaluate(() => [document.documentElement.lang, document.documentElement.dir]);

  step("switches to Urdu on the sign-in page and signs in with the Urdu form (axe: sign-in in Urdu)", async () => {
    await page.goto("/desk/signin");
    await page.getByRole("button", { name: /^اردو/ }).click();
    await page.getByRole("heading", { level: 1, name: "برانچ ڈیسک میں سائن ان کریں" }).waitFor();
    assert.deepEqual(await documentLanguage(), ["ur", "rtl"]);
    await checkAxe(page, "sign-in (ur)");
    await page.getByLabel("صارف نام").fill("branch_a1");
    await page.getByLabel("پاس ورڈ").fill(PASSWORD);
    await page.getByRole("button", { name: "سائن ان" }).click();
    await page.getByRole("heading", { level: 1, name: "میرا دن" }).waitFor();
  });

  step("My day in Urdu, still Urdu after a reload (axe: my-day in Urdu)", async () => {
    await page.reload();
    await page.getByRole("heading", { level: 1, name: "میرا دن" }).waitFor();
    assert.deepEqual(await documentLanguage(), ["ur", "rtl"]);
    for (const heading of ["رہ جانے والے فالو اپ", "آج کے فالو اپ"]) {
      await page.getByRole("heading", { level: 2, name: new RegExp(heading) }).waitFor();
    }
    await page.getByRole("navigation", { name: "ڈیسک" }).getByRole("link", { name: "تلاش" }).waitFor();
    await assertNoSidewaysScroll(page, "my day (ur)");
    await checkAxe(page, "my-day (ur)");
    await screenshot(page, "my-day-urdu", { fullPage: true });
  });

  step("a lead's card in Urdu (axe: lead card in Urdu)", async () => {
    await page.getByRole("link", { name: "Muhammad Asif", exact: true }).first().click();
    await page.getByRole("heading", { level: 1, name: "Muhammad Asif" }).waitFor();
    const call = page.getByRole("region", { name: "کال درج کریں" });
    await call.waitFor();
    await page.getByRole("region", { name: "تاریخچہ" }).getByRole("listitem").first().waitFor();
    await assertNoSidewaysScroll(page, "lead card (ur)");
    await checkAxe(page, "lead-card (ur)");
    await screenshot(page, "lead-card-urdu");
    await screenshot(page, "lead-card-urdu-full", { fullPage: true });
    assert.deepEqual(problems, []);
  });
});
