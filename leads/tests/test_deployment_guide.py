"""docs/deployment.md and docs/configuration.md hold for the code they describe.

- The guide's environment file loads with the guide's own command (`set -a && . /etc/leads/env`)
  in sh and in bash, and the settings read its values back.
- Every environment variable the code reads is documented in docs/configuration.md.
- Every management command is placed by the guide's cron section (in cron, or named as not for cron).
"""

import ast
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from django.test import SimpleTestCase

BASE_DIR = Path(__file__).resolve().parents[2]
GUIDE = BASE_DIR / "docs" / "deployment.md"
CONFIGURATION = BASE_DIR / "docs" / "configuration.md"
# The service's code: its apps and entry points (not tests, benchmarks, fuzzing or scripts).
SERVICE_SOURCES = ("config", "common", "organizations", "booking", "leads", "transfers", "manage.py")
ENV_READERS = {"str", "bool", "int", "float", "list", "tuple", "dict", "json", "url", "db", "db_url", "cache",
               "cache_url", "email", "email_url", "search_url", "path", "get_value", "decimal", "parse_value"}


def section(markdown: str, heading: str) -> str:
    """The text under a `## …` heading starting with `heading`, up to the next `## `."""
    match = re.search(rf"^## {re.escape(heading)}.*?$(.*?)(?=^## |\Z)", markdown, re.M | re.S)
    assert match, f"no section {heading!r}"
    return match.group(1)


def env_file_block() -> str:
    blocks = re.findall(r"^```sh\n(.*?)^```", section(GUIDE.read_text(), "2. The environment file"), re.M | re.S)
    assert blocks, "no ```sh block in section 2"
    return blocks[0]


def python_files():
    for name in SERVICE_SOURCES:
        path = BASE_DIR / name
        files = [path] if path.suffix == ".py" else path.rglob("*.py")
        for file in files:
            if "tests" not in file.relative_to(BASE_DIR).parts and "migrations" not in file.parts:
                yield file


def env_reads(source: str) -> set[str]:
    """Names read from the environment: env.X("NAME"), env("NAME"), os.environ[...]/.get/.setdefault, os.getenv."""
    names = set()
    for node in ast.walk(ast.parse(source)):
        key = None
        if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            func = node.func
            if isinstance(func, ast.Name) and func.id == "env":
                key = node.args[0].value
            elif isinstance(func, ast.Attribute):
                owner = ast.unparse(func.value)
                if owner == "env" and func.attr in ENV_READERS:
                    key = node.args[0].value
                elif owner == "os.environ" and func.attr in {"get", "setdefault", "pop"}:
                    key = node.args[0].value
                elif owner == "os" and func.attr == "getenv":
                    key = node.args[0].value
        elif isinstance(node, ast.Subscript) and ast.unparse(node.value) == "os.environ":
            if isinstance(node.slice, ast.Constant):
                key = node.slice.value
        if isinstance(key, str):
            names.add(key)
    return names


class EnvironmentFileTests(SimpleTestCase):
    READ_BACK = (
        "from django.conf import settings as s; "
        "print(repr((s.DEFAULT_FROM_EMAIL, s.DEBUG, s.ALLOWED_HOSTS, s.TIME_ZONE, s.CELERY_BROKER_URL, "
        "s.DATABASES['default']['NAME'], s.EMAIL_HOST, s.EMAIL_HOST_USER, s.LOG_FORMAT, s.CSRF_TRUSTED_ORIGINS)))"
    )
    EXPECTED = repr((
        "Leads <leads@example.com>", False, ["leads.example.com"], "Asia/Karachi",
        "amqp://leads:CHANGE-ME@127.0.0.1:5672/leads", "leads", "smtp.example.com", "leads@example.com",
        "json", ["https://leads.example.com"],
    ))

    def test_the_guides_env_file_loads_with_the_guides_command_in_sh_and_bash(self):
        with tempfile.TemporaryDirectory() as scratch:
            env_file = Path(scratch) / "env"
            env_file.write_text(env_file_block())
            for shell in ("sh", "bash"):
                if not shutil.which(shell):
                    self.fail(f"{shell} is not installed")
                with self.subTest(shell=shell):
                    # As section 2 says, then a management command (cron's and the operator's way in).
                    command = 'set -a && . "$1" && set +a && exec "$2" manage.py shell --no-imports -c "$3"'
                    result = subprocess.run(
                        [shell, "-c", command, shell, str(env_file), sys.executable, self.READ_BACK],
                        cwd=BASE_DIR, capture_output=True, text=True, timeout=60,
                        # What cron gives a job: next to nothing.
                        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": scratch},
                    )
                    self.assertEqual(result.returncode, 0, result.stderr)
                    self.assertEqual(result.stdout.strip(), self.EXPECTED)

    def test_an_unquoted_display_name_is_what_broke_it(self):
        # The check above can fail: the guide's old line stops sh before the settings are read.
        with tempfile.TemporaryDirectory() as scratch:
            env_file = Path(scratch) / "env"
            env_file.write_text("DJANGO_DEFAULT_FROM_EMAIL=Leads <leads@example.com>\n")
            result = subprocess.run(["sh", "-c", f'set -a && . "{env_file}" && set +a'], capture_output=True,
                                    text=True, cwd=scratch, timeout=30)
            self.assertNotEqual(result.returncode, 0)


class ConfigurationCompletenessTests(SimpleTestCase):
    def test_every_environment_variable_the_code_reads_is_documented(self):
        documented = set(re.findall(r"`([A-Z][A-Z0-9_]+)`", CONFIGURATION.read_text()))
        read = {name: str(file.relative_to(BASE_DIR)) for file in python_files() for name in env_reads(file.read_text())}
        missing = {name: file for name, file in read.items() if name not in documented}
        self.assertEqual(missing, {}, "add these to docs/configuration.md")

    def test_the_scanner_finds_the_settings_reads(self):
        found = env_reads((BASE_DIR / "config" / "settings.py").read_text())
        self.assertLessEqual({"DJANGO_DEBUG", "DATABASE_URL", "CELERY_BROKER_URL", "LEADS_IMPORT_MAX_BYTES"}, found)
        self.assertEqual(
            env_reads('import os\nos.environ["A"]; os.environ.get("B"); os.getenv("C"); env.int("D", default=1); env("E")'),
            {"A", "B", "C", "D", "E"},
        )


class CronSectionTests(SimpleTestCase):
    def test_every_management_command_is_placed_by_the_cron_section(self):
        cron = section(GUIDE.read_text(), "8. Cron")
        commands = {
            file.stem for file in BASE_DIR.glob("*/management/commands/*.py") if not file.stem.startswith("_")
        }
        self.assertIn("mark_overdue_loans", commands)
        self.assertEqual({name for name in commands if f"`{name}`" not in cron and f"manage.py {name}" not in cron}, set())

    def test_every_cron_entry_runs_a_command_that_exists(self):
        cron = section(GUIDE.read_text(), "8. Cron")
        block = re.search(r"^```crontab\n(.*?)^```", cron, re.M | re.S).group(1)
        named = re.findall(r"manage\.py (\w+)", block)
        self.assertGreaterEqual(len(named), 7)  # six jobs, the rollups twice
        for name in named:
            self.assertTrue(list(BASE_DIR.glob(f"*/management/commands/{name}.py")), name)
