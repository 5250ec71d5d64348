"""The floors: common ← organizations ← booking ← leads ← transfers. A lower package never imports a higher one."""

import ast
from pathlib import Path

from django.conf import settings
from django.test import SimpleTestCase

FLOORS = ["common", "organizations", "booking", "leads", "transfers"]


def imported_top_packages(path: Path) -> set[str]:
    """The first component of every module `path` imports, wherever the import statement sits."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


class FloorTests(SimpleTestCase):
    def test_no_package_imports_one_above_it_outside_tests(self):
        base = Path(settings.BASE_DIR)
        for level, package in enumerate(FLOORS):
            above = set(FLOORS[level + 1:]) | ({"config", "benchmarks"} if package == "common" else set())
            for path in sorted((base / package).rglob("*.py")):
                if "tests" in path.relative_to(base).parts:
                    continue
                with self.subTest(module=str(path.relative_to(base))):
                    self.assertEqual(imported_top_packages(path) & above, set())
