"""send_payment_reminders, quiet hours across midnight, and payment_received."""

from datetime import timedelta
from decimal import Decimal
from io import StringIO

import time_machine
from django.core.management import call_command
from django.test import TestCase, override_settings
from django.utils import timezone

from leads.models import LoanStatus, MessagingConsent
from leads.services.payments import loan_payment_record
from leads.tests.factories import LeadFactory, LoanCommitmentFactory
from messaging.models import Message, MessageStatus
from messaging.quiet_hours import is_quiet, parse_quiet_hours, quiet_until
from messaging.services.outbox import message_deliver
from messaging.tests.base import FakeProvidersMixin, business_time
from messaging.tests.factories import ChannelFactory, ConsentingLeadFactory
from organizations.tests.factories import BranchFactory, UserFactory, branch_user


def run_reminders(*args) -> str:
    out = StringIO()
    call_command("send_payment_reminders", *args, stdout=out)
    return out.getvalue()


class QuietHoursTests(TestCase):
    @override_settings(MESSAGING_QUIET_HOURS="21:00-09:00")
    def test_quiet_hours_cross_midnight(self):
        for hour, minute, quiet in [(20, 59, False), (21, 0, True), (23, 30, True), (0, 0, True), (8, 59, True),
                                    (9, 0, False), (13, 0, False)]:
            with self.subTest(time=f"{hour}:{minute}"):
                self.assertEqual(is_quiet(business_time(hour, minute)), quiet)

    @override_settings(MESSAGING_QUIET_HOURS="21:00-09:00")
    def test_the_quiet_hours_end_the_next_morning(self):
        self.assertEqual(quiet_until(business_time(22, 15)), business_time(9, 0, days=1))
        self.assertEqual(quiet_until(business_time(3, 0)), business_time(9, 0))
        self.assertEqual(quiet_until(business_time(12, 0)), business_time(12, 0))

    def test_empty_means_none_and_nonsense_is_refused(self):
        from django.core.exceptions import ImproperlyConfigured

        self.assertIsNone(parse_quiet_hours(""))
        with self.assertRaises(ImproperlyConfigured):
            parse_quiet_hours("late evening")


class ReminderTests(FakeProvidersMixin, TestCase):
    def setUp(self):
        super().setUp()
        self.branch = BranchFactory()
        self.channel = ChannelFactory(organization=self.branch.organization)
        self.today = timezone.localdate()

    def commitment(self, days: int, *, consent=MessagingConsent.OPTED_IN, **kwargs):
        lead = LeadFactory(branch=self.branch, messaging_consent=consent)
        status = LoanStatus.OVERDUE if days < 0 else LoanStatus.PENDING
        return LoanCommitmentFactory(
            lead=lead, branch=self.branch, promised_clear_date=self.today + timedelta(days=days),
            status=kwargs.pop("status", status), **kwargs,
        )

    def test_one_reminder_per_commitment_per_kind_and_a_second_run_queues_none(self):
        due_soon, due_today, overdue_1, overdue_7 = (self.commitment(days) for days in (2, 0, -1, -7))
        for days in (1, 3, -2, -8):  # not a reminder day
            self.commitment(days)
        self.commitment(0, consent=MessagingConsent.UNKNOWN)
        self.commitment(0, consent=MessagingConsent.OPTED_OUT)
        self.commitment(0, status=LoanStatus.CLEARED)
        paid_up = self.commitment(0)
        type(paid_up).objects.filter(pk=paid_up.pk).update(paid_amount=paid_up.amount)

        with time_machine.travel(business_time(10, 0), tick=False), self.captureOnCommitCallbacks(execute=True):
            output = run_reminders()
        self.assertIn("Queued 4 payment reminders", output)
        keys = set(Message.objects.values_list("dedupe_key", flat=True))
        self.assertEqual(keys, {
            f"reminder:{due_soon.pk}:due_soon", f"reminder:{due_today.pk}:due_today",
            f"reminder:{overdue_1.pk}:overdue_1", f"reminder:{overdue_7.pk}:overdue_7",
        })
        templates = dict(Message.objects.values_list("dedupe_key", "template"))
        self.assertEqual(templates[f"reminder:{overdue_7.pk}:overdue_7"], "payment_overdue")
        self.assertEqual(Message.objects.filter(status=MessageStatus.SENT).count(), 4)
        self.assertEqual(self.whatsapp.sent_count(), 4)

        with time_machine.travel(business_time(15, 0), tick=False), self.captureOnCommitCallbacks(execute=True):
            self.assertIn("Queued 0 payment reminders", run_reminders())
        self.assertEqual(Message.objects.count(), 4)

    def test_the_reminder_names_the_balance_and_the_date(self):
        commitment = self.commitment(2, amount=Decimal("90000.00"))
        type(commitment).objects.filter(pk=commitment.pk).update(paid_amount=Decimal("30000.00"))
        with time_machine.travel(business_time(10, 0), tick=False), self.captureOnCommitCallbacks(execute=True):
            run_reminders()
        message = Message.objects.get()
        self.assertEqual(message.params[1], "PKR 60,000")
        self.assertIn((self.today + timedelta(days=2)).strftime("%d-%m-%Y"), message.body)
        self.assertTrue(message.respect_quiet_hours)

    def test_dry_run_and_date(self):
        self.commitment(5)  # due in 2 days as of 3 days from now
        day = (self.today + timedelta(days=3)).isoformat()
        with time_machine.travel(business_time(10, 0), tick=False):
            self.assertIn("Would queue 1 payment reminders", run_reminders("--dry-run", "--date", day))
            self.assertFalse(Message.objects.exists())
            self.assertIn("Queued 1 payment reminders", run_reminders("--date", day))

    @override_settings(MESSAGING_QUIET_HOURS="21:00-09:00")
    def test_never_inside_the_quiet_hours(self):
        self.commitment(0)
        for hour in (21, 23, 2, 8):
            with self.subTest(hour=hour), time_machine.travel(business_time(hour, 30), tick=False):
                self.assertIn("Inside the quiet hours", run_reminders())
        self.assertFalse(Message.objects.exists())

    @override_settings(MESSAGING_QUIET_HOURS="21:00-09:00")
    def test_a_reminder_still_queued_when_the_quiet_hours_begin_waits_for_the_morning(self):
        self.commitment(0)
        with time_machine.travel(business_time(20, 59), tick=False), self.captureOnCommitCallbacks(execute=False):
            run_reminders()
        message = Message.objects.get()
        with time_machine.travel(business_time(21, 30), tick=False):
            self.assertEqual(message_deliver(message_id=message.pk), "held")
        message.refresh_from_db()
        self.assertEqual(message.next_attempt_at, business_time(9, 0, days=1))
        self.assertEqual(self.whatsapp.requests, [])

    @override_settings(MESSAGING_LOG_PROVIDER=False)
    def test_organizations_without_a_channel_get_no_reminders_in_production(self):
        other_branch = BranchFactory()
        LoanCommitmentFactory(
            lead=LeadFactory(branch=other_branch, messaging_consent=MessagingConsent.OPTED_IN), branch=other_branch,
            promised_clear_date=self.today,
        )
        self.commitment(0)
        with time_machine.travel(business_time(10, 0), tick=False):
            output = run_reminders()
        self.assertIn("Queued 1 payment reminders", output)
        self.assertIn("1 skipped", output)


class PaymentReceivedTests(FakeProvidersMixin, TestCase):
    def setUp(self):
        super().setUp()
        self.lead = ConsentingLeadFactory(customer_name="Bilal Ahmed")
        ChannelFactory(organization=self.lead.organization)
        self.user = branch_user(self.lead.branch, user=UserFactory())
        self.commitment = LoanCommitmentFactory(lead=self.lead, branch=self.lead.branch, amount=Decimal("90000.00"))

    def test_a_recorded_payment_tells_a_consenting_customer_the_receipt_and_the_balance(self):
        with self.captureOnCommitCallbacks(execute=True):
            payment = loan_payment_record(commitment=self.commitment, amount=Decimal("30000"), actor=self.user)
        message = Message.objects.get()
        self.assertEqual(message.template, "payment_received")
        self.assertEqual(message.dedupe_key, f"payment_received:{payment.pk}")
        self.assertEqual(message.params, ["Bilal Ahmed", "PKR 30,000", payment.receipt_number, "PKR 60,000"])
        self.assertEqual(message.status, MessageStatus.SENT)
        self.assertEqual(message.created_by, self.user)
        self.assertFalse(message.respect_quiet_hours)

    def test_no_message_to_a_customer_who_has_not_opted_in(self):
        type(self.lead).objects.filter(pk=self.lead.pk).update(messaging_consent=MessagingConsent.OPTED_OUT)
        with self.captureOnCommitCallbacks(execute=True):
            loan_payment_record(commitment=self.commitment, amount=Decimal("30000"), actor=self.user)
        self.assertFalse(Message.objects.exists())
        self.assertEqual(self.whatsapp.requests, [])

    @override_settings(MESSAGING_LOG_PROVIDER=False)
    def test_the_payment_stands_when_the_message_cannot_be_queued(self):
        self.lead.organization.messaging_channels.all().delete()
        with self.assertLogs("messaging.receipts", "WARNING"):
            payment = loan_payment_record(commitment=self.commitment, amount=Decimal("30000"), actor=self.user)
        self.assertIsNotNone(payment.pk)
        self.commitment.refresh_from_db()
        self.assertEqual(self.commitment.paid_amount, Decimal("30000"))
        self.assertFalse(Message.objects.exists())
