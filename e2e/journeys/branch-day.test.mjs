// branch_a1's day on the desk, in the order a branch user lives it: sign in, My day, find a customer
// by the number as they read it out, two calls, a promise, a part payment and its receipt, a lost
// lead; axe-core on every page on the way and the request count of each page's load.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  checkAxe, countRequests, daysFromToday, journeySteps, launch, newPage, record, screenshot, signIn,
} from "../lib/desk.mjs";

const PHONE_AS_TYPED = "0321 5550123";
const CUSTOMER = "Ayesha Khan";

describe("branch_a1's day", () => {
  const step = journeySteps(it);
  let browser;
  let page;
  let requests;
  let problems;
  let leadPath;

  before(async () => {
    browser = await launch();
    ({ page, requests, problems } = await newPage(browser));
  });
  after(async () => {
    await browser?.close();
  });

  step("signs in through the desk's form (axe: sign-in)", async () => {
    const load = await countRequests(page, requests, "/desk/signin", () =>
      page.getByRole("heading", { level: 1, name: "Sign in to the branch desk" }).waitFor(),
    );
    record("requests", "sign-in", load);
    await checkAxe(page, "sign-in");
    await screenshot(page, "sign-in");
    await signIn(page, "branch_a1");
  });

  step("My day lists today's follow-ups with the customer, in at most 3 API requests (axe: my-day)", async () => {
    const load = await countRequests(page, requests, "/desk/", () =>
      page.getByRole("region", { name: /Today's follow-ups/ }).getByRole("link", { name: CUSTOMER, exact: true }).waitFor(),
    );
    record("requests", "my-day", load);
    assert.ok(load.api <= 3, `My day made ${load.api} API requests: ${load.apiPaths.join(", ")}`);
    const today = page.getByRole("region", { name: /Today's follow-ups/ });
    await today.getByRole("link", { name: `Call ${CUSTOMER} on +923215550123` }).waitFor();
    await today.getByRole("link", { name: `WhatsApp ${CUSTOMER}` }).waitFor();
    await checkAxe(page, "my-day");
    await screenshot(page, "my-day", { fullPage: true });
  });

  step(`finds the customer by "${PHONE_AS_TYPED}" (axe: find)`, async () => {
    const load = await countRequests(page, requests, "/desk/find", () =>
      page.getByRole("heading", { level: 1, name: "Find a customer" }).waitFor(),
    );
    record("requests", "find", load);
    await page.getByRole("searchbox", { name: "Name, phone, passport or CNIC" }).fill(PHONE_AS_TYPED);
    await page.getByRole("button", { name: "Find", exact: true }).click();
    const results = page.getByRole("region", { name: /Leads/ });
    await results.getByRole("link", { name: CUSTOMER, exact: true }).waitFor();
    assert.equal(await results.getByRole("listitem").count(), 1);
    await checkAxe(page, "find");
    await screenshot(page, "find");
    await results.getByRole("link", { name: CUSTOMER, exact: true }).click();
    await page.getByRole("heading", { level: 1, name: CUSTOMER }).waitFor();
    leadPath = new URL(page.url()).pathname;
  });

  step("the lead card loads on its own (axe: lead card)", async () => {
    const load = await countRequests(page, requests, leadPath, async () => {
      await page.getByRole("heading", { level: 1, name: CUSTOMER }).waitFor();
      for (const region of ["Record a call", "Outcome of the lead", "Payment promises", "Timeline"]) {
        await page.getByRole("region", { name: region }).waitFor();
      }
      await page.getByRole("region", { name: "Timeline" }).getByRole("listitem").first().waitFor();
    });
    assert.deepEqual(problems, [], "the lead card rendered without a script error");
    record("requests", "lead-card", load);
    await checkAxe(page, "lead-card");
    await screenshot(page, "lead-card", { fullPage: true });
  });

  step("records a no-answer call, then an answered one with a quick pick for the next follow-up", async () => {
    const call = page.getByRole("region", { name: "Record a call" });
    await call.getByRole("radio", { name: "No answer" }).check();
    await checkAxe(page, "lead-card: call form");
    await call.getByLabel("What was said").fill("Rang twice, no answer.");
    await call.getByRole("button", { name: "Save the call" }).click();
    const timeline = page.getByRole("region", { name: "Timeline" });
    await timeline.getByText("Call · No answer").waitFor();

    await call.getByRole("radio", { name: "Answered" }).check();
    await call.getByLabel("What was said").fill("Wants the Ramadan package for four; will pay in parts.");
    await call.getByRole("button", { name: "Next week" }).click();
    await call.getByRole("button", { name: "Save the call" }).click();
    await timeline.getByText("Call · Answered").waitFor();
    await timeline.getByText(/Wants the Ramadan package for four; will pay in parts\. → \d{4}-\d{2}-\d{2}/).waitFor();
  });

  step("adds a promise, records a part payment and opens its receipt", async () => {
    const loans = page.getByRole("region", { name: "Payment promises" });
    await loans.getByRole("button", { name: "Add a promise" }).click();
    const promise = loans.getByRole("form", { name: "Add a promise" });
    await checkAxe(page, "lead-card: promise form");
    await promise.getByLabel("Amount").fill("90000");
    await promise.getByLabel("Promised by").fill(daysFromToday(20));
    await promise.getByLabel("Remarks").fill("After the salary.");
    await promise.getByRole("button", { name: "Add a promise" }).click();
    await loans.getByText("Pending").waitFor();

    await loans.getByRole("button", { name: "Record a payment" }).click();
    const payment = loans.getByRole("form", { name: "Record a payment" });
    await checkAxe(page, "lead-card: payment form");
    await payment.getByLabel("Amount").fill("30000");
    await payment.getByLabel("Method").selectOption({ label: "Cash" });
    await payment.getByRole("button", { name: "Record a payment" }).click();
    const receiptLink = loans.getByRole("link", { name: /^Receipt / });
    await receiptLink.waitFor();
    const receiptNumber = (await receiptLink.textContent()).replace(/^Receipt /, "").trim();
    await loans.getByText(/Balance: .*60,000/).waitFor(); // 90,000 promised, 30,000 paid

    const [receipt] = await Promise.all([page.context().waitForEvent("page"), receiptLink.click()]);
    await receipt.waitForLoadState();
    const text = await receipt.locator("body").innerText();
    assert.ok(text.includes(receiptNumber), `the receipt page shows ${receiptNumber}`);
    assert.ok(text.includes(CUSTOMER));
    await screenshot(receipt, "receipt");
    await receipt.close();
  });

  step("loses the lead for price", async () => {
    const actions = page.getByRole("region", { name: "Outcome of the lead" });
    await actions.getByRole("button", { name: "Mark lost" }).click();
    const lose = actions.getByRole("form", { name: "Why was the lead lost?" });
    await checkAxe(page, "lead-card: lost form");
    await lose.getByLabel("Reason").selectOption({ label: "Price" });
    await lose.getByRole("button", { name: "Mark lost" }).click();
    await actions.getByText("This lead is Lost.").waitFor();
    await page.getByRole("region", { name: "Timeline" }).getByText(/lead_status: .* → lost/).waitFor();
  });

  step("new lead and who owes pass axe and load in few requests", async () => {
    const newLead = await countRequests(page, requests, "/desk/leads/new", () =>
      page.getByRole("heading", { level: 1, name: "New lead" }).waitFor(),
    );
    record("requests", "new-lead", newLead);
    await checkAxe(page, "new-lead");
    await screenshot(page, "new-lead");

    const whoOwes = await countRequests(page, requests, "/desk/loans", () =>
      page.getByRole("heading", { level: 1, name: "Who owes" }).waitFor().then(() => page.getByRole("link", { name: "Rubina Aslam" }).first().waitFor()),
    );
    record("requests", "who-owes", whoOwes);
    await checkAxe(page, "who-owes");
    await screenshot(page, "who-owes", { fullPage: true });
    assert.deepEqual(problems, []);
  });
});
