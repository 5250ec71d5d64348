"""The README's walkthrough, executed: every ```sh block of its "Walkthrough" section, in order,
in one bash shell against a live server seeded with the demo data and today's dates, twice on the
same server, as a reader who pastes it again would.

The README cannot drift: a step that stops working (a renamed field, a new rule, a date that
became the past) fails here. The format is described in a comment in README.md's source.
"""

import os
import re
import shutil
import subprocess
from pathlib import Path
from unittest import skipUnless

from django.core.cache import cache
from django.core.management import call_command
from django.test import LiveServerTestCase, override_settings

README = Path(__file__).resolve().parents[2] / "README.md"
SH_BLOCK = re.compile(r"^```sh\n(.*?)^```", re.MULTILINE | re.DOTALL)
# `.venv/bin/python manage.py ARGS…` in a block runs the command in the live server's process (its database is
# the test's, which no other process reaches): a shell function posting ARGS to a test-only URL.
MANAGE = ".venv/bin/python manage.py "
MANAGE_RELAY = """manage_py() {
  curl -sf -H 'Content-Type: application/json' "$B/__manage__/" \\
    --data-binary "$(python3 -c 'import json, sys; print(json.dumps(sys.argv[1:]))' "$@")"
}
"""


def walkthrough_blocks(text: str) -> list[str]:
    """The ```sh blocks between "## Walkthrough" and the next level-2 heading."""
    section = text.split("\n## Walkthrough\n", 1)[1]
    section = re.split(r"^## ", section, maxsplit=1, flags=re.MULTILINE)[0]
    return SH_BLOCK.findall(section)


@skipUnless(shutil.which("bash") and shutil.which("curl"), "the walkthrough needs bash and curl")
@override_settings(ROOT_URLCONF="leads.tests.walkthrough_urls")
class ReadmeWalkthroughTests(LiveServerTestCase):
    def setUp(self):
        call_command("seed_demo", stdout=open(os.devnull, "w"))
        cache.clear()  # the walkthrough signs in twice: start with empty throttle counters
        self.addCleanup(cache.clear)

    def test_readme_has_a_walkthrough(self):
        self.assertGreaterEqual(len(walkthrough_blocks(README.read_text())), 3)

    def run_walkthrough(self, run: str):
        blocks = walkthrough_blocks(README.read_text())
        # Each block is announced on stderr, so a failure names the step that broke.
        script = "set -euo pipefail\n" + MANAGE_RELAY + "\n".join(
            f"echo '--- walkthrough block {number}' >&2\n{block.replace(MANAGE, 'manage_py ')}"
            for number, block in enumerate(blocks, 1)
        )
        result = subprocess.run(
            ["bash", "-c", script],
            env={**os.environ, "B": self.live_server_url},
            capture_output=True,
            text=True,
            timeout=300,
        )
        self.assertEqual(result.returncode, 0, f"{run} run\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}")
        self.assertIn("no longer due today", result.stdout)
        self.assertIn("converted", result.stdout)
        self.assertIn("1 web_form", result.stdout)  # the intake step: one lead for two posts, from the web form

    def test_walkthrough_runs_against_a_live_server_and_again_on_the_same_one(self):
        # A reader pastes it twice, or again after a mistake: no step may rely on running first.
        self.run_walkthrough("first")
        self.run_walkthrough("second")
