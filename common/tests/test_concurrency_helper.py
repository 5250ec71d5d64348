"""The race harness every concurrency test uses (common/testing/concurrency.py) does what it says."""

import os
import threading
from unittest import skipIf

from django.test import SimpleTestCase

from common.testing.concurrency import errors, meeting_point, run_together, start

# Under libfaketime (`make test-future`) a timed wait that should expire never does: its deadline is an
# absolute time on the faked monotonic clock, which the kernel judges on the real one. Only the two
# tests below need a wait to expire; the harness's other behaviour is tested with the clock ahead too.
UNDER_FAKETIME = "faketime" in os.environ.get("LD_PRELOAD", "")
EXPIRING_WAITS = "a timed wait never expires under libfaketime (make test-future)"


class RunTogetherTests(SimpleTestCase):
    def test_outcomes_come_back_in_the_order_given_with_exceptions_as_values(self):
        def refuse():
            raise ValueError("refused")

        outcomes = run_together(lambda: 1, refuse, lambda: "three")
        self.assertEqual(outcomes[0], 1)
        self.assertIsInstance(outcomes[1], ValueError)
        self.assertEqual(outcomes[2], "three")
        self.assertEqual([str(exc) for exc in errors(outcomes)], ["refused"])

    def test_the_callables_run_at_the_same_time(self):
        # Each waits for the other to have started: run one after the other, the first would wait in vain.
        started = [threading.Event(), threading.Event()]

        def side(mine, other):
            started[mine].set()
            return started[other].wait(timeout=30)

        self.assertEqual(run_together(lambda: side(0, 1), lambda: side(1, 0)), [True, True])

    @skipIf(UNDER_FAKETIME, EXPIRING_WAITS)
    def test_a_thread_still_running_after_the_timeout_fails_the_test(self):
        release = threading.Event()
        self.addCleanup(release.set)
        with self.assertRaisesMessage(AssertionError, "did not finish"):
            run_together(release.wait, timeout=0.05)

    def test_start_runs_in_the_background_and_hands_back_the_outcome(self):
        release = threading.Event()
        running = start(lambda: release.wait(timeout=30) and "done")
        release.set()
        self.assertEqual(running.outcome(), "done")


class MeetingPointTests(SimpleTestCase):
    @skipIf(UNDER_FAKETIME, EXPIRING_WAITS)
    def test_threads_meet_then_go_on_and_a_lone_thread_goes_on_after_the_timeout(self):
        meet = meeting_point(2, timeout=30)
        self.assertEqual(run_together(meet, meet), [None, None])
        alone = meeting_point(2, timeout=0.05)
        self.assertIsNone(alone())  # nobody came: it goes on quietly
