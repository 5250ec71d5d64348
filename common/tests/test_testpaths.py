"""`make test` runs every app's tests: each project app with a tests package is in pytest.ini's testpaths.

(The messaging app's tests once went unrun by `make test` because its folder was missing there.)
"""

import configparser
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.test import SimpleTestCase


class TestPathsTests(SimpleTestCase):
    def test_every_project_app_with_tests_is_collected(self):
        root = Path(settings.BASE_DIR)
        config = configparser.ConfigParser()
        config.read(root / "pytest.ini")
        testpaths = set(config["pytest"]["testpaths"].split())
        with_tests = {
            Path(app.path).name
            for app in apps.get_app_configs()
            if Path(app.path).parent == root and (Path(app.path) / "tests").is_dir()
        }
        self.assertTrue(with_tests, "no project apps found")
        self.assertEqual(with_tests - testpaths, set())
