"""Every static file a page needs is in the repository, and the system check says so loudly when one is not.

Chart.js is committed (leads/static/leads/vendor/, as Django ships the admin's vendored JavaScript);
a deployment by the guide (pip install, collectstatic) has no npm step. A file missing from the
static sources would make its page a 500 under the manifest storage, so `check` fails first.
"""

import hashlib
from pathlib import Path
from unittest import mock

from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import SimpleTestCase

from common.checks import check_static_assets_present, project_static_references

VENDOR = Path(__file__).resolve().parents[2] / "leads" / "static" / "leads" / "vendor"
CHART = "leads/vendor/chart.umd.min.js"


def without(missing: str):
    """finders.find as if `missing` were not among the static sources."""
    real_find = finders.find

    def find(path, *args, **kwargs):
        return None if path == missing else real_find(path, *args, **kwargs)

    return mock.patch.object(finders, "find", side_effect=find)


class StaticAssetsCheckTests(SimpleTestCase):
    def test_the_dashboard_templates_assets_are_found_by_scanning_the_templates(self):
        references = project_static_references()
        self.assertEqual(references[CHART], "leads/templates/leads/dashboard.html")
        self.assertIn("leads/dashboard.js", references)

    def test_nothing_is_missing_in_the_repository(self):
        self.assertEqual(check_static_assets_present(None), [])

    def test_a_missing_vendored_file_is_an_error_naming_it(self):
        with without(CHART):
            errors = check_static_assets_present(None)
        self.assertEqual([error.id for error in errors], ["common.E001"])
        self.assertIn(CHART, errors[0].msg)
        self.assertIn("dashboard.html", errors[0].msg)

    def test_a_missing_docs_asset_is_an_error_too(self):
        with without("drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js"):
            errors = check_static_assets_present(None)
        self.assertEqual(len(errors), 1)

    def test_check_deploy_fails_when_an_asset_is_missing(self):
        with without(CHART), self.assertRaisesMessage(SystemCheckError, "common.E001"):
            call_command("check", deploy=True, stdout=mock.Mock(), stderr=mock.Mock())


class VendoredChartJsTests(SimpleTestCase):
    def test_committed_files_match_the_sums_make_vendor_wrote(self):
        # `make vendor` checks the npm tarball against the pinned integrity, then writes SHA256SUMS.
        lines = (VENDOR / "SHA256SUMS").read_text().split("\n")
        sums = dict(reversed(line.split("  ", 1)) for line in lines if line)
        self.assertEqual(set(sums), {"chart.umd.min.js", "chart.umd.min.js.map", "chart.js-LICENSE.md"})
        for name, digest in sums.items():
            with self.subTest(name=name):
                self.assertEqual(hashlib.sha256((VENDOR / name).read_bytes()).hexdigest(), digest)

    def test_the_licence_and_version_travel_with_it(self):
        self.assertIn("MIT", (VENDOR / "chart.js-LICENSE.md").read_text())
        version = (VENDOR / "VERSION").read_text()
        self.assertTrue(version.startswith("chart.js@4.6.1 sha512-"), version)
        self.assertIn("Chart.js v4.6.1", (VENDOR / "chart.umd.min.js").read_text()[:200])


class DeskBuildCheckTests(SimpleTestCase):
    def test_a_missing_desk_build_fails_the_check_naming_make_desk(self):
        with without("desk/manifest.json"):
            errors = check_static_assets_present(None)
        self.assertEqual([error.id for error in errors], ["common.E001"])
        self.assertIn("desk/manifest.json", errors[0].msg)
        self.assertIn("make desk", errors[0].hint)
