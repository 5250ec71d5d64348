// branch_a1 messages a customer from the lead card: records the customer's consent (staff on a call),
// sends the payment_due_today template with its values, and sees it in the thread, sent (no WhatsApp
// number is connected on the scratch server, so the log provider "sends" it). axe-core on the card.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { checkAxe, journeySteps, launch, newPage, screenshot, signIn } from "../lib/desk.mjs";

const CUSTOMER = "Usman Tariq";

describe("branch_a1 messages a customer", () => {
  const step = journeySteps(it);
  let browser;
  let page;
  let problems;

  before(async () => {
    browser = await launch();
    ({ page, problems } = await newPage(browser));
  });
  after(async () => {
    await browser?.close();
  });

  step("opens the customer's card", async () => {
    await signIn(page, "branch_a1");
    await page.getByRole("link", { name: "Find", exact: true }).click();
    await page.getByRole("searchbox", { name: "Name, phone, passport or CNIC" }).fill(CUSTOMER);
    await page.getByRole("button", { name: "Find", exact: true }).click();
    await page.getByRole("region", { name: /Leads/ }).getByRole("link", { name: CUSTOMER, exact: true }).first().click();
    await page.getByRole("heading", { level: 1, name: CUSTOMER }).waitFor();
  });

  step("records the customer's consent", async () => {
    const messages = page.getByRole("region", { name: "Messages" });
    await messages.getByText(/Consent to messages|Agreed to WhatsApp/).first().waitFor(); // the panel has loaded
    const agree = messages.getByRole("button", { name: "Customer agrees to messages" });
    if (await agree.count()) await agree.click(); // a second run finds the consent already recorded
    await messages.getByText("Agreed to WhatsApp/SMS messages").waitFor();
  });

  step("sends a payment reminder template and sees it sent in the thread (axe: messages)", async () => {
    const messages = page.getByRole("region", { name: "Messages" });
    const form = messages.getByRole("form", { name: "Send message" });
    await form.getByLabel("Template", { exact: true }).selectOption("payment_due_today");
    await form.getByLabel("Value 1").fill(CUSTOMER);
    await form.getByLabel("Value 2").fill("PKR 25,000");
    await form.getByLabel("Value 3").fill("15-01-2030");
    await form.getByText(`Dear ${CUSTOMER}, your payment of PKR 25,000 is due today`).waitFor();
    const thread = messages.getByRole("list", { name: "Messages with the customer" });
    const before = await thread.getByRole("listitem").count(); // a second run on the same server finds its first
    await form.getByRole("button", { name: "Send message" }).click();
    await form.getByRole("status").filter({ hasText: "Queued" }).waitFor();
    // The new message (the thread reads oldest first), sent by the log provider right after the commit.
    const sent = thread.getByRole("listitem").nth(before).filter({ hasText: "PKR 25,000" }).filter({ hasText: /· sent/ });
    await sent.waitFor({ timeout: 15_000 });
    assert.match(await sent.innerText(), /To the customer · WhatsApp/);
    assert.deepEqual(problems, [], "the card rendered without a script error");
    await checkAxe(page, "messages");
    await screenshot(page, "messages", { fullPage: true });
  });
});
