"""Clients generated from the served schema name every request body's type.

openapi-python-client (requirements.txt) and openapi-typescript (clients/package.json, installed
by `make clients`) generate from `/api/schema/`; an inline body schema, e.g. an `anyOf` of bare
`required` lists, comes out as `Any`, `unknown` or a `…Type0 | …Type1` pair of invented names,
which a client user can neither find in the docs nor build.
"""

import ast
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml
from django.conf import settings
from django.test import SimpleTestCase
from django.urls import reverse

CLIENTS = Path(settings.BASE_DIR) / "clients"
OPENAPI_TYPESCRIPT = CLIENTS / "node_modules" / "openapi-typescript" / "bin" / "cli.js"
SCHEMA_REFERENCE = re.compile(r'components\["schemas"\]\["(\w+)"\]')
GENERATOR_TIMEOUT = 300  # seconds; generous, the machine's cores are shared


def operations_with_bodies(schema: dict) -> set[str]:
    return {
        operation["operationId"]
        for operations in schema["paths"].values()
        for operation in operations.values()
        if isinstance(operation, dict) and "requestBody" in operation
    }


class GeneratedClientsTests(SimpleTestCase):
    """Both generators, run on the schema `/api/schema/` serves, give each request body a named type."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tmp = tempfile.TemporaryDirectory()
        cls.addClassCleanup(cls.tmp.cleanup)

    def setUp(self):
        response = self.client.get(reverse("schema"))
        self.assertEqual(response.status_code, 200)
        self.schema_file = Path(self.tmp.name) / "schema.yaml"
        self.schema_file.write_bytes(response.content)
        self.schema = yaml.safe_load(response.content)
        self.components = set(self.schema["components"]["schemas"])
        self.with_bodies = operations_with_bodies(self.schema)
        self.assertIn("leads_loan_promise", self.with_bodies)

    def run_generator(self, *command: str) -> str:
        result = subprocess.run(command, capture_output=True, text=True, timeout=GENERATOR_TIMEOUT, cwd=self.tmp.name)
        output = result.stdout + result.stderr
        self.assertEqual(result.returncode, 0, output)
        return output

    def test_python_client_types_every_body_as_named_models(self):
        out = Path(self.tmp.name) / "python_client"
        config = Path(self.tmp.name) / "openapi-python-client.yaml"
        config.write_text("post_hooks: []\n")  # no formatting: only the types are read here
        output = self.run_generator(
            sys.executable, "-m", "openapi_python_client", "generate",
            "--path", str(self.schema_file), "--meta", "none", "--output-path", str(out), "--config", str(config),
        )  # fmt: skip
        # A warning means a part of the API the client silently lacks.
        self.assertNotIn("Warning", output)

        bodies = {}  # operation id (the module's name) → its `body` annotation
        for module in (out / "api").rglob("*.py"):
            for function in ast.walk(ast.parse(module.read_text())):
                if isinstance(function, ast.FunctionDef) and function.name == "_get_kwargs":
                    for argument in function.args.args + function.args.kwonlyargs:
                        if argument.arg == "body":
                            bodies[module.stem] = argument.annotation
        self.assertEqual(set(bodies), self.with_bodies)
        # Each a model class of the client named after a schema component (`Unset`: a body that may be left out).
        models = set(ast.literal_eval(_assigned(out / "models" / "__init__.py", "__all__")))
        names = {operation: union_names(annotation) for operation, annotation in bodies.items()}
        unnamed = {
            operation: ast.unparse(bodies[operation])
            for operation, found in names.items()
            if not found or any(name != "Unset" and not (name in models and name in self.components) for name in found)
        }
        self.assertEqual(unnamed, {})
        self.assertEqual(names["leads_loan_promise"], {"LoanCommitmentAddRequest", "LoanCommitmentUpdateRequest"})
        self.assertEqual(names["leads_lost"], {"LeadLostWithReasonRequest", "LeadLostWithCodeRequest"})

    def test_typescript_types_reference_a_named_component_for_every_body(self):
        node = shutil.which("node")
        if node is None:
            self.skipTest("node is not installed, so openapi-typescript cannot run")
        self.assertTrue(OPENAPI_TYPESCRIPT.exists(), "openapi-typescript is not installed: run `make clients`")
        types = Path(self.tmp.name) / "schema.d.ts"
        # As clients/package.json's `types` script runs it: a request field with a default may be left out.
        self.run_generator(
            node, str(OPENAPI_TYPESCRIPT), str(self.schema_file), "--default-non-nullable", "false", "-o", str(types)
        )
        source = re.sub(r"/\*.*?\*/", "", types.read_text(), flags=re.DOTALL)
        operations = members(interface(source, "operations"))
        schemas = members(members(interface(source, "components"))["schemas"])

        bodies = {}  # operation id → media type → TypeScript type
        for operation, body in operations.items():
            request_body = members(body).get("requestBody", "never")
            if request_body != "never":
                bodies[operation] = members(members(request_body)["content"])
        self.assertEqual(set(bodies), self.with_bodies)
        inline = {
            (operation, media): body_type
            for operation, contents in bodies.items()
            for media, body_type in contents.items()
            if not is_named_model(body_type, schemas)
        }
        self.assertEqual(inline, {})
        self.assertEqual(
            bodies["leads_loan_promise"], {"application/json": 'components["schemas"]["LoanPromiseInputRequest"]'}
        )
        self.assertEqual(
            schemas["LoanPromiseInputRequest"],
            'components["schemas"]["LoanCommitmentAddRequest"] | components["schemas"]["LoanCommitmentUpdateRequest"]',
        )


def union_names(annotation: ast.expr) -> set[str]:
    """The names joined by `|` in a type annotation; anything but a plain name counts as unnamed (empty set)."""
    if isinstance(annotation, ast.BinOp) and isinstance(annotation.op, ast.BitOr):
        left, right = union_names(annotation.left), union_names(annotation.right)
        return left | right if left and right else set()
    if isinstance(annotation, ast.Name) and annotation.id != "Any" and not re.search(r"Type\d+$", annotation.id):
        return {annotation.id}
    return set()


def _assigned(module: Path, name: str) -> str:
    for node in ast.parse(module.read_text()).body:
        if isinstance(node, ast.Assign) and any(getattr(target, "id", None) == name for target in node.targets):
            return ast.unparse(node.value)
    raise AssertionError(f"{module} assigns no {name}")


def is_named_model(type_text: str, schemas: dict[str, str], depth: int = 0) -> bool:
    """Whether a type is a schema component that is an object type, or a union of only such components."""
    match = re.fullmatch(SCHEMA_REFERENCE, type_text.strip())
    if not match or match[1] not in schemas:
        return False
    definition = schemas[match[1]].strip()
    if definition.startswith("{") and definition.endswith("}") and top_level_split(definition, "|") == [definition]:
        return True
    # A union of components (anyOf), as long as no part is inline or `unknown`.
    parts = [part for part in top_level_split(definition, "|") if part.strip()]  # a union may open with `|`
    return depth == 0 and all(is_named_model(part, schemas, depth + 1) for part in parts)


def interface(source: str, name: str) -> str:
    """The body (`{…}`) of `export interface <name>` in openapi-typescript's output."""
    start = source.index("{", source.index(f"export interface {name} "))
    return source[start : _closing(source, start) + 1]


def members(object_type: str) -> dict[str, str]:
    """The members of a TypeScript object type `{ a: T; "b"?: U; }`: name (unquoted, no `?`) → type text."""
    object_type = object_type.strip()
    assert object_type.startswith("{") and object_type.endswith("}"), object_type[:80]
    found = {}
    for member in top_level_split(object_type[1:-1], ";"):
        if not member.strip():
            continue
        name, value = top_level_split(member, ":", maxsplit=1)
        name = name.strip().removeprefix("readonly ").rstrip("?").strip('"')
        found[name] = value.strip()
    return found


def top_level_split(text: str, separator: str, maxsplit: int = -1) -> list[str]:
    """`text` split on `separator` outside brackets and string literals."""
    parts, depth, start, quote = [], 0, 0, None
    for index, char in enumerate(text):
        if quote:
            quote = None if char == quote and text[index - 1] != "\\" else quote
        elif char in "\"'":
            quote = char
        elif char == separator and depth == 0 and (maxsplit < 0 or len(parts) < maxsplit):
            parts.append(text[start:index])
            start = index + 1
        elif char in "{([<":
            depth += 1
        elif char in "})]>" and not (char == ">" and text[index - 1] == "="):
            depth -= 1
    return [*parts, text[start:]]


def _closing(text: str, opening: int) -> int:
    """The index of the `}` that closes the `{` at `opening`."""
    rest = text[opening + 1 :]
    inside = top_level_split(rest, "}", maxsplit=1)[0]  # the first `}` outside nested brackets and strings
    if len(inside) == len(rest):
        raise ValueError("unbalanced braces")
    return opening + 1 + len(inside)
