"""A deployment by docs/deployment.md works: scripts/deploy_rehearsal.sh, run on this machine.

The script clones this repository's committed HEAD into a scratch directory and follows the guide
(the env file block, check --deploy, migrate, collectstatic, gunicorn and the Celery worker from
the units' ExecStart lines, every cron entry once), then opens every page with its static files,
builds the desk (npm ci, npm run build), signs in and runs an import through the worker. It reuses this virtualenv instead
of `pip install` (the one shortcut), so it takes about a minute. It runs once per CI run: skipped
in the PostgreSQL pass (DATABASE_URL set), since it brings its own PostgreSQL database anyway.
"""

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path
from unittest import SkipTest

from django.test import SimpleTestCase

BASE_DIR = Path(__file__).resolve().parents[2]
SERVICES = {"PostgreSQL": 5432, "Redis": 6379, "RabbitMQ": 5672}


def answers(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True
    except OSError:
        return False


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class DeploymentRehearsalTests(SimpleTestCase):
    def test_a_deployment_by_the_guide_serves_every_page_and_runs_every_job(self):
        if os.environ.get("DATABASE_URL"):
            raise SkipTest("runs once, in the SQLite pass (it creates its own PostgreSQL database)")
        if "faketime" in os.environ.get("LD_PRELOAD", ""):
            # Its gunicorn, Celery worker and build inherit the faked clock, whose timed waits never expire;
            # it holds no date of its own, and runs in `make test` on the real clock.
            raise SkipTest("runs on the real clock (make test), not under libfaketime (make test-future)")
        down = [name for name, port in SERVICES.items() if not answers(port)]
        if down:
            raise SkipTest(f"{', '.join(down)} not answering on 127.0.0.1")
        for tool in ("git", "psql", "curl"):
            if not shutil.which(tool):
                raise SkipTest(f"{tool} is not installed")
        if not (BASE_DIR / ".git").exists():
            raise SkipTest("not a git checkout: the rehearsal clones the repository")
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CELERY_", "REDIS_", "DATABASE_"))},
            "DEPLOY_VENV_FROM": sys.prefix,
            "DEPLOY_PYTHON": sys.executable,
            "DEPLOY_PORT": str(free_port()),
            "DEPLOY_DATABASE": f"leads_rehearsal_{os.getpid()}",
        }
        result = subprocess.run(
            ["bash", str(BASE_DIR / "scripts" / "deploy_rehearsal.sh"), str(BASE_DIR)],
            env=env, capture_output=True, text=True, timeout=300,
        )
        output = result.stdout + result.stderr
        self.assertEqual(result.returncode, 0, output[-6000:])
        for line in ("/admin/: 200, CSP", "/dashboard/: 302 to /desk/dashboard", "/desk/dashboard: 200, CSP", "/api/redoc/: 200, CSP", "/readyz: 200", "run by the Celery worker",
                     "REHEARSAL PASSED"):
            self.assertIn(line, output)
