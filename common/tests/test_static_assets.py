"""Every static file a page needs is there, and the system check says so loudly when one is not.

The project's templates name their files with `{% static %}` (found by scanning them); the desk's
build and the packages' files are listed in REQUIRED_STATIC_ASSETS. A file missing from the static
sources would make its page a 500 under the manifest storage, so `check` fails first.
"""

from unittest import mock

from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import SimpleTestCase

from common.checks import check_static_assets_present, project_static_references

DOCS_CSS = "common/api_docs.css"
DESK_MANIFEST = "desk/manifest.json"


def without(missing: str):
    """finders.find as if `missing` were not among the static sources."""
    real_find = finders.find

    def find(path, *args, **kwargs):
        return None if path == missing else real_find(path, *args, **kwargs)

    return mock.patch.object(finders, "find", side_effect=find)


class StaticAssetsCheckTests(SimpleTestCase):
    def test_the_templates_assets_are_found_by_scanning_the_templates(self):
        references = project_static_references()
        self.assertEqual(references[DOCS_CSS], "common/templates/common/redoc.html")

    def test_nothing_is_missing_in_the_repository(self):
        self.assertEqual(check_static_assets_present(None), [])

    def test_a_missing_template_asset_is_an_error_naming_it_and_its_template(self):
        with without(DOCS_CSS):
            errors = check_static_assets_present(None)
        self.assertEqual([error.id for error in errors], ["common.E001"])
        self.assertIn(DOCS_CSS, errors[0].msg)
        self.assertIn("redoc.html", errors[0].msg)

    def test_a_missing_docs_asset_is_an_error_too(self):
        with without("drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js"):
            errors = check_static_assets_present(None)
        self.assertEqual(len(errors), 1)


class DeskBuildCheckTests(SimpleTestCase):
    def test_a_missing_desk_build_fails_the_check_naming_make_desk(self):
        with without(DESK_MANIFEST):
            errors = check_static_assets_present(None)
        self.assertEqual([error.id for error in errors], ["common.E001"])
        self.assertIn(DESK_MANIFEST, errors[0].msg)
        self.assertIn("make desk", errors[0].hint)

    def test_check_deploy_fails_when_the_desk_is_not_built(self):
        with without(DESK_MANIFEST), self.assertRaisesMessage(SystemCheckError, "common.E001"):
            call_command("check", deploy=True, stdout=mock.Mock(), stderr=mock.Mock())
