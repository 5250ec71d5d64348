"""Races on a real PostgreSQL server: two workers on one message, two reminder runs at once."""

import unittest
from datetime import timedelta
from io import StringIO
from unittest import mock

from django.core.management import call_command
from django.db import connection
from django.test import TransactionTestCase, override_settings
from django.utils import timezone

from common.testing.concurrency import errors, meeting_point, run_together
from leads.models import LoanStatus
from leads.tests.factories import LoanCommitmentFactory
from messaging.models import Message, MessageStatus
from messaging.services import outbox
from messaging.services.outbox import message_deliver, message_queue
from messaging.tests.base import FakeProvidersMixin
from messaging.tests.factories import ChannelFactory, ConsentingLeadFactory
from organizations.tests.factories import BranchFactory


@unittest.skipUnless(connection.vendor == "postgresql", "needs PostgreSQL: SQLite serialises every writer")
class ClaimRaceTests(FakeProvidersMixin, TransactionTestCase):
    def setUp(self):
        super().setUp()
        self.lead = ConsentingLeadFactory()
        ChannelFactory(organization=self.lead.organization)

    def queued(self, lead=None) -> Message:
        with mock.patch.object(outbox, "enqueue_on_commit"):  # the workers below are the only senders
            return message_queue(lead=lead or self.lead, template="payment_due_today", params=["a", "b", "c"])

    def test_two_workers_racing_on_one_message_call_the_provider_once(self):
        message = self.queued()
        # Both workers read the row as queued and unclaimed before either claims it.
        both_read = meeting_point(2, timeout=10)
        real_claim = outbox._claim

        def claim_after_both_read(*args, **kwargs):
            both_read()
            return real_claim(*args, **kwargs)

        with mock.patch.object(outbox, "_claim", side_effect=claim_after_both_read):
            outcomes = run_together(lambda: message_deliver(message_id=message.pk), lambda: message_deliver(message_id=message.pk))
        self.assertEqual(errors(outcomes), [])
        self.assertEqual(sorted(outcomes), ["sent", "skipped"])
        self.assertEqual(self.whatsapp.sent_count(), 1)
        message.refresh_from_db()
        self.assertEqual((message.status, message.attempts), (MessageStatus.SENT, 1))

    def test_two_messages_to_one_customer_at_once_keep_the_gap(self):
        first, second = self.queued(), self.queued()
        outcomes = run_together(lambda: message_deliver(message_id=first.pk), lambda: message_deliver(message_id=second.pk))
        self.assertEqual(errors(outcomes), [])
        self.assertEqual(sorted(outcomes), ["held", "sent"])
        self.assertEqual(self.whatsapp.sent_count(), 1)

    def test_the_daily_limit_holds_under_concurrent_claims(self):
        channel = self.lead.organization.messaging_channels.get()
        channel.daily_limit = 2
        channel.save()
        leads = [ConsentingLeadFactory(branch=self.lead.branch) for _ in range(4)]
        messages = [self.queued(lead) for lead in leads]
        outcomes = run_together(*[(lambda pk=m.pk: message_deliver(message_id=pk)) for m in messages])
        self.assertEqual(errors(outcomes), [])
        self.assertEqual(sorted(outcomes), ["held", "held", "sent", "sent"])
        self.assertEqual(self.whatsapp.sent_count(), 2)


@unittest.skipUnless(connection.vendor == "postgresql", "needs PostgreSQL: SQLite serialises every writer")
@override_settings(MESSAGING_QUIET_HOURS="")
class ReminderRaceTests(FakeProvidersMixin, TransactionTestCase):
    def test_two_overlapping_runs_queue_each_reminder_once(self):
        branch = BranchFactory()
        ChannelFactory(organization=branch.organization)
        today = timezone.localdate()
        for days in (2, 0, -1, -7, 0, 2):
            LoanCommitmentFactory(
                lead=ConsentingLeadFactory(branch=branch), branch=branch,
                promised_clear_date=today + timedelta(days=days),
                status=LoanStatus.OVERDUE if days < 0 else LoanStatus.PENDING,
            )
        outputs = run_together(*[lambda: call_command("send_payment_reminders", stdout=StringIO())] * 2)
        self.assertEqual(errors(outputs), [])
        self.assertEqual(Message.objects.count(), 6)
        self.assertEqual(Message.objects.values("dedupe_key").distinct().count(), 6)
        self.assertEqual(self.whatsapp.sent_count(), 6)
        self.assertEqual(len(set(self.whatsapp.opaque_ids())), 6)
