"""The outbox: consent, the WhatsApp window, sending through the fake providers, retries, give-up, claims, limits."""

from datetime import timedelta

import time_machine
from django.core.management import call_command
from django.test import TestCase, override_settings
from django.utils import timezone

from common.errors import StateConflict
from leads.models import ConsentVia, MessagingConsent
from leads.tests.factories import LeadFactory
from messaging.models import Message, MessageStatus
from messaging.services.outbox import (
    STALE_CLAIM_REASON,
    message_deliver,
    message_queue,
    messages_fail_stale_claims,
)
from messaging.tests.base import FakeProvidersMixin
from messaging.tests.factories import (
    ChannelFactory,
    ConsentingLeadFactory,
    InboundMessageFactory,
    TwilioChannelFactory,
)
from messaging.tests.fakes import Answer, FakeTwilio, FakeWhatsApp
from organizations.tests.factories import BranchFactory

PARAMS = ["Ayesha Khan", "PKR 25,000", "15-01-2030"]


class OutboxTestCase(FakeProvidersMixin, TestCase):
    def setUp(self):
        super().setUp()
        self.lead = ConsentingLeadFactory(customer_name="Ayesha Khan")
        self.channel = ChannelFactory(organization=self.lead.organization)

    def queue(self, lead=None, **kwargs):
        kwargs.setdefault("template", "payment_due_today")
        if "body" in kwargs:
            kwargs.pop("template")
        else:
            kwargs.setdefault("params", PARAMS)
        with self.captureOnCommitCallbacks(execute=True):
            message = message_queue(lead=lead or self.lead, **kwargs)
        message.refresh_from_db()
        return message


class ConsentTests(OutboxTestCase):
    def test_nothing_is_queued_or_sent_without_opt_in(self):
        for consent in (MessagingConsent.UNKNOWN, MessagingConsent.OPTED_OUT):
            lead = LeadFactory(branch=self.lead.branch, messaging_consent=consent)
            with self.subTest(consent=consent), self.assertRaisesMessage(StateConflict, "messaging_consent"):
                self.queue(lead=lead)
        self.assertFalse(Message.objects.exists())
        self.assertEqual(self.whatsapp.requests, [])

    def test_a_customer_who_opts_out_after_queueing_is_not_sent_to(self):
        with self.captureOnCommitCallbacks(execute=False):
            message = message_queue(lead=self.lead, template="payment_due_today", params=PARAMS)
        type(self.lead).objects.filter(pk=self.lead.pk).update(messaging_consent=MessagingConsent.OPTED_OUT)
        self.assertEqual(message_deliver(message_id=message.pk), "failed")
        message.refresh_from_db()
        self.assertEqual(message.status, MessageStatus.FAILED)
        self.assertEqual(self.whatsapp.requests, [])


class SendTests(OutboxTestCase):
    def test_a_template_goes_to_whatsapp_and_records_the_provider_id(self):
        message = self.queue()
        self.assertEqual(message.status, MessageStatus.SENT)
        self.assertTrue(message.provider_message_id.startswith("wamid."))
        self.assertIsNotNone(message.sent_at)
        (request,) = self.whatsapp.requests
        self.assertEqual(request.path, f"/v23.0/{self.channel.phone_number_id}/messages")
        self.assertEqual(request.headers["Authorization"], "Bearer EAAG-fake-access-token")
        self.assertEqual(request.json["type"], "template")
        self.assertEqual(request.json["template"]["name"], "payment_due_today")
        self.assertEqual(request.json["template"]["language"], {"code": "en"})
        parameters = request.json["template"]["components"][0]["parameters"]
        self.assertEqual([parameter["text"] for parameter in parameters], PARAMS)
        self.assertEqual(request.json["biz_opaque_callback_data"], str(message.pk))
        self.assertIn("Ayesha Khan", message.body)

    def test_the_leads_language_chooses_the_template(self):
        self.lead.language = "ur"
        self.lead.save()
        message = self.queue()
        self.assertEqual(message.language, "ur")
        self.assertIn("واجب الادا", message.body)
        self.assertEqual(self.whatsapp.requests[0].json["template"]["language"], {"code": "ur"})

    def test_sms_goes_to_twilio_with_basic_auth_and_a_form_body(self):
        sms = TwilioChannelFactory(organization=self.lead.organization)
        message = self.queue(channel="sms", body="Your visa is ready.")
        self.assertEqual(message.status, MessageStatus.SENT)
        (request,) = self.twilio.requests
        self.assertEqual(request.path, f"/2010-04-01/Accounts/{sms.account_sid}/Messages.json")
        self.assertEqual(request.form, {"To": self.lead.contact_number, "From": sms.from_number, "Body": "Your visa is ready."})
        self.assertTrue(request.headers["Authorization"].startswith("Basic "))
        self.assertTrue(message.provider_message_id.startswith("SM"))

    def test_an_unknown_template_or_missing_parameters_is_a_400(self):
        from django.core.exceptions import ValidationError

        with self.assertRaises(ValidationError) as caught:
            self.queue(template="no_such_template")
        self.assertIn("template", caught.exception.message_dict)
        with self.assertRaises(ValidationError) as caught:
            self.queue(params=["only one"])
        self.assertIn("params", caught.exception.message_dict)

    def test_the_same_dedupe_key_queues_once(self):
        first = self.queue(dedupe_key="payment_received:1")
        second = self.queue(dedupe_key="payment_received:1")
        self.assertEqual(first.pk, second.pk)
        self.assertEqual(len(self.whatsapp.requests), 1)

    @override_settings(MESSAGING_LOG_PROVIDER=True)
    def test_without_a_connected_channel_development_writes_the_message_to_the_log(self):
        lead = ConsentingLeadFactory()
        with self.assertLogs("messaging.log_provider", "INFO") as logs:
            message = self.queue(lead=lead)
        self.assertEqual(message.status, MessageStatus.SENT)
        self.assertTrue(message.provider_message_id.startswith("log-"))
        self.assertIn("payment_due_today", logs.output[0])
        self.assertEqual(self.whatsapp.requests, [])

    @override_settings(MESSAGING_LOG_PROVIDER=False)
    def test_without_a_connected_channel_production_refuses(self):
        lead = ConsentingLeadFactory()
        with self.assertRaisesMessage(StateConflict, "No WhatsApp channel is connected"):
            self.queue(lead=lead, channel="whatsapp")


class WindowTests(OutboxTestCase):
    def test_free_text_on_whatsapp_needs_the_customers_message_within_24_hours(self):
        with self.assertRaisesMessage(StateConflict, "24-hour window"):
            self.queue(body="Are you coming today?")
        InboundMessageFactory(lead=self.lead, created_at=timezone.now() - timedelta(hours=25))
        with self.assertRaisesMessage(StateConflict, "24-hour window"):
            self.queue(body="Are you coming today?")
        InboundMessageFactory(lead=self.lead, created_at=timezone.now() - timedelta(hours=23))
        message = self.queue(body="Are you coming today?")
        self.assertEqual(message.status, MessageStatus.SENT)
        self.assertEqual(self.whatsapp.requests[0].json["type"], "text")
        self.assertEqual(self.whatsapp.requests[0].json["text"]["body"], "Are you coming today?")

    def test_whatsapp_refusing_outside_the_window_fails_the_message_for_good(self):
        InboundMessageFactory(lead=self.lead)
        self.whatsapp.script(FakeWhatsApp.error(131047))
        message = self.queue(body="Hello again")
        self.assertEqual(message.status, MessageStatus.FAILED)
        self.assertIn("131047", message.error)
        self.assertIn("24 hours", message.error)


class RetryTests(OutboxTestCase):
    def test_rate_limits_and_server_errors_retry_with_back_off_then_send(self):
        self.whatsapp.script(FakeWhatsApp.error(130429), FakeWhatsApp.error(131056), Answer(503, {}))
        message = self.queue()
        self.assertEqual(message.status, MessageStatus.QUEUED)
        self.assertIn("130429", message.error)
        self.assertIsNone(message.claimed_at)
        first_wait = message.next_attempt_at - timezone.now()
        self.assertGreater(first_wait, timedelta(seconds=20))
        waits = [first_wait]
        for _ in range(3):
            with time_machine.travel(message.next_attempt_at + timedelta(seconds=1), tick=False):
                message_deliver(message_id=message.pk)
                message.refresh_from_db()
                if message.status == MessageStatus.QUEUED:
                    waits.append(message.next_attempt_at - timezone.now())
        self.assertEqual(message.status, MessageStatus.SENT)
        self.assertEqual(message.attempts, 4)
        self.assertEqual(len(self.whatsapp.requests), 4)
        self.assertGreater(waits[-1], waits[0])  # the back-off grows

    @override_settings(MESSAGING_MAX_ATTEMPTS=3)
    def test_it_gives_up_after_the_last_attempt_with_the_providers_reason(self):
        self.twilio.script(*[FakeTwilio.error(20429, retry_after=1)] * 3)
        TwilioChannelFactory(organization=self.lead.organization)
        message = self.queue(channel="sms", body="Hello")
        for _ in range(2):
            with time_machine.travel(message.next_attempt_at + timedelta(seconds=1), tick=False):
                message_deliver(message_id=message.pk)
            message.refresh_from_db()
        self.assertEqual(message.status, MessageStatus.FAILED)
        self.assertIn("Gave up after 3 attempts", message.error)
        self.assertIn("Too Many Requests", message.error)
        self.assertEqual(len(self.twilio.requests), 3)

    def test_a_timeout_is_retried(self):
        self.whatsapp.script(Answer(200, {"messages": [{"id": "wamid.late"}]}, delay=3))
        message = self.queue()
        self.assertEqual(message.status, MessageStatus.QUEUED)
        self.assertIn("timed out", message.error)

    def test_twilio_unsubscribed_fails_and_opts_the_customer_out(self):
        TwilioChannelFactory(organization=self.lead.organization)
        self.twilio.script(FakeTwilio.error(21610))
        message = self.queue(channel="sms", body="Hello")
        self.assertEqual(message.status, MessageStatus.FAILED)
        self.assertIn("21610", message.error)
        self.lead.refresh_from_db()
        self.assertEqual(self.lead.messaging_consent, MessagingConsent.OPTED_OUT)
        self.assertEqual(self.lead.messaging_consent_via, ConsentVia.INBOUND_MESSAGE)

    def test_the_sweep_sends_what_is_due_and_fails_stale_claims_without_resending(self):
        with self.captureOnCommitCallbacks(execute=False):  # the hand-off is lost (a broker outage)
            lost = message_queue(lead=self.lead, template="payment_due_today", params=PARAMS)
            other = message_queue(lead=ConsentingLeadFactory(branch=self.lead.branch), template="payment_due_today", params=PARAMS)
        Message.objects.filter(pk=other.pk).update(claimed_at=timezone.now() - timedelta(minutes=11), attempts=1)
        call_command("send_queued_messages", stdout=open("/dev/null", "w"))
        lost.refresh_from_db()
        other.refresh_from_db()
        self.assertEqual(lost.status, MessageStatus.SENT)
        self.assertEqual(other.status, MessageStatus.FAILED)
        self.assertEqual(other.error, STALE_CLAIM_REASON)
        self.assertEqual(len(self.whatsapp.requests), 1)
        self.assertEqual(messages_fail_stale_claims(), 0)


class ClaimTests(OutboxTestCase):
    def test_a_claimed_message_is_never_sent_again(self):
        with self.captureOnCommitCallbacks(execute=False):
            message = message_queue(lead=self.lead, template="payment_due_today", params=PARAMS)
        self.assertEqual(message_deliver(message_id=message.pk), "sent")
        self.assertEqual(message_deliver(message_id=message.pk), "skipped")
        # A redelivered task for a row whose worker died after claiming it: skipped, not resent.
        with self.captureOnCommitCallbacks(execute=False):
            dead = message_queue(lead=ConsentingLeadFactory(branch=self.lead.branch), template="payment_due_today", params=PARAMS)
        Message.objects.filter(pk=dead.pk).update(claimed_at=timezone.now(), attempts=1)
        self.assertEqual(message_deliver(message_id=dead.pk), "skipped")
        self.assertEqual(len(self.whatsapp.requests), 1)

    def test_one_customer_gets_at_most_one_message_per_six_seconds(self):
        first = self.queue()
        second = self.queue(template="payment_due_soon")
        self.assertEqual(first.status, MessageStatus.SENT)
        self.assertEqual(second.status, MessageStatus.QUEUED)  # delayed, not dropped
        self.assertEqual(second.next_attempt_at, first.claimed_at + timedelta(seconds=6))
        with time_machine.travel(second.next_attempt_at, tick=False):
            self.assertEqual(message_deliver(message_id=second.pk), "sent")

    def test_the_daily_limit_holds_the_rest_until_the_next_business_day(self):
        self.channel.daily_limit = 1
        self.channel.save()
        sent = self.queue()
        held = self.queue(lead=ConsentingLeadFactory(branch=self.lead.branch))
        self.assertEqual(sent.status, MessageStatus.SENT)
        self.assertEqual(held.status, MessageStatus.QUEUED)
        self.assertIn("daily limit", held.error)
        self.assertEqual(timezone.localtime(held.next_attempt_at).date(), timezone.localdate() + timedelta(days=1))
        with time_machine.travel(held.next_attempt_at + timedelta(minutes=1), tick=False):
            self.assertEqual(message_deliver(message_id=held.pk), "sent")


class TenantTests(OutboxTestCase):
    def test_alphas_channel_never_sends_for_bravos_lead(self):
        bravo_lead = ConsentingLeadFactory(branch=BranchFactory())
        bravo_channel = ChannelFactory(organization=bravo_lead.organization)
        message = self.queue(lead=bravo_lead)
        self.assertEqual(message.channel_account_id, bravo_channel.pk)
        self.assertEqual(self.whatsapp.phone_number_ids(), [bravo_channel.phone_number_id])

    @override_settings(MESSAGING_LOG_PROVIDER=False)
    def test_an_organization_without_a_channel_never_borrows_anothers(self):
        bravo_lead = ConsentingLeadFactory(branch=BranchFactory())
        with self.assertRaises(StateConflict):
            self.queue(lead=bravo_lead)
        self.assertEqual(self.whatsapp.requests, [])


class MergeTests(OutboxTestCase):
    def test_merged_leads_threads_join_the_kept_lead(self):
        from leads.services.merge import lead_merge

        other = ConsentingLeadFactory(branch=self.lead.branch, passport_number="")
        self.queue(lead=other)
        lead_merge(into=self.lead, merge=[other], actor=None)
        self.assertEqual(list(Message.objects.values_list("lead_id", flat=True)), [self.lead.pk])
