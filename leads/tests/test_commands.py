"""The cron jobs: mark_overdue_loans and send_followup_reminders, through call_command as cron runs them."""

import threading
import time
from datetime import date, timedelta
from io import StringIO
from unittest import mock

from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.core.management import CommandError, call_command
from django.db import OperationalError, connection, transaction
from django.test import TestCase, TransactionTestCase, override_settings, skipUnlessDBFeature
from django.utils import timezone

from leads.models import FollowUpReminder, LeadStatus, LoanCommitment, LoanStatus
from leads.reminders import STALE_CLAIM_AFTER, followup_digests
from leads.services import MARK_OVERDUE_CHANGE_REASON, loan_commitments_mark_overdue
from leads.tests.factories import FollowUpHistoryFactory, LeadFactory, LoanCommitmentFactory
from organizations.tests.factories import BranchFactory, UserFactory, branch_user

DAY = date(2026, 11, 27)
HistoricalLoanCommitment = LoanCommitment.history.model


def run(command, *args):
    out = StringIO()
    call_command(command, *args, stdout=out, stderr=StringIO())
    return out.getvalue().strip()


def marked_history():
    return HistoricalLoanCommitment.objects.filter(history_change_reason=MARK_OVERDUE_CHANGE_REASON)


class MarkOverdueLoansTests(TestCase):
    def promise(self, days_from_day, status=LoanStatus.PENDING):
        return LoanCommitmentFactory(promised_clear_date=DAY + timedelta(days=days_from_day), status=status)

    def status_of(self, commitment):
        commitment.refresh_from_db()
        return commitment.status

    def test_pending_commitment_promised_before_the_day_becomes_overdue_and_later_ones_stay_pending(self):
        yesterday, today, tomorrow = self.promise(-1), self.promise(0), self.promise(1)

        output = run("mark_overdue_loans", "--date", DAY.isoformat())

        self.assertEqual(output, "Marked 1 loan commitments as overdue.")
        self.assertEqual(self.status_of(yesterday), LoanStatus.OVERDUE)
        self.assertEqual(self.status_of(today), LoanStatus.PENDING)
        self.assertEqual(self.status_of(tomorrow), LoanStatus.PENDING)

    def test_cleared_cancelled_and_already_overdue_commitments_are_untouched(self):
        cleared = self.promise(-3, LoanStatus.CLEARED)
        cancelled = self.promise(-3, LoanStatus.CANCELLED)
        overdue = self.promise(-3, LoanStatus.OVERDUE)

        output = run("mark_overdue_loans", "--date", DAY.isoformat())

        self.assertEqual(output, "Marked 0 loan commitments as overdue.")
        self.assertEqual(self.status_of(cleared), LoanStatus.CLEARED)
        self.assertEqual(self.status_of(cancelled), LoanStatus.CANCELLED)
        self.assertEqual(self.status_of(overdue), LoanStatus.OVERDUE)
        self.assertFalse(marked_history().exists())

    def test_date_option_judges_as_of_that_day(self):
        in_three_days = self.promise(3)

        self.assertEqual(run("mark_overdue_loans", "--date", "2026-11-30"), "Marked 0 loan commitments as overdue.")
        self.assertEqual(self.status_of(in_three_days), LoanStatus.PENDING)
        self.assertEqual(run("mark_overdue_loans", "--date", "2026-12-01"), "Marked 1 loan commitments as overdue.")
        self.assertEqual(self.status_of(in_three_days), LoanStatus.OVERDUE)

    def test_without_date_the_day_is_local_today(self):
        today = timezone.localdate()
        due_yesterday = LoanCommitmentFactory(promised_clear_date=today - timedelta(days=1))
        due_today = LoanCommitmentFactory(promised_clear_date=today)

        self.assertEqual(run("mark_overdue_loans"), "Marked 1 loan commitments as overdue.")
        self.assertEqual(self.status_of(due_yesterday), LoanStatus.OVERDUE)
        self.assertEqual(self.status_of(due_today), LoanStatus.PENDING)

    def test_dry_run_counts_and_changes_nothing(self):
        commitments = [self.promise(-1), self.promise(-10)]

        output = run("mark_overdue_loans", "--date", DAY.isoformat(), "--dry-run")

        self.assertEqual(output, "Would mark 2 loan commitments as overdue.")
        self.assertEqual({self.status_of(c) for c in commitments}, {LoanStatus.PENDING})
        self.assertFalse(marked_history().exists())

    def test_second_run_marks_nothing_and_writes_no_more_history(self):
        self.promise(-1)
        self.promise(-2)

        first = run("mark_overdue_loans", "--date", DAY.isoformat())
        second = run("mark_overdue_loans", "--date", DAY.isoformat())

        self.assertEqual(first, "Marked 2 loan commitments as overdue.")
        self.assertEqual(second, "Marked 0 loan commitments as overdue.")
        self.assertEqual(marked_history().count(), 2)

    def test_the_summary_is_logged_on_the_leads_logger(self):
        self.promise(-1)
        with self.assertLogs("leads", "INFO") as logs:
            run("mark_overdue_loans", "--date", DAY.isoformat())
        self.assertIn("Marked 1 loan commitments as overdue.", logs.output[-1])

    def test_a_bad_date_is_a_command_error(self):
        self.promise(-1)
        for value in ("2026-13-01", "27/11/2026", "yesterday", ""):
            with self.subTest(value=value), self.assertRaisesMessage(CommandError, "use YYYY-MM-DD"):
                run("mark_overdue_loans", "--date", value)
        self.assertFalse(LoanCommitment.objects.filter(status=LoanStatus.OVERDUE).exists())

    def test_a_database_error_is_a_command_error(self):
        with mock.patch(
            "leads.management.commands.mark_overdue_loans.loan_commitments_mark_overdue",
            side_effect=OperationalError("database is locked"),
        ), self.assertLogs("leads", "ERROR"):
            with self.assertRaisesMessage(CommandError, "database is locked"):
                run("mark_overdue_loans", "--date", DAY.isoformat())

    def test_each_marked_commitment_gets_a_history_row_in_its_new_state(self):
        marked = self.promise(-1)
        untouched = self.promise(1)
        before = timezone.now()

        run("mark_overdue_loans", "--date", DAY.isoformat())

        rows = list(marked_history())
        self.assertEqual(len(rows), 1)
        row = rows[0]
        self.assertEqual(row.id, marked.pk)
        self.assertEqual(row.history_type, "~")
        self.assertIsNone(row.history_user_id)
        self.assertEqual(row.status, LoanStatus.OVERDUE)
        self.assertEqual((row.lead_id, row.amount, row.promised_clear_date), (marked.lead_id, marked.amount, marked.promised_clear_date))
        self.assertGreaterEqual(row.history_date, before)
        self.assertEqual(marked.history.first().history_id, row.history_id)
        self.assertEqual(untouched.history.count(), 1)  # only its creation
        marked.refresh_from_db()
        self.assertEqual(marked.updated_at, row.history_date)

    def test_query_count_does_not_grow_with_the_number_of_commitments(self):
        for size in (3, 60):
            with self.subTest(size=size):
                LoanCommitment.objects.all().delete()
                LoanCommitmentFactory.create_batch(size, promised_clear_date=DAY - timedelta(days=1))
                # SAVEPOINT (the service's atomic inside the test's transaction), INSERT … SELECT of the
                # history rows, the conditional UPDATE, RELEASE SAVEPOINT.
                with self.assertNumQueries(4):
                    marked = loan_commitments_mark_overdue(as_of=DAY)
                self.assertEqual(marked, size)
                # The dry run is one COUNT.
                with self.assertNumQueries(1):
                    loan_commitments_mark_overdue(as_of=DAY + timedelta(days=30), dry_run=True)


@skipUnlessDBFeature("has_select_for_update")
class OverlappingMarkOverdueRunsTests(TransactionTestCase):
    def test_a_run_overlapping_another_marks_nothing_twice_and_writes_no_duplicate_history(self):
        LoanCommitmentFactory.create_batch(3, promised_clear_date=DAY - timedelta(days=1))
        first_done, release_first, results, errors = threading.Event(), threading.Event(), {}, []

        def in_thread(name, work):
            def target():
                try:
                    results[name] = work()
                except Exception as exc:  # surfaced by the assertion below
                    errors.append(exc)
                finally:
                    first_done.set()
                    connection.close()
            return threading.Thread(target=target)

        def first_run_holding_its_transaction_open():
            with transaction.atomic():
                marked = loan_commitments_mark_overdue(as_of=DAY)
                first_done.set()
                release_first.wait(timeout=30)
            return marked

        first = in_thread("first", first_run_holding_its_transaction_open)
        first.start()
        first_done.wait(timeout=30)
        second = in_thread("second", lambda: loan_commitments_mark_overdue(as_of=DAY))
        second.start()
        self._wait_for_a_blocked_backend()
        release_first.set()
        first.join(timeout=30)
        second.join(timeout=30)

        self.assertEqual(errors, [])
        self.assertEqual(results, {"first": 3, "second": 0})
        self.assertEqual(marked_history().count(), 3)
        self.assertEqual(LoanCommitment.objects.filter(status=LoanStatus.OVERDUE).count(), 3)

    def _wait_for_a_blocked_backend(self):
        """Let the second run reach the first one's row locks, so the overlap really happens."""
        deadline = time.monotonic() + 10
        with connection.cursor() as cursor:
            while time.monotonic() < deadline:
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
                )
                if cursor.fetchone()[0]:
                    return
                time.sleep(0.02)
