"""The pages render in headless Chromium under the Content-Security-Policy, loading only from the service.

orgadmin_a signs in through the admin's form, then opens the admin, a lead, /dashboard/ (the desk's), /api/docs/
(Swagger UI), /api/redoc/ and the browsable API. Each must show what it is for (the charts drawn,
the operations listed, ReDoc's title) with no CSP violation or script error in the console, and
every resource it loaded must come from the service. Screenshots: e2e/output/csp-<page>.png.
"""

import os

from django.core.management import call_command
from django.test import override_settings
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from e2e.test_browser import OUTPUT, ChromiumLiveServerTestCase
from leads.models import Lead

RESOURCES = "return performance.getEntriesByType('resource').map((entry) => entry.name);"
# ReDoc's side menu always renders "API docs by Redocly" with this image (redoc.standalone.js, no
# option turns it off); img-src 'self' blocks it before any request leaves the browser, and the
# image's onError hides it. It is the one outside reference a page makes, and it must stay blocked.
REDOC_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"


@override_settings(DEBUG=False)
class PagesUnderThePolicyTests(ChromiumLiveServerTestCase):
    def setUp(self):
        call_command("seed_demo", stdout=open(os.devnull, "w"))
        self.driver.delete_all_cookies()
        self.driver.get_log("browser")  # start from an empty console

    def wait(self, timeout=30):
        return WebDriverWait(self.driver, timeout)

    def console_problems(self) -> list[str]:
        """Console errors and CSP reports, less the browser's own /favicon.ico probe (the service has none)."""
        return [entry["message"] for entry in self.driver.get_log("browser")
                if (entry["level"] == "SEVERE" or "Content Security Policy" in entry["message"])
                and "/favicon.ico" not in entry["message"]]

    def open(self, name: str, path: str, rendered):
        self.driver.get("about:blank")
        self.driver.get_log("browser")  # the previous page's late messages are not this page's
        self.driver.get(f"{self.live_server_url}{path}")
        self.wait(60).until(rendered, f"{path} did not render")
        self.driver.save_screenshot(str(OUTPUT / f"csp-{name}.png"))
        outside = [url for url in self.driver.execute_script(RESOURCES)
                   if not url.startswith(self.live_server_url + "/")]
        problems = self.console_problems()
        if name == "redoc":
            self.assertEqual(outside, [REDOC_LOGO])
            blocked = [message for message in problems if REDOC_LOGO in message and "has been blocked" in message]
            self.assertEqual(len(blocked), 1, problems)
            outside, problems = [], [message for message in problems if message not in blocked]
        self.assertEqual(outside, [], path)
        self.assertEqual(problems, [], path)

    def test_every_page_renders_under_the_policy(self):
        self.driver.get(f"{self.live_server_url}/admin/login/?next=/admin/")
        self.assertEqual(self.console_problems(), [])
        self.driver.find_element(By.NAME, "username").send_keys("orgadmin_a")
        self.driver.find_element(By.NAME, "password").send_keys("demo-pass-123")
        self.driver.find_element(By.CSS_SELECTOR, "input[type=submit]").click()
        self.wait().until(EC.presence_of_element_located((By.ID, "user-tools")))
        header = self.driver.find_element(By.ID, "header").value_of_css_property("background-color")
        self.assertNotIn(header, ("rgba(0, 0, 0, 0)", "transparent"))  # the admin's stylesheets applied

        lead = Lead.objects.filter(branch__organization__name__icontains="alpha").first() or Lead.objects.first()
        pages = [
            ("admin", "/admin/", EC.presence_of_element_located((By.ID, "content-main"))),
            ("admin-leads", "/admin/leads/lead/", EC.presence_of_element_located((By.ID, "result_list"))),
            # The admin's own scripts ran: the change form's date field got its calendar shortcut.
            ("admin-lead", f"/admin/leads/lead/{lead.pk}/change/",
             EC.presence_of_element_located((By.CSS_SELECTOR, ".datetimeshortcuts, .related-widget-wrapper-link"))),
            # The desk's dashboard (/dashboard/ redirects there): its lazily loaded Chart.js drew both charts.
            ("dashboard", "/dashboard/", lambda d: len(d.find_elements(By.CSS_SELECTOR, "canvas[role=img]")) >= 2),
            ("swagger", "/api/docs/", lambda d: len(d.find_elements(By.CSS_SELECTOR, ".opblock")) >= 20),
            ("redoc", "/api/redoc/",
             lambda d: "Leads API" in " ".join(h.text for h in d.find_elements(By.CSS_SELECTOR, "h1"))
             and len(d.find_elements(By.CSS_SELECTOR, "[data-section-id^='operation/'], [data-section-id^='tag/']")) >= 5),
            ("browsable-api", "/api/me/", EC.presence_of_element_located((By.CSS_SELECTOR, ".response-info"))),
        ]
        for name, path, rendered in pages:
            with self.subTest(page=name):
                self.open(name, path, rendered)
