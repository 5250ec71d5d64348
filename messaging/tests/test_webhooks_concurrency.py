"""Webhook races on a real PostgreSQL server: one inbound message delivered twice at once, callbacks racing."""

import unittest

from django.db import connection
from django.test import TransactionTestCase, override_settings
from django.utils import timezone

from common.testing.concurrency import errors, run_together
from leads.models import FollowUpHistory, Lead
from leads.tests.factories import LeadFactory
from messaging.models import Message, MessageStatus
from messaging.services.inbound import InboundMessage, inbound_message_receive
from messaging.services.statuses import StatusUpdate, message_status_apply
from messaging.tests.base import FakeProvidersMixin
from messaging.tests.factories import ChannelFactory, MessageFactory
from organizations.tests.factories import BranchFactory

PHONE = "+923001234567"


@unittest.skipUnless(connection.vendor == "postgresql", "needs PostgreSQL: SQLite serialises every writer")
@override_settings(CELERY_TASK_ALWAYS_EAGER=True)
class InboundRaceTests(FakeProvidersMixin, TransactionTestCase):
    def setUp(self):
        super().setUp()
        self.branch = BranchFactory()
        self.channel = ChannelFactory(organization=self.branch.organization)

    def receive(self, message_id: str, text: str = "Salam", sender: str = PHONE):
        inbound = InboundMessage(provider_message_id=message_id, from_number=sender, text=text, at=timezone.now())
        return lambda: inbound_message_receive(channel=self.channel, inbound=inbound).result

    def test_one_message_delivered_four_times_at_once_is_one_row_and_one_follow_up(self):
        LeadFactory(branch=self.branch, contact_number=PHONE)
        outcomes = run_together(*[self.receive("wamid.RACE")] * 4)
        self.assertEqual(errors(outcomes), [])
        self.assertEqual(sorted(outcomes), ["duplicate", "duplicate", "duplicate", "stored"])
        self.assertEqual(Message.objects.count(), 1)
        self.assertEqual(FollowUpHistory.objects.count(), 1)

    def test_an_unknown_number_s_first_message_delivered_twice_at_once_is_one_lead(self):
        outcomes = run_together(self.receive("wamid.NEW"), self.receive("wamid.NEW"))
        self.assertEqual(errors(outcomes), [])
        self.assertEqual(sorted(outcomes), ["duplicate", "stored"])
        self.assertEqual((Lead.objects.count(), Message.objects.count()), (1, 1))

    def test_two_first_messages_from_one_new_number_at_once_make_one_lead(self):
        outcomes = run_together(self.receive("wamid.ONE", "Hello"), self.receive("wamid.TWO", "Anyone?"))
        self.assertEqual(errors(outcomes), [])
        self.assertEqual(Lead.objects.count(), 1)
        self.assertEqual(Message.objects.count(), 2)
        self.assertEqual(FollowUpHistory.objects.count(), 1)  # the second is a follow-up on the lead the first made


@unittest.skipUnless(connection.vendor == "postgresql", "needs PostgreSQL: SQLite serialises every writer")
class StatusRaceTests(TransactionTestCase):
    def test_racing_callbacks_never_move_a_status_back(self):
        branch = BranchFactory()
        channel = ChannelFactory(organization=branch.organization)
        for _ in range(5):
            message = MessageFactory(lead=LeadFactory(branch=branch), channel_account=channel,
                                     status=MessageStatus.SENT, provider_message_id=f"wamid.R{branch.pk}-{_}")
            calls = [
                (lambda status=status: message_status_apply(channel=channel, update=StatusUpdate(
                    message.provider_message_id, status, timezone.now())))
                for status in (MessageStatus.READ, MessageStatus.DELIVERED, MessageStatus.SENT, MessageStatus.FAILED)
            ]
            outcomes = run_together(*calls)
            self.assertEqual(errors(outcomes), [])
            message.refresh_from_db()
            # Whichever ran first, the read (from any earlier status) or the failure (from sent) is where it ends:
            # never back at sent or delivered, and never both read and failed.
            self.assertIn(message.status, (MessageStatus.READ, MessageStatus.FAILED))
            self.assertEqual(message.status == MessageStatus.READ, message.failed_at is None)
            self.assertEqual(outcomes[2], "unchanged")  # sent, on a message already sent
