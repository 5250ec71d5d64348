"""Views translate HTTP and nothing else, on one base: read from the code and the URL map."""

import ast
from pathlib import Path

from django.conf import settings
from django.test import SimpleTestCase
from django.urls import URLPattern, URLResolver, get_resolver

from organizations.permissions import IsBranchUser
from organizations.scoped_views import BranchScopedAPIView

APPS = ("organizations", "booking", "leads", "transfers")


def view_modules() -> list[Path]:
    base = Path(settings.BASE_DIR)
    paths = []
    for app in APPS:
        paths += [base / app / "views.py"] + sorted(set((base / app / "views").glob("*.py")) - {base / app / "views" / "__init__.py"})
    return [path for path in paths if path.exists()]


def view_classes(patterns=None):
    """Every class-based view the URL map serves."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            yield from view_classes(entry.url_patterns)
        elif isinstance(entry, URLPattern) and hasattr(entry.callback, "view_class"):
            yield entry.callback.view_class


class ViewStructureTests(SimpleTestCase):
    def test_every_member_only_endpoint_derives_from_the_one_scoped_base(self):
        member_only = {view for view in view_classes() if IsBranchUser in getattr(view, "permission_classes", ())}
        self.assertTrue(member_only)
        for view in sorted(member_only, key=lambda view: view.__qualname__):
            with self.subTest(view=f"{view.__module__}.{view.__qualname__}"):
                self.assertTrue(issubclass(view, BranchScopedAPIView))

    def test_view_modules_define_no_serializers(self):
        for path in view_modules():
            tree = ast.parse(path.read_text())
            classes = [node.name for node in tree.body if isinstance(node, ast.ClassDef)]
            with self.subTest(module=str(path.relative_to(settings.BASE_DIR))):
                self.assertEqual([name for name in classes if name.endswith("Serializer")], [])

    def test_no_view_module_imports_another(self):
        # The package's shared answer (leads/views/responses.py) holds no view; view modules may use it.
        shared = {"leads.views.responses"}
        for path in view_modules():
            imported = set()
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.ImportFrom) and node.module:
                    imported.add(node.module)
                elif isinstance(node, ast.Import):
                    imported |= {alias.name for alias in node.names}
            ours = {name for name in imported if name.split(".")[0] in APPS}
            views = {name for name in ours if name.endswith(".views") or ".views." in name} - shared
            with self.subTest(module=str(path.relative_to(settings.BASE_DIR))):
                self.assertEqual(views, set())
