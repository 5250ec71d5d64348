"""The floors: common ← organizations ← booking ← leads ← transfers, intake, messaging.

A package imports only packages on floors below its own: never one above, never one beside it on its
floor unless SIDEWAYS names the pair (tests excepted: they may use any app's factories). The apps of
the top floor that are not written yet already have their place; a missing one is skipped, an app
with no floor fails. And no module-level import cycle anywhere in the project: the imports a module
runs when it is first imported (its body, not its functions') never lead back to it.
"""

import ast
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.test import SimpleTestCase

FLOORS = [
    {"common"},
    {"organizations"},
    {"booking"},
    {"leads"},
    {"transfers", "intake", "messaging", "desk"},  # desk: the staff web app's page (it calls only the public API)
]
# Imports allowed between packages on one floor: {"importer": {"imported", ...}}. None today.
SIDEWAYS: dict[str, set[str]] = {}
# Above every app: the project's wiring and its tools.
ABOVE_ALL = {"config", "benchmarks", "e2e", "fuzz", "scripts"}
# The project's Python packages whose module-level imports must not form a cycle.
PROJECT_PACKAGES = sorted(set().union(*FLOORS) | {"config", "benchmarks"})

BASE = Path(settings.BASE_DIR)


def imported_top_packages(path: Path) -> set[str]:
    """The first component of every module `path` imports, wherever the import statement sits."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def forbidden_for(package: str) -> set[str]:
    """The packages `package` must not import: every floor above its own, its floor-mates not allowed sideways."""
    (level,) = [number for number, floor in enumerate(FLOORS) if package in floor]
    above = set().union(*FLOORS[level + 1:], ABOVE_ALL)
    beside = FLOORS[level] - {package} - SIDEWAYS.get(package, set())
    return above | beside


def module_name(path: Path) -> str:
    parts = path.relative_to(BASE).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def project_modules() -> dict[str, Path]:
    """Every module of the project's packages (tests included), by dotted name."""
    return {
        module_name(path): path
        for package in PROJECT_PACKAGES
        if (BASE / package / "__init__.py").exists()
        for path in sorted((BASE / package).rglob("*.py"))
    }


def _runs_on_import(body: list[ast.stmt]):
    """The import statements a module body executes: inside if/try/with/class too, not in functions
    (those run when called) nor under `if TYPE_CHECKING:` (never run)."""
    for node in body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        elif isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            yield from _runs_on_import(node.orelse)
        else:
            for field in ("body", "orelse", "finalbody", "handlers"):
                for child in getattr(node, field, []):
                    yield from _runs_on_import(child.body if isinstance(child, ast.ExceptHandler) else [child])


def module_level_imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The project modules `name` imports at module level (a `from package import submodule` names the submodule)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in _runs_on_import(ast.parse(path.read_text(), filename=str(path)).body):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        else:
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                source = ".".join(anchor + ([node.module] if node.module else []))
            else:
                source = node.module
            targets = [f"{source}.{alias.name}" if f"{source}.{alias.name}" in modules else source for alias in node.names]
        for target in targets:
            while target and target not in modules:  # `import a.b.c` of a name inside a module
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each sorted."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for neighbour in sorted(graph.get(node, ())):
            if neighbour not in index:
                visit(neighbour)
                low[node] = min(low[node], low[neighbour])
            elif neighbour in on_stack:
                low[node] = min(low[node], index[neighbour])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


class FloorTests(SimpleTestCase):
    def test_every_project_app_has_a_floor(self):
        project_apps = {config.name for config in apps.get_app_configs() if (BASE / config.name).is_dir()}
        self.assertEqual(project_apps - set().union(*FLOORS), set())

    def test_no_package_imports_one_above_it_or_beside_it_outside_tests(self):
        for package in sorted(set().union(*FLOORS)):
            if not (BASE / package).is_dir():
                continue  # an app not written yet: its floor is known already
            forbidden = forbidden_for(package)
            for path in sorted((BASE / package).rglob("*.py")):
                if "tests" in path.relative_to(BASE).parts:
                    continue
                with self.subTest(module=str(path.relative_to(BASE))):
                    self.assertEqual(imported_top_packages(path) & forbidden, set())

    def test_the_top_floor_apps_stand_beside_each_other(self):
        self.assertEqual(forbidden_for("intake") & {"transfers", "messaging", "leads"}, {"transfers", "messaging"})
        self.assertEqual(forbidden_for("leads") & {"transfers", "intake", "messaging", "booking"}, {"transfers", "intake", "messaging"})

    def test_no_module_level_import_cycle(self):
        modules = project_modules()
        self.assertIn("benchmarks.steps", modules)  # the whole project is read, tools included
        graph = {name: module_level_imports(name, path, modules) for name, path in modules.items()}
        self.assertEqual(cycles(graph), [])


class CycleFinderTests(SimpleTestCase):
    """The cycle check can fail: it sees a cycle through a `from package import module` and ignores
    imports made inside functions."""

    def test_a_cycle_of_three_is_found_and_a_deferred_import_is_not_an_edge(self):
        self.assertEqual(cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}), [["a", "b", "c"]])
        self.assertEqual(cycles({"a": {"b"}, "b": set()}), [])

    def test_module_level_imports_resolve_submodules_and_skip_functions(self):
        modules = project_modules()
        steps = module_level_imports("benchmarks.steps", modules["benchmarks.steps"], modules)
        self.assertTrue({"benchmarks.steps_loans", "benchmarks.tokens", "leads.models"} <= steps, steps)
        # transfers.services imports transfers.tasks inside a function (a deferred import): no edge.
        services = module_level_imports("transfers.services", modules["transfers.services"], modules)
        self.assertNotIn("transfers.tasks", services)
        self.assertIn("transfers.services", module_level_imports("transfers.tasks", modules["transfers.tasks"], modules))
