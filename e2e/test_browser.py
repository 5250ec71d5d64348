"""A browser check with Debian's headless Chromium (driven by chromedriver through Selenium).

A branch user signs in to /admin/ through the login form, sees only their branch's leads, opens
one, and loads /api/docs/, where Swagger UI (served offline by the app) must list every
operation of the schema. Screenshots land in e2e/output/. Run with `make e2e`, which installs
Debian's `chromium` and `chromium-driver` when /usr/bin/chromium is missing; nothing is
downloaded at run time (Selenium is given the driver, so Selenium Manager never runs).
"""

import json
import os
import shutil
import tempfile
from pathlib import Path

from django.contrib.staticfiles.testing import StaticLiveServerTestCase
from django.core.management import call_command
from django.test import override_settings
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from leads.models import Lead

CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("E2E_CHROMEDRIVER", "/usr/bin/chromedriver")
OUTPUT = Path(__file__).resolve().parent / "output"
HTTP_METHODS = {"get", "put", "post", "delete", "patch", "options", "head", "trace"}


def chromium_driver(profile_dir: str) -> webdriver.Chrome:
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1366,1000",
        f"--user-data-dir={profile_dir}",
    ):
        options.add_argument(flag)
    # The console (CSP violations, script errors) is readable with driver.get_log("browser").
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    return driver


class ChromiumLiveServerTestCase(StaticLiveServerTestCase):
    """A live server (static files served by the app) and one headless Chromium for the class."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        OUTPUT.mkdir(exist_ok=True)
        cls.profile_dir = tempfile.mkdtemp(prefix="leads-e2e-chromium-")
        cls.driver = chromium_driver(cls.profile_dir)

    @classmethod
    def tearDownClass(cls):
        cls.driver.quit()
        shutil.rmtree(cls.profile_dir, ignore_errors=True)
        super().tearDownClass()


@override_settings(DEBUG=False)
class AdminAndDocsInChromiumTests(ChromiumLiveServerTestCase):
    def setUp(self):
        call_command("seed_demo", stdout=open(os.devnull, "w"))
        self.driver.delete_all_cookies()

    def wait(self, timeout=30):
        return WebDriverWait(self.driver, timeout)

    def screenshot(self, name: str) -> Path:
        path = OUTPUT / f"{name}.png"
        self.driver.save_screenshot(str(path))
        return path

    def sign_in_to_admin(self, username: str):
        self.driver.get(f"{self.live_server_url}/admin/login/?next=/admin/")
        self.driver.find_element(By.NAME, "username").send_keys(username)
        self.driver.find_element(By.NAME, "password").send_keys("demo-pass-123")
        self.driver.find_element(By.CSS_SELECTOR, "input[type=submit]").click()
        self.wait().until(EC.presence_of_element_located((By.ID, "user-tools")))

    def test_branch_user_signs_in_to_admin_and_opens_a_lead_of_their_branch(self):
        self.sign_in_to_admin("branch_a1")
        self.assertIn("branch_a1", self.driver.find_element(By.ID, "user-tools").text.lower())
        self.screenshot("admin-index")

        self.driver.get(f"{self.live_server_url}/admin/leads/lead/")
        rows = self.wait().until(
            EC.presence_of_all_elements_located((By.CSS_SELECTOR, "#result_list tbody tr"))
        )
        listed_ids = {
            int(row.find_element(By.CSS_SELECTOR, "input.action-select").get_attribute("value")) for row in rows
        }
        self.assertEqual(listed_ids, set(Lead.objects.filter(branch__code="A1").values_list("pk", flat=True)))
        self.assertTrue(Lead.objects.exclude(branch__code="A1").exists())  # there were others to hide
        self.screenshot("admin-lead-list")

        rows[0].find_element(By.CSS_SELECTOR, "th a").click()
        name_input = self.wait().until(EC.presence_of_element_located((By.NAME, "customer_name")))
        opened = Lead.objects.get(pk=int(self.driver.current_url.rstrip("/").split("/")[-2]))
        self.assertEqual(opened.branch.code, "A1")
        self.assertEqual(name_input.get_attribute("value"), opened.customer_name)
        # The admin's own CSS is served by the app (whitenoise / static handler), not a web server.
        header_color = self.driver.find_element(By.ID, "header").value_of_css_property("background-color")
        self.assertNotIn(header_color, ("rgba(0, 0, 0, 0)", "transparent"))
        self.screenshot("admin-lead-change")

    def test_api_docs_list_every_operation_of_the_schema(self):
        self.sign_in_to_admin("branch_a1")
        schema = json.loads(self.client.get("/api/schema/", {"format": "json"}).content)
        expected = {
            (method.upper(), path)
            for path, operations in schema["paths"].items()
            for method in operations
            if method in HTTP_METHODS
        }
        self.assertGreaterEqual(len(expected), 20)

        self.driver.get(f"{self.live_server_url}/api/docs/")
        self.wait(60).until(
            lambda d: len(d.find_elements(By.CSS_SELECTOR, ".opblock .opblock-summary-method")) >= len(expected)
        )
        listed = set()
        for block in self.driver.find_elements(By.CSS_SELECTOR, ".opblock"):
            method = block.find_element(By.CSS_SELECTOR, ".opblock-summary-method").text.strip().upper()
            path = block.find_element(By.CSS_SELECTOR, ".opblock-summary-path").get_attribute("data-path")
            listed.add((method, path))
        self.screenshot("api-docs")
        self.assertEqual(listed, expected)
        self.assertIn("Leads API", self.driver.find_element(By.CSS_SELECTOR, ".info .title").text)
