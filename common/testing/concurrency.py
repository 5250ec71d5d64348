"""Run code in threads at the same moment, for the tests of races (real row locks need PostgreSQL).

    from common.testing.concurrency import run_together

    first, second = run_together(lambda: pay("60.00"), lambda: pay("60.00"))

Each callable runs in a thread of its own; the threads wait at one barrier and start together. What
each returned comes back in the order given, or the exception it raised (an exception is a value
here, so a test asserts on refusals and crashes alike: see `errors`). Each thread closes its
database connections when it ends, as Django's request cycle does: a connection left open would
keep its transaction and locks, and a TransactionTestCase's flush would wait on it.

`start` runs one callable in the background (for a test that holds a lock while another thread
meets it), `meeting_point` makes threads meet inside the code under test (patched in as a side
effect), and `wait_for_a_blocked_backend` waits until a PostgreSQL session queues for a lock.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from django.db import connection, connections

# Longer than any call a test makes; a thread still running then is reported as hung.
TIMEOUT = 60


class Running:
    """A callable running in a thread of its own; `outcome()` waits for it."""

    def __init__(self, call: Callable[[], Any], *, before: Callable[[], Any] | None = None):
        self._outcome: Any = None
        self._thread = threading.Thread(target=self._run, args=(call, before), daemon=True)
        self._thread.start()

    def _run(self, call, before) -> None:
        try:
            if before is not None:
                before()
            self._outcome = call()
        except BaseException as exc:  # noqa: BLE001 - handed to the test thread as the outcome
            self._outcome = exc
        finally:
            connections.close_all()

    def outcome(self, timeout: float = TIMEOUT) -> Any:
        """What the callable returned, or the exception it raised; AssertionError if it is still running."""
        self._thread.join(timeout)
        if self._thread.is_alive():
            raise AssertionError(f"a thread did not finish within {timeout} s (hung, or deadlocked)")
        return self._outcome


def start(call: Callable[[], Any]) -> Running:
    """Run `call` in a thread of its own now; collect its outcome with `.outcome()`."""
    return Running(call)


def run_together(*calls: Callable[[], Any], timeout: float = TIMEOUT) -> list[Any]:
    """Run each callable in its own thread, all starting at once; their outcomes in the order given.

    An outcome is what the callable returned or the exception it raised. A thread that has not
    finished after `timeout` seconds fails the test (AssertionError).
    """
    barrier = threading.Barrier(len(calls))
    running = [Running(call, before=lambda: barrier.wait(timeout)) for call in calls]
    return [thread.outcome(timeout) for thread in running]


def errors(outcomes: list[Any]) -> list[BaseException]:
    """The exceptions among `run_together`'s outcomes."""
    return [outcome for outcome in outcomes if isinstance(outcome, BaseException)]


def meeting_point(parties: int, timeout: float) -> Callable[[], None]:
    """A function that waits until `parties` threads call it (or `timeout` passes, then goes on quietly).

    Patched into the code under test, it forces the interleaving a race needs, e.g. every thread's
    read before any thread's write. Where the code makes the threads take turns (a lock), the
    meeting cannot happen: the wait runs out and each goes on in turn, which is what such a test shows.
    """
    barrier = threading.Barrier(parties, timeout=timeout)

    def meet() -> None:
        try:
            barrier.wait()
        except threading.BrokenBarrierError:
            pass

    return meet


def wait_for_a_blocked_backend(timeout: float = 10) -> bool:
    """Until a PostgreSQL session of this database waits for a lock (True), or `timeout` passes (False)."""
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            # Statistics views are a snapshot per transaction (the caller may be inside one): refresh it.
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0]:
                return True
            time.sleep(0.02)
    return False
