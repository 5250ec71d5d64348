// orgadmin_a: the dashboard's charts and numbers (each a link into the desk, never JSON), the
// exports as downloads (CSV and Excel), the import page; axe-core on each page.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { checkAxe, countRequests, journeySteps, launch, newPage, record, screenshot, signIn } from "../lib/desk.mjs";

describe("orgadmin_a's dashboard and exports", () => {
  const step = journeySteps(it);
  let browser;
  let page;
  let requests;
  let problems;

  before(async () => {
    browser = await launch();
    ({ page, requests, problems } = await newPage(browser));
  });
  after(async () => {
    await browser?.close();
  });

  step("signs in and opens the dashboard from the menu: both charts drawn (axe: dashboard)", async () => {
    await signIn(page, "orgadmin_a");
    await page.getByRole("navigation", { name: "Desk" }).getByRole("link", { name: "Dashboard" }).click();
    await page.getByRole("heading", { level: 1, name: "Dashboard" }).waitFor();
    const load = await countRequests(page, requests, "/desk/dashboard", async () => {
      await page.getByRole("img", { name: "From lead to booking" }).waitFor();
      await page.getByRole("img", { name: "Money owed, by days late" }).waitFor();
    });
    record("requests", "dashboard", load);
    // Chart.js drew on the canvases (a blank canvas is all zeros).
    const drawn = await page.getByRole("img", { name: "Money owed, by days late" }).evaluate((canvas) => {
      const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
      return pixels.some((value) => value !== 0);
    });
    assert.ok(drawn, "the aging chart is drawn");
    await checkAxe(page, "dashboard");
    await screenshot(page, "dashboard", { fullPage: true });
  });

  step("a dashboard number opens the leads it counts in the desk", async () => {
    const numbers = page.getByRole("region", { name: "Leads" });
    const link = numbers.getByRole("link", { name: /\d+ Lost/ });
    const counted = Number((await link.textContent()).match(/\d+/)[0]);
    await link.click();
    await page.getByRole("heading", { level: 1, name: "Find a customer" }).waitFor();
    assert.match(page.url(), /\/desk\/find\?.*lead_status=lost/);
    const results = page.getByRole("region", { name: /Leads/ });
    await results.getByRole("heading", { name: new RegExp(`Leads\\s*${counted}`) }).waitFor();
  });

  step("exports every lead as CSV and as Excel: real downloads, one row per lead (axe: import page)", async () => {
    await page.getByRole("navigation", { name: "Desk" }).getByRole("link", { name: "Import & export" }).click();
    await page.getByRole("heading", { level: 1, name: "Import & export" }).waitFor();
    await page.getByRole("heading", { name: "Import a register" }).waitFor();
    await checkAxe(page, "import");
    await screenshot(page, "import", { fullPage: true });
    const exports = page.getByRole("region", { name: "Export every lead" });

    const [csv] = await Promise.all([page.waitForEvent("download"), exports.getByRole("link", { name: "Export CSV" }).click()]);
    assert.match(csv.suggestedFilename(), /\.csv$/);
    const text = readFileSync(await csv.path(), "utf8").replace(/^\uFEFF/, "");
    const [header, ...rows] = text.trim().split(/\r?\n/);
    // The desk asks for readable titles and values (labels=readable); the API's default is the field names.
    assert.match(header, /(^|,)Customer name,Contact number,/, `CSV header: ${header}`);
    assert.ok(rows.length >= 20, `${rows.length} rows`);
    assert.ok(text.includes("Ayesha Khan"));

    const [xlsx] = await Promise.all([page.waitForEvent("download"), exports.getByRole("link", { name: "Export Excel" }).click()]);
    assert.match(xlsx.suggestedFilename(), /\.xlsx$/);
    const bytes = readFileSync(await xlsx.path());
    assert.equal(bytes.subarray(0, 2).toString("latin1"), "PK"); // a zip: an Office Open XML workbook
    assert.ok(bytes.length > 2000);
    assert.deepEqual(problems, []);
  });
});
