// manager_a1 (branch manager of Lahore Main): a new enquiry waits in the unassigned queue and is given to
// branch_a1; a new member is added with an invitation link, which sets their password; axe on each page.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { checkAxe, journeySteps, launch, newPage, screenshot, signIn } from "../lib/desk.mjs";

describe("manager_a1 assigns the unassigned and adds a member", () => {
  const step = journeySteps(it);
  const stamp = Date.now().toString().slice(-6);
  const customer = `Zara Journey ${stamp}`;
  const username = `member_${stamp}`;
  let browser;
  let page;
  let invitation;

  before(async () => {
    browser = await launch();
    ({ page } = await newPage(browser));
  });
  after(async () => {
    await browser?.close();
  });

  step("a lead typed in without an owner waits in the unassigned queue (A1's rule is manual)", async () => {
    await signIn(page, "manager_a1");
    const nav = page.getByRole("navigation", { name: "Desk" });
    await nav.getByRole("link", { name: "New lead" }).click();
    await page.getByLabel("Customer name").fill(customer);
    await page.getByLabel("Phone", { exact: true }).fill(`0333 7${stamp}`);
    await page.getByRole("button", { name: "Save the lead" }).click();
    await page.getByRole("heading", { level: 1, name: customer }).waitFor();
    await nav.getByRole("link", { name: "Unassigned" }).click();
    await page.getByRole("heading", { level: 1, name: "Unassigned leads" }).waitFor();
    await page.getByRole("checkbox", { name: customer }).waitFor();
    await checkAxe(page, "unassigned");
    await screenshot(page, "unassigned", { fullPage: true });
  });

  step("picks it and assigns it to branch_a1: the queue no longer holds it", async () => {
    await page.getByRole("checkbox", { name: customer }).check();
    await page.getByRole("combobox", { name: "Assign to" }).selectOption({ label: "branch_a1" });
    await page.getByRole("button", { name: "Assign 1 lead" }).click();
    await page.getByRole("status").filter({ hasText: "1 lead assigned to branch_a1." }).waitFor();
    await page.getByRole("checkbox", { name: customer }).waitFor({ state: "detached" });
  });

  step("the team page shows each member's queues and the rule (axe: team)", async () => {
    await page.getByRole("navigation", { name: "Desk" }).getByRole("link", { name: "Team" }).click();
    await page.getByRole("heading", { level: 1, name: "Team" }).waitFor();
    const team = page.getByRole("region", { name: "The team's queues" });
    await team.getByRole("rowheader", { name: /branch_a1/ }).waitFor();
    await page.getByRole("radio", { name: "To the unassigned queue (assign by hand)" }).waitFor();
    assert.ok(await page.getByRole("radio", { name: "To the unassigned queue (assign by hand)" }).isChecked());
    await checkAxe(page, "team");
    await screenshot(page, "team", { fullPage: true });
  });

  step("adds a branch user with an invitation link, shown once; the member joins the team", async () => {
    const form = page.getByRole("region", { name: "Add a member" });
    await form.getByLabel("Username").fill(username);
    await form.getByLabel("First name").fill("Nida");
    await form.getByRole("button", { name: "Add the member" }).click();
    const link = form.getByRole("textbox", { name: "Invitation link" });
    await link.waitFor();
    invitation = await link.inputValue();
    assert.match(invitation, /\/desk\/welcome#uid=[\w-]+&token=[\w-]+$/);
    await page.getByRole("region", { name: "The team's queues" }).getByRole("rowheader", { name: /Nida/ }).waitFor();
  });

  step("the link lets the new member choose a password, then sign in", async () => {
    const { page: newcomer } = await newPage(browser);
    await newcomer.goto(invitation);
    await newcomer.getByRole("heading", { level: 1, name: "Choose your password" }).waitFor();
    await checkAxe(newcomer, "welcome");
    await newcomer.getByLabel("New password").fill("journey-pass-4821");
    await newcomer.getByRole("button", { name: "Set my password" }).click();
    await newcomer.getByRole("heading", { name: "Your password is set." }).waitFor();
    await newcomer.getByRole("link", { name: "Sign in" }).click();
    await newcomer.getByLabel("Username").fill(username);
    await newcomer.getByLabel("Password").fill("journey-pass-4821");
    await newcomer.getByRole("button", { name: "Sign in" }).click();
    await newcomer.getByRole("heading", { level: 1, name: "My day" }).waitFor();
    await newcomer.context().close();
  });
});
