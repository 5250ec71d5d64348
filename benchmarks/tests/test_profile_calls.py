"""`python -m benchmarks.profile_calls` at a tiny scale, so it does not rot between runs."""

import io
import os
from contextlib import redirect_stderr, redirect_stdout

from django.test import TestCase, override_settings

from benchmarks.profile_calls import main
from leads.tests.factories import LeadFactory
from organizations.tests.factories import BranchFactory, UserFactory, branch_user


@override_settings(ROOT_URLCONF="config.urls")
class ProfileCallsTests(TestCase):
    def test_counts_calls_per_request_and_refuses_a_path_that_is_not_200(self):
        environment = dict(os.environ)
        branch = BranchFactory()
        branch_user(branch, user=UserFactory(username="profiled"))
        lead = LeadFactory(branch=branch)
        out = io.StringIO()
        with redirect_stdout(out):
            self.assertEqual(main(["--user", "profiled", f"/api/leads/detail/{lead.pk}/"]), 0)
        calls = int(out.getvalue().split()[1].replace(",", ""))
        self.assertGreater(calls, 100)
        with redirect_stderr(io.StringIO()) as err:
            self.assertEqual(main(["--user", "profiled", "/api/leads/detail/999999/"]), 1)
        self.assertIn("404", err.getvalue())
        self.assertEqual(dict(os.environ), environment)  # later tests' subprocesses see the same environment
