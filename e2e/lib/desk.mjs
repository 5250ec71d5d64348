// What every journey shares: Debian's Chromium through playwright-core (never a downloaded browser),
// sign-in through the desk's form, axe-core run inside the page, request counting and screenshots.
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
export const HERE = dirname(dirname(fileURLToPath(import.meta.url)));
export const OUTPUT = join(HERE, "output");
export const BASE_URL = process.env.E2E_BASE_URL ?? "http://127.0.0.1:8021";
export const CHROME_PATH = process.env.CHROME_PATH ?? "/usr/bin/chromium";
export const PASSWORD = "demo-pass-123";
// The brief's flags: no network of the browser's own (updates, sync, field trials), no GPU, no QUIC.
// Playwright adds --headless and a fresh --user-data-dir (a new temporary profile per launch).
export const CHROME_FLAGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-dev-shm-usage",
];
const AXE_SOURCE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
mkdirSync(OUTPUT, { recursive: true });

export async function launch() {
  return chromium.launch({ executablePath: CHROME_PATH, headless: true, args: CHROME_FLAGS });
}

/** A fresh context (no cookies, English unless told) whose page records every request it makes. */
export async function newPage(browser, { width = 1280, height = 900, language } = {}) {
  const context = await browser.newContext({
    baseURL: BASE_URL,
    viewport: { width, height },
    acceptDownloads: true,
    locale: "en-GB",
  });
  if (language) {
    await context.addInitScript((value) => window.localStorage.setItem("desk.language", value), language);
  }
  const page = await context.newPage();
  page.setDefaultTimeout(Number(process.env.E2E_TIMEOUT ?? 30_000));
  const requests = [];
  page.on("request", (request) => requests.push(request.url()));
  const problems = [];
  page.on("pageerror", (error) => problems.push(String(error)));
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(message.text());
  });
  return { context, page, requests, problems };
}

export async function signIn(page, username, { heading = "My day" } = {}) {
  await page.goto("/desk/signin");
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { level: 1, name: heading }).waitFor();
}

/** Requests of one page load: from `goto` until the network is quiet and `ready` resolved. */
export async function countRequests(page, requests, path, ready) {
  const start = requests.length;
  await page.goto(path, { waitUntil: "load" });
  await ready();
  await page.waitForLoadState("networkidle");
  const made = requests.slice(start).filter((url) => url.startsWith(BASE_URL));
  const api = made.filter((url) => new URL(url).pathname.startsWith("/api/"));
  return { total: made.length, api: api.length, apiPaths: api.map((url) => new URL(url).pathname) };
}

const FIGURES = join(OUTPUT, "figures.json");

/** Append a figure (axe results, request counts) to e2e/output/figures.json for the report. */
export function record(kind, name, value) {
  let figures = {};
  try {
    figures = JSON.parse(readFileSync(FIGURES, "utf8"));
  } catch {
    figures = {};
  }
  figures[kind] = { ...(figures[kind] ?? {}), [name]: value };
  writeFileSync(FIGURES, `${JSON.stringify(figures, null, 2)}\n`);
}

/**
 * axe-core in the page (evaluated through the DevTools protocol, so the CSP's script-src 'self'
 * still holds for the page's own scripts); fails on any serious or critical violation.
 */
export async function checkAxe(page, name) {
  await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate(() =>
    window.axe.run(document, { resultTypes: ["violations"], runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] } }),
  );
  const violations = result.violations.map((violation) => ({
    id: violation.id,
    impact: violation.impact,
    nodes: violation.nodes.length,
    targets: violation.nodes.slice(0, 3).map((node) => node.target.join(" ")),
  }));
  const blocking = violations.filter((violation) => violation.impact === "serious" || violation.impact === "critical");
  record("axe", name, { serious_or_critical: blocking.length, other: violations.length - blocking.length, violations });
  assert.deepEqual(blocking, [], `axe on ${name}: ${JSON.stringify(blocking, null, 2)}`);
  return violations;
}

export async function screenshot(page, name, options = {}) {
  await page.screenshot({ path: join(OUTPUT, `${name}.png`), ...options });
}

/** The page fits its viewport: no sideways scrolling. */
export async function assertNoSidewaysScroll(page, name) {
  const { scrollWidth, width } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    width: window.innerWidth,
  }));
  assert.ok(scrollWidth <= width, `${name}: scrollWidth ${scrollWidth} > ${width}`);
}

/** The business day as the server sees it (the desk's own clock could differ near midnight). */
export function isoDate(date) {
  return date.toISOString().slice(0, 10);
}

export function daysFromToday(days) {
  const date = new Date();
  date.setUTCDate(date.getUTCDate() + days);
  return isoDate(date);
}

/**
 * `it` for the steps of one journey: each step needs the one before, so after a failure the rest are
 * skipped (named in the output) instead of each waiting out its timeout.
 */
export function journeySteps(it) {
  let failed = null;
  return (name, fn) =>
    it(name, async (context) => {
      if (failed) {
        context.skip(`needs "${failed}", which failed`);
        return;
      }
      try {
        await fn(context);
      } catch (error) {
        failed = name;
        throw error;
      }
    });
}
