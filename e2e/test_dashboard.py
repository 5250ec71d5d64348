"""/dashboard/ in Debian's headless Chromium: the charts draw the signed-in member's scoped numbers.

As orgadmin_a (both Alpha branches) and as branch_a1 (Lahore only): sign in through the admin's
form, open the dashboard, read back what each Chart.js chart drew and compare it with the summary
the API computes for that user, check the canvases hold pixels and that every resource the page
loaded came from the service itself. Screenshots: e2e/output/dashboard-<user>.png.
"""

import os
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.select import Select
from selenium.webdriver.support.ui import WebDriverWait

from e2e.test_browser import OUTPUT, ChromiumLiveServerTestCase
from leads.models import Lead, LeadSource
from leads.loan_book import loan_aging
from leads.report_queries import Period, summary_report
from leads.services import followup_record, lead_create, lead_mark_lost
from organizations.models import Branch

CHART_DATA = """
const read = (id) => Chart.getChart(document.getElementById(id)).data.datasets.map((set) => set.data.map(Number));
const inked = (id) => {
  const canvas = document.getElementById(id);
  const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  let count = 0;
  for (let i = 3; i < pixels.length; i += 4) { if (pixels[i] > 0) count++; }
  return count;
};
const ids = ['chart-funnel', 'chart-compliance', 'chart-aging', 'chart-lost', 'chart-weekly'];
return {
  data: Object.fromEntries(ids.map((id) => [id, read(id)])),
  inked: Object.fromEntries(ids.map((id) => [id, inked(id)])),
  labels: Chart.getChart(document.getElementById('chart-compliance')).data.labels,
  resources: performance.getEntriesByType('resource').map((entry) => entry.name),
};
"""


def _spread_demo_leads():
    """Leads over the last weeks, some lost for catalogue reasons, so every chart has something to draw."""
    now = timezone.now()
    sources = list(LeadSource.values)
    reasons = ["price", "visa", "other_agent", "price", "dates"]
    for position, branch in enumerate(Branch.objects.filter(code__in=["A1", "A2"]).order_by("code")):
        for index in range(12 + 6 * position):
            lead = lead_create(
                branch=branch, customer_name=f"Dashboard Customer {branch.code}-{index}",
                contact_number=f"+92300{position}{index:06d}", lead_source=sources[index % len(sources)],
            )
            Lead.objects.filter(pk=lead.pk).update(created_at=now - timedelta(days=(index * 2) % 28, hours=3))
            lead.refresh_from_db()
            if index % 3 == 0:
                followup_record(lead=lead, remarks="Called", followup_at=lead.created_at + timedelta(hours=2))
            if index % 4 == 1:
                lead_mark_lost(lead=lead, lost_reason_code=reasons[index % len(reasons)])


@override_settings(DEBUG=False)
class DashboardInChromiumTests(ChromiumLiveServerTestCase):
    def setUp(self):
        call_command("seed_demo", stdout=open(os.devnull, "w"))
        _spread_demo_leads()
        self.driver.delete_all_cookies()

    def sign_in(self, username: str):
        self.driver.get(f"{self.live_server_url}/admin/login/?next=/dashboard/")
        self.driver.find_element(By.NAME, "username").send_keys(username)
        self.driver.find_element(By.NAME, "password").send_keys("demo-pass-123")
        self.driver.find_element(By.CSS_SELECTOR, "input[type=submit]").click()
        WebDriverWait(self.driver, 30).until(
            EC.presence_of_element_located((By.CSS_SELECTOR, "#dashboard[data-charts-drawn=true]"))
        )

    def expected_for(self, username: str) -> dict:
        user = get_user_model().objects.get(username=username)
        report = summary_report(user=user, period=Period.ending(timezone.localdate()))
        aging = loan_aging(user=user, as_of=timezone.localdate())
        total = report["total"]
        return {
            "chart-funnel": [[total["leads"], total["leads"] - total["never_contacted"], total["converted"]]],
            "chart-compliance": [
                [row["followups_done_on_time"] for row in report["branches"]],
                [row["followups_due"] - row["followups_done_on_time"] for row in report["branches"]],
            ],
            "chart-aging": [[float(bucket.amount) for bucket in aging.buckets]],
            "chart-lost": [list(total["lost_by_reason"].values())],
            "chart-weekly": [[week["leads"] for week in total["new_per_week"]]],
            "branches": [row["branch_name"] for row in report["branches"]],
        }

    def check_dashboard(self, username: str, branch_names: list[str]):
        self.sign_in(username)
        drawn = self.driver.execute_script(CHART_DATA)
        # The whole page in one picture: a window as tall as the document (the charts redraw to fit).
        height = self.driver.execute_script("return document.documentElement.scrollHeight")
        self.driver.set_window_size(1366, height + 120)
        self.driver.execute_async_script(  # two frames: the resize is handled and the charts redrawn
            "const done = arguments[0]; requestAnimationFrame(() => requestAnimationFrame(() => done()));"
        )
        self.driver.save_screenshot(str(OUTPUT / f"dashboard-{username}.png"))
        self.driver.set_window_size(1366, 1000)
        expected = self.expected_for(username)
        self.assertEqual(drawn["labels"], branch_names)
        self.assertEqual(expected.pop("branches"), branch_names)
        self.assertEqual(drawn["data"], expected)
        self.assertGreater(expected["chart-funnel"][0][0], 0)
        for chart, pixels in drawn["inked"].items():
            self.assertGreater(pixels, 500, f"{chart} drew nothing")
        outside = [url for url in drawn["resources"] if not url.startswith(self.live_server_url)]
        self.assertEqual(outside, [])
        self.assertEqual(
            int(self.driver.find_element(By.ID, "kpi-leads").text), expected["chart-funnel"][0][0]
        )

    def test_org_admin_sees_both_branches_of_the_organization(self):
        self.check_dashboard("orgadmin_a", ["Lahore Main", "Karachi Saddar"])

    def test_branch_user_sees_only_their_branch(self):
        self.check_dashboard("branch_a1", ["Lahore Main"])
        options = [option.text for option in Select(self.driver.find_element(By.ID, "branch-picker")).options]
        self.assertEqual(len(options), 2)  # "All my branches" and Lahore
        self.assertNotIn("Karachi", " ".join(options))
