"""The cron jobs: mark_overdue_loans and send_followup_reminders, through call_command as cron runs them."""

import smtplib
import threading
from datetime import date, datetime, timedelta
from datetime import time as clock_time
from io import StringIO
from unittest import mock

import time_machine
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.core.management import CommandError, call_command
from django.db import OperationalError, transaction
from django.test import TestCase, TransactionTestCase, override_settings, skipUnlessDBFeature
from django.utils import timezone

from common.testing.concurrency import start, wait_for_a_blocked_backend
from leads.models import FollowUpReminder, Lead, LeadStatus, LoanCommitment, LoanStatus
from leads.reminders import STALE_CLAIM_AFTER, followup_digests
from leads.services import MARK_OVERDUE_CHANGE_REASON, loan_commitments_mark_overdue
from leads.tests.factories import FollowUpHistoryFactory, LeadFactory, LoanCommitmentFactory
from organizations.models import Membership, MembershipRole
from organizations.tests.factories import BranchFactory, MembershipFactory, UserFactory, branch_user

# The cron jobs run "for a day": the tests pin that day and freeze the clock on it (ticking, so
# claims and timeouts still see time pass), so "today", "now" and the fixtures agree on any real day.
DAY = date(2026, 11, 27)


def morning_of(day):
    return time_machine.travel(datetime.combine(day, clock_time(9, 30), timezone.get_default_timezone()))


def on_day(test_class):
    return morning_of(DAY)(test_class)
HistoricalLoanCommitment = LoanCommitment.history.model


def run(command, *args):
    out = StringIO()
    call_command(command, *args, stdout=out, stderr=StringIO())
    return out.getvalue().strip()


def marked_history():
    return HistoricalLoanCommitment.objects.filter(history_change_reason=MARK_OVERDUE_CHANGE_REASON)


@on_day
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

        self.assertEqual(run("mark_overdue_loans", "--date", str(DAY + timedelta(days=3))), "Marked 0 loan commitments as overdue.")
        self.assertEqual(self.status_of(in_three_days), LoanStatus.PENDING)
        self.assertEqual(run("mark_overdue_loans", "--date", str(DAY + timedelta(days=4))), "Marked 1 loan commitments as overdue.")
        self.assertEqual(self.status_of(in_three_days), LoanStatus.OVERDUE)

    @morning_of(DAY + timedelta(days=10))
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
@on_day
class OverlappingMarkOverdueRunsTests(TransactionTestCase):
    def test_a_run_overlapping_another_marks_nothing_twice_and_writes_no_duplicate_history(self):
        LoanCommitmentFactory.create_batch(3, promised_clear_date=DAY - timedelta(days=1))
        first_done, release_first = threading.Event(), threading.Event()

        def first_run_holding_its_transaction_open():
            try:
                with transaction.atomic():
                    marked = loan_commitments_mark_overdue(as_of=DAY)
                    first_done.set()
                    release_first.wait(timeout=30)
                return marked
            finally:
                first_done.set()  # never leave the main thread waiting, even if the run failed

        first = start(first_run_holding_its_transaction_open)
        first_done.wait(timeout=30)
        second = start(lambda: loan_commitments_mark_overdue(as_of=DAY))
        wait_for_a_blocked_backend(timeout=10)  # the second run reaches the first one's row locks
        release_first.set()

        self.assertEqual({"first": first.outcome(timeout=30), "second": second.outcome(timeout=30)}, {"first": 3, "second": 0})
        self.assertEqual(marked_history().count(), 3)
        self.assertEqual(LoanCommitment.objects.filter(status=LoanStatus.OVERDUE).count(), 3)


FAILING_ADDRESS = "refused@example.com"


class RefusingBackend(LocmemBackend):
    """The test outbox, except that mail to FAILING_ADDRESS fails the way a refused SMTP recipient does."""

    def send_messages(self, messages):
        for message in messages:
            if FAILING_ADDRESS in message.to:
                raise smtplib.SMTPRecipientsRefused({FAILING_ADDRESS: (550, b"mailbox unavailable")})
        return super().send_messages(messages)


@on_day
class SendFollowupRemindersTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.lahore = BranchFactory(name="Lahore Main", code="A1")
        cls.karachi = BranchFactory(name="Karachi Saddar", code="A2", organization=cls.lahore.organization)
        cls.lahore_user = branch_user(cls.lahore, user__username="lahore_staff")
        cls.karachi_user = branch_user(cls.karachi, user__username="karachi_staff")
        cls.due = LeadFactory(
            branch=cls.lahore, customer_name="Ayesha Khan", contact_number="+923001234567", next_followup_date=DAY
        )
        now = timezone.now()
        FollowUpHistoryFactory(lead=cls.due, remarks="Asked for the brochure.", followup_at=now - timedelta(days=9))
        FollowUpHistoryFactory(lead=cls.due, remarks="Wants the December package.", followup_at=now - timedelta(days=2))
        cls.overdue = LeadFactory(
            branch=cls.lahore, customer_name="Bilal Ahmed", contact_number="+923211112222",
            next_followup_date=DAY - timedelta(days=2),
        )
        cls.tomorrow = LeadFactory(branch=cls.lahore, customer_name="Fatima Noor", next_followup_date=DAY + timedelta(days=1))
        LeadFactory(branch=cls.lahore, customer_name="Converted Customer", next_followup_date=DAY, lead_status=LeadStatus.CONVERTED)
        LeadFactory(branch=cls.lahore, customer_name="Lost Customer", next_followup_date=DAY, lead_status=LeadStatus.LOST)
        cls.karachi_lead = LeadFactory(
            branch=cls.karachi, customer_name="Usman Tariq", contact_number="+923451234567", next_followup_date=DAY
        )

    def send(self, *args):
        return run("send_followup_reminders", "--date", DAY.isoformat(), *args)

    def mail_to(self, user):
        messages = [message for message in mail.outbox if user.email in message.to]
        self.assertLessEqual(len(messages), 1, f"{user} got {len(messages)} digests")
        return messages[0] if messages else None

    def test_branch_user_gets_their_branch_leads_due_and_overdue_with_contact_and_last_remarks(self):
        self.send()

        message = self.mail_to(self.lahore_user)
        self.assertEqual(message.subject, "Lead follow-ups for 27 Nov 2026: 1 due, 1 overdue")
        self.assertEqual(message.to, [self.lahore_user.email])
        for expected in ("Lahore Main (A1)", "Ayesha Khan", "+923001234567", "Wants the December package.",
                         "Bilal Ahmed", "+923211112222", "was due 25 Nov"):
            self.assertIn(expected, message.body)
        for unexpected in ("Asked for the brochure.", "Fatima Noor", "Converted Customer", "Lost Customer", "Usman Tariq"):
            self.assertNotIn(unexpected, message.body)
        html, mimetype = message.alternatives[0]
        self.assertEqual(mimetype, "text/html")
        self.assertIn("Wants the December package.", html)

    def test_another_branch_user_gets_only_their_own_branch_leads(self):
        self.send()

        body = self.mail_to(self.karachi_user).body
        self.assertIn("Usman Tariq", body)
        self.assertIn("+923451234567", body)
        self.assertIn("no follow-up recorded yet", body)
        self.assertNotIn("Ayesha Khan", body)
        self.assertNotIn("Bilal Ahmed", body)
        self.assertEqual(len(mail.outbox), 2)

    def test_summary_counts_emails_and_distinct_leads(self):
        self.assertEqual(self.send(), "Sent 2 reminder emails for 3 leads.")

    def test_user_without_email_and_inactive_user_are_skipped(self):
        no_email = branch_user(self.lahore, user__email="")
        inactive = branch_user(self.lahore, user__is_active=False)

        self.assertEqual(self.send(), "Sent 2 reminder emails for 3 leads.")
        self.assertIsNone(self.mail_to(inactive))
        self.assertFalse(FollowUpReminder.objects.filter(user__in=[no_email, inactive]).exists())

    def test_assignee_with_no_membership_gets_nothing_about_the_lead(self):
        outsider = UserFactory(username="field_agent")
        Lead.objects.filter(pk=self.overdue.pk).update(assigned_to=outsider)

        self.assertEqual(self.send(), "Sent 2 reminder emails for 3 leads.")
        self.assertIsNone(self.mail_to(outsider))

    def test_assignee_moved_to_another_organization_no_longer_hears_of_the_lead(self):
        # Assigned while a member of the lead's branch, then moved to another organization.
        moved = branch_user(self.lahore, user__username="moved_agent")
        Lead.objects.filter(pk=self.overdue.pk).update(assigned_to=moved)
        Membership.objects.filter(user=moved).delete()
        branch_user(BranchFactory(code="B1"), user=moved)

        self.send()

        self.assertIsNone(self.mail_to(moved))
        self.assertNotIn("Bilal Ahmed", "".join(message.body for message in mail.outbox if moved.email in message.to))

    def test_assignee_who_is_org_admin_gets_the_assigned_lead_of_any_branch_of_the_organization(self):
        admin = MembershipFactory(
            branch=None, organization=self.lahore.organization, role=MembershipRole.ORG_ADMIN,
            user__username="org_boss",
        ).user
        Lead.objects.filter(pk=self.due.pk).update(assigned_to=admin)
        Lead.objects.filter(pk=self.karachi_lead.pk).update(assigned_to=admin)

        self.send()

        body = self.mail_to(admin).body
        for expected in ("Karachi Saddar (A2)", "Usman Tariq", "Lahore Main (A1)", "Ayesha Khan"):
            self.assertIn(expected, body)
        self.assertNotIn("Bilal Ahmed", body)

    def test_staff_assignee_gets_the_assigned_lead(self):
        staff = UserFactory(username="head_office", is_staff=True)
        Lead.objects.filter(pk=self.overdue.pk).update(assigned_to=staff)

        self.send()

        self.assertIn("Bilal Ahmed", self.mail_to(staff).body)

    def test_member_of_two_branches_gets_one_digest_covering_both(self):
        MembershipFactory(user=self.lahore_user, branch=self.karachi)

        self.send()

        body = self.mail_to(self.lahore_user).body
        for expected in ("Lahore Main (A1)", "Karachi Saddar (A2)", "Ayesha Khan", "Bilal Ahmed", "Usman Tariq"):
            self.assertIn(expected, body)

    def test_a_second_run_the_same_day_sends_nothing_and_the_next_day_sends_again(self):
        self.send()
        self.assertEqual(self.send(), "Sent 0 reminder emails for 0 leads.")
        self.assertEqual(len(mail.outbox), 2)

        next_day = run("send_followup_reminders", "--date", (DAY + timedelta(days=1)).isoformat())
        self.assertEqual(next_day, "Sent 2 reminder emails for 4 leads.")

    def test_the_claim_records_when_the_digest_went_out_and_how_many_leads_it_held(self):
        before = timezone.now()
        self.send()

        claim = FollowUpReminder.objects.get(user=self.lahore_user, day=DAY)
        self.assertEqual(claim.lead_count, 2)
        self.assertGreaterEqual(claim.sent_at, before)

    def test_a_user_claimed_by_another_run_is_skipped(self):
        FollowUpReminder.objects.create(user=self.lahore_user, day=DAY)  # another host is sending it right now

        self.assertEqual(self.send(), "Sent 1 reminder emails for 1 leads.")
        self.assertIsNone(self.mail_to(self.lahore_user))
        self.assertIsNotNone(self.mail_to(self.karachi_user))

    def test_a_stale_unsent_claim_is_taken_over(self):
        # The run that took this claim died before sending; after STALE_CLAIM_AFTER another run sends it.
        FollowUpReminder.objects.create(
            user=self.lahore_user, day=DAY, claimed_at=timezone.now() - STALE_CLAIM_AFTER - timedelta(minutes=1)
        )

        self.assertEqual(self.send(), "Sent 2 reminder emails for 3 leads.")
        self.assertIsNotNone(self.mail_to(self.lahore_user))
        self.assertIsNotNone(FollowUpReminder.objects.get(user=self.lahore_user, day=DAY).sent_at)

    def test_a_failed_email_releases_the_claim_reports_it_and_the_next_run_retries(self):
        self.lahore_user.email = FAILING_ADDRESS
        self.lahore_user.save()
        out, err = StringIO(), StringIO()

        with override_settings(EMAIL_BACKEND="leads.tests.test_commands.RefusingBackend"):
            with self.assertRaisesMessage(CommandError, "1 reminder emails failed"):
                call_command("send_followup_reminders", "--date", DAY.isoformat(), stdout=out, stderr=err)

        self.assertEqual(out.getvalue().strip(), "Sent 1 reminder emails for 1 leads.")
        self.assertIn(FAILING_ADDRESS, err.getvalue())
        self.assertFalse(FollowUpReminder.objects.filter(user=self.lahore_user).exists())
        self.assertEqual(self.send(), "Sent 1 reminder emails for 2 leads.")
        self.assertIsNotNone(self.mail_to(self.lahore_user))

    def test_dry_run_counts_and_neither_claims_nor_sends(self):
        FollowUpReminder.objects.create(user=self.karachi_user, day=DAY, sent_at=timezone.now())

        self.assertEqual(self.send("--dry-run"), "Would send 1 reminder emails for 2 leads.")
        self.assertEqual(mail.outbox, [])
        self.assertEqual(FollowUpReminder.objects.count(), 1)

    def test_date_option_sends_the_digest_for_that_day(self):
        run("send_followup_reminders", "--date", (DAY + timedelta(days=1)).isoformat())

        message = self.mail_to(self.lahore_user)
        self.assertEqual(message.subject, "Lead follow-ups for 28 Nov 2026: 1 due, 2 overdue")
        self.assertIn("Fatima Noor", message.body)

    @morning_of(DAY + timedelta(days=10))
    def test_without_date_the_day_is_local_today(self):
        LeadFactory(branch=self.lahore, customer_name="Today Customer", next_followup_date=timezone.localdate())

        run("send_followup_reminders")

        self.assertIn("Today Customer", self.mail_to(self.lahore_user).body)
        self.assertTrue(FollowUpReminder.objects.filter(user=self.lahore_user, day=timezone.localdate()).exists())

    def test_a_bad_date_is_a_command_error(self):
        with self.assertRaisesMessage(CommandError, "use YYYY-MM-DD"):
            run("send_followup_reminders", "--date", "27-11-2026")
        self.assertEqual(mail.outbox, [])

    def test_building_the_digests_takes_three_queries_whatever_the_number_of_leads(self):
        for extra in (0, 30):
            with self.subTest(extra_leads=extra):
                for branch in (self.lahore, self.karachi):
                    for lead in LeadFactory.create_batch(extra // 2, branch=branch, next_followup_date=DAY):
                        FollowUpHistoryFactory(lead=lead)
                # The due leads with branch, assignee and last remarks joined in; the payments due (with lead
                # and branch); the branch memberships with users.
                with self.assertNumQueries(3):
                    digests = followup_digests(day=DAY)
                self.assertEqual(sum(len(d.lead_ids) for d in digests), 3 + extra)
