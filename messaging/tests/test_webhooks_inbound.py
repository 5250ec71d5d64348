"""Inbound messages: the customer's thread and follow-up, new leads from unknown numbers, STOP and START."""

from datetime import timedelta

import time_machine
from django.test import TestCase
from django.utils import timezone

from leads.models import ConsentVia, ContactMethod, FollowUpHistory, FollowUpOutcome, Lead, LeadSource, LeadStatus, MessagingConsent
from leads.tests.factories import LeadFactory
from messaging import keywords
from messaging.models import Message, MessageDirection, MessageStatus
from messaging.services.outbox import message_deliver, message_queue, whatsapp_window_open
from messaging.tests.base import business_time
from messaging.tests.factories import ConsentingLeadFactory, MessageFactory
from messaging.tests.test_webhooks import WebhookTestCase
from messaging.tests.webhook_helpers import wa_contact, wa_payload, wa_text, wamid
from common.errors import StateConflict
from organizations.tests.factories import BranchFactory

PHONE = "+923001234567"
WA_ID = PHONE.lstrip("+")


class InboundTestCase(WebhookTestCase):
    def whatsapp_says(self, text, sender=WA_ID, *, name="", message=None):
        message = message or wa_text(sender, text)
        payload = wa_payload(self.channel.phone_number_id, messages=[message],
                             contacts=[wa_contact(sender, name)] if name else [])
        self.assertEqual(self.post_whatsapp(payload).status_code, 200)

    def sms_says(self, text, sender=PHONE, sid=None):
        sid = sid or f"SM{Message.objects.count() + FollowUpHistory.objects.count():032d}{len(text)}"
        self.assertEqual(self.post_twilio(self.twilio_inbound(text, sender=sender, sid=sid)).status_code, 200)


class KnownCustomerTests(InboundTestCase):
    def setUp(self):
        super().setUp()
        self.lead = LeadFactory(branch=self.branch, contact_number=PHONE)

    def test_a_whatsapp_message_joins_the_thread_and_is_a_follow_up(self):
        self.whatsapp_says("Salam, is my visa ready?")
        message = Message.objects.get()
        self.assertEqual((message.lead, message.direction, message.status, message.channel, message.channel_account),
                         (self.lead, MessageDirection.IN, MessageStatus.RECEIVED, "whatsapp", self.channel))
        self.assertEqual((message.body, message.from_number), ("Salam, is my visa ready?", PHONE))
        followup = FollowUpHistory.objects.get(lead=self.lead)
        self.assertEqual((followup.contact_method, followup.outcome), (ContactMethod.WHATSAPP, FollowUpOutcome.ANSWERED))
        self.assertIn("Salam, is my visa ready?", followup.remarks)
        self.lead.refresh_from_db()
        self.assertEqual(self.lead.next_followup_date, timezone.localdate())
        self.assertEqual(Lead.objects.count(), 1)
        # The customer reached us: not staff's first contact (the SLA), so the lead stays new.
        self.assertEqual((self.lead.lead_status, self.lead.first_contacted_at), (LeadStatus.NEW, None))

    def test_the_message_opens_the_24_hour_window_but_never_consent(self):
        self.assertFalse(whatsapp_window_open(lead_id=self.lead.pk))
        self.whatsapp_says("Please send me the details")
        self.assertTrue(whatsapp_window_open(lead_id=self.lead.pk))
        self.lead.refresh_from_db()
        self.assertEqual(self.lead.messaging_consent, MessagingConsent.UNKNOWN)
        with self.assertRaisesMessage(StateConflict, "messaging_consent"):
            message_queue(lead=self.lead, body="Here they are")

    def test_the_window_runs_from_the_customer_s_message(self):
        with time_machine.travel(business_time(10), tick=False):
            self.whatsapp_says("Hello")
        with time_machine.travel(business_time(10, days=1) - timedelta(minutes=1), tick=False):
            self.assertTrue(whatsapp_window_open(lead_id=self.lead.pk))
        with time_machine.travel(business_time(10, days=1) + timedelta(minutes=1), tick=False):
            self.assertFalse(whatsapp_window_open(lead_id=self.lead.pk))

    def test_an_earlier_missed_follow_up_day_stays(self):
        missed = timezone.localdate() - timedelta(days=3)
        Lead.objects.filter(pk=self.lead.pk).update(next_followup_date=missed)
        self.whatsapp_says("Hello?")
        self.lead.refresh_from_db()
        self.assertEqual(self.lead.next_followup_date, missed)

    def test_an_sms_is_an_sms_follow_up(self):
        self.sms_says("Payment done via JazzCash")
        followup = FollowUpHistory.objects.get(lead=self.lead)
        self.assertEqual(followup.contact_method, ContactMethod.SMS)
        self.assertEqual(Message.objects.get().channel, "sms")

    def test_the_open_lead_is_chosen_over_a_closed_one_with_the_same_phone(self):
        closed = LeadFactory(branch=self.branch, contact_number=PHONE, lead_status=LeadStatus.LOST)
        self.whatsapp_says("Hello again")
        self.assertEqual(Message.objects.get().lead, self.lead)
        self.assertFalse(closed.messages.exists())

    def test_buttons_lists_and_media_are_described_in_the_thread(self):
        cases = [
            ({"type": "button", "button": {"text": "Yes, remind me", "payload": "yes"}}, "Yes, remind me"),
            ({"type": "interactive", "interactive": {"type": "list_reply", "list_reply": {"id": "1", "title": "Umrah"}}}, "Umrah"),
            ({"type": "image", "image": {"id": "123", "caption": "Receipt"}}, "[image] Receipt"),
            ({"type": "location", "location": {"latitude": 31.5, "longitude": 74.3}}, "[location 31.5, 74.3]"),
        ]
        for extra, shown in cases:
            with self.subTest(shown=shown):
                message_id = wamid()
                self.whatsapp_says("", message={"from": WA_ID, "id": message_id, "timestamp": "1", **extra})
                self.assertEqual(Message.objects.get(provider_message_id=message_id).body, shown)


class UnknownNumberTests(InboundTestCase):
    def test_an_unknown_whatsapp_number_becomes_a_lead_in_the_intake_branch(self):
        intake = BranchFactory(organization=self.branch.organization)
        self.channel.intake_branch = intake
        self.channel.save()
        self.whatsapp_says("I want an Umrah package", sender="923339998877", name="Bilal Ahmed")
        lead = Lead.objects.get()
        self.assertEqual((lead.customer_name, lead.contact_number, lead.lead_source, lead.branch),
                         ("Bilal Ahmed", "+923339998877", LeadSource.WHATSAPP, intake))
        self.assertEqual(lead.messaging_consent, MessagingConsent.UNKNOWN)
        self.assertEqual(lead.lead_status, LeadStatus.NEW)  # nobody has answered them yet
        self.assertIn("I want an Umrah package", lead.remarks)
        self.assertEqual(Message.objects.get().lead, lead)
        self.assertFalse(FollowUpHistory.objects.exists())

    def test_without_an_intake_branch_the_organization_s_first_branch_takes_it(self):
        BranchFactory(organization=self.branch.organization)
        self.whatsapp_says("Hello", sender="923339998877")
        lead = Lead.objects.get()
        self.assertEqual(lead.branch, self.branch)
        self.assertEqual(lead.customer_name, "WhatsApp +923339998877")

    def test_an_unknown_sms_number_is_a_whatsapp_sourced_lead_too(self):
        self.sms_says("Visa fee kitni hai?", sender="+923339998877")
        lead = Lead.objects.get()
        self.assertEqual((lead.lead_source, lead.customer_name), (LeadSource.WHATSAPP, "SMS +923339998877"))

    def test_a_second_message_from_the_new_lead_is_a_follow_up_on_it(self):
        self.whatsapp_says("Hello", sender="923339998877")
        self.whatsapp_says("Are you there?", sender="923339998877")
        self.assertEqual(Lead.objects.count(), 1)
        self.assertEqual(Message.objects.count(), 2)
        self.assertEqual(FollowUpHistory.objects.count(), 1)

    def test_a_sender_that_is_not_a_phone_number_is_ignored(self):
        self.whatsapp_says("Hello", sender="12")
        self.assertNothingStored()

    def test_a_stop_from_an_unknown_number_stores_nothing(self):
        self.whatsapp_says("STOP", sender="923339998877")
        self.assertNothingStored()
        self.assertEqual(self.whatsapp.requests, [])


class StopTests(InboundTestCase):
    def setUp(self):
        super().setUp()
        self.lead = ConsentingLeadFactory(branch=self.branch, contact_number=PHONE)

    def confirmations(self):
        return Message.objects.filter(direction=MessageDirection.OUT, dedupe_key__startswith="opt_out_confirmation:")

    def test_stop_opts_out_at_once_and_is_confirmed_once(self):
        with time_machine.travel(business_time(11), tick=False):
            self.whatsapp_says("  Stop! ")
        self.lead.refresh_from_db()
        self.assertEqual((self.lead.messaging_consent, self.lead.messaging_consent_via, self.lead.messaging_consent_at),
                         (MessagingConsent.OPTED_OUT, ConsentVia.INBOUND_MESSAGE, business_time(11)))
        confirmation = self.confirmations().get()
        self.assertEqual(confirmation.status, MessageStatus.SENT)
        self.assertIn("START", confirmation.body)
        self.assertEqual(self.whatsapp.sent_count(), 1)
        self.assertEqual(self.whatsapp.requests[0].json["text"]["body"], confirmation.body)
        # A second STOP: still opted out, nothing sent.
        with time_machine.travel(business_time(11, 30), tick=False):
            self.whatsapp_says("STOP")
        self.lead.refresh_from_db()
        self.assertEqual(self.lead.messaging_consent_at, business_time(11))
        self.assertEqual(self.confirmations().count(), 1)
        self.assertEqual(self.whatsapp.sent_count(), 1)

    def test_urdu_stop_is_confirmed_in_urdu(self):
        for text in ("بند کریں", "بند كريں"):  # the second as an Arabic keyboard types it
            with self.subTest(text=text):
                Lead.objects.filter(pk=self.lead.pk).update(messaging_consent=MessagingConsent.OPTED_IN)
                self.whatsapp_says(text)
                self.lead.refresh_from_db()
                self.assertEqual(self.lead.messaging_consent, MessagingConsent.OPTED_OUT)
        confirmations = list(self.confirmations())
        self.assertEqual(len(confirmations), 2)
        self.assertTrue(all(keywords.written_in_urdu(message.body) for message in confirmations))

    def test_romanised_urdu_stop(self):
        self.whatsapp_says("Band karo")
        self.lead.refresh_from_db()
        self.assertEqual(self.lead.messaging_consent, MessagingConsent.OPTED_OUT)

    def test_a_sentence_mentioning_stop_is_only_a_message(self):
        self.whatsapp_says("Please don't stop my booking")
        self.lead.refresh_from_db()
        self.assertEqual(self.lead.messaging_consent, MessagingConsent.OPTED_IN)
        self.assertFalse(self.confirmations().exists())

    def test_sms_stop_is_confirmed_by_twilio_itself_not_again_by_us(self):
        self.sms_says("STOP")
        self.lead.refresh_from_db()
        self.assertEqual(self.lead.messaging_consent, MessagingConsent.OPTED_OUT)
        self.assertFalse(self.confirmations().exists())
        self.assertEqual(self.twilio.requests, [])

    def test_an_urdu_sms_stop_twilio_does_not_know_is_confirmed_by_us(self):
        self.sms_says("بند")
        self.assertEqual(self.confirmations().get().channel, "sms")
        self.assertEqual(self.twilio.sent_count(), 1)
        self.assertEqual(self.twilio.requests[0].form["To"], PHONE)

    def test_start_opts_back_in(self):
        self.whatsapp_says("STOP")
        for text in ("START", "شروع کریں"):
            with self.subTest(text=text):
                Lead.objects.filter(pk=self.lead.pk).update(messaging_consent=MessagingConsent.OPTED_OUT)
                self.whatsapp_says(text)
                self.lead.refresh_from_db()
                self.assertEqual((self.lead.messaging_consent, self.lead.messaging_consent_via),
                                 (MessagingConsent.OPTED_IN, ConsentVia.INBOUND_MESSAGE))

    def test_stop_after_start_after_stop_is_confirmed_again(self):
        self.whatsapp_says("STOP")
        self.whatsapp_says("START")
        with time_machine.travel(timezone.now() + timedelta(minutes=1)):  # past the gap between two messages
            self.whatsapp_says("STOP")
        self.assertEqual(self.confirmations().count(), 2)


class OptOutConfirmationExceptionTests(InboundTestCase):
    """The outbox's one exception to consent is narrow: a keyed, free-text confirmation to an opted-out lead."""

    def setUp(self):
        super().setUp()
        self.lead = ConsentingLeadFactory(branch=self.branch, contact_number=PHONE)
        self.whatsapp_says("Hi")  # opens the window

    def test_refused_for_anyone_not_opted_out_or_without_the_key_or_as_a_template(self):
        with self.assertRaises(ValueError):
            message_queue(lead=self.lead, body="Bye", dedupe_key="opt_out_confirmation:1", opt_out_confirmation=True)
        Lead.objects.filter(pk=self.lead.pk).update(messaging_consent=MessagingConsent.OPTED_OUT)
        self.lead.refresh_from_db()
        for kwargs in ({"body": "Bye", "dedupe_key": "reminder:1"}, {"body": "Bye"},
                       {"template": "payment_due_today", "params": ["a", "b", "c"], "dedupe_key": "opt_out_confirmation:2"}):
            with self.subTest(kwargs=kwargs), self.assertRaises(ValueError):
                message_queue(lead=self.lead, opt_out_confirmation=True, **kwargs)
        with self.assertRaisesMessage(StateConflict, "messaging_consent"):
            message_queue(lead=self.lead, body="Bye")

    def test_delivery_sends_only_the_confirmation_to_an_opted_out_lead(self):
        other = MessageFactory(lead=self.lead, channel_account=self.channel, body="A reminder")
        confirmation = MessageFactory(lead=self.lead, channel_account=self.channel, body="Stopped",
                                      dedupe_key="opt_out_confirmation:99")
        Lead.objects.filter(pk=self.lead.pk).update(messaging_consent=MessagingConsent.OPTED_OUT)
        self.assertEqual(message_deliver(message_id=other.pk), "failed")
        self.assertEqual(message_deliver(message_id=confirmation.pk), "sent")
        self.assertEqual(self.whatsapp.sent_count(), 1)


class KeywordTests(TestCase):
    def test_stop_words(self):
        for text in ("STOP", "stop", " Stop. ", "UNSUBSCRIBE", "cancel", "End", "QUIT", "stopall", "بند", "بند کرو",
                     "بند کریں", "رکیں", "band karo", "Band  Karo!", "بند کریں۔", "بند\u200cکریں".replace("\u200c", " ")):
            with self.subTest(text=text):
                self.assertTrue(keywords.is_stop(text))

    def test_not_stop_words(self):
        for text in ("", "stop it please now", "Please stop the reminders", "bandwidth", "STOP2", "start"):
            with self.subTest(text=text):
                self.assertFalse(keywords.is_stop(text))

    def test_start_words(self):
        for text in ("START", "unstop", "شروع", "شروع کریں", "shuru karo"):
            with self.subTest(text=text):
                self.assertTrue(keywords.is_start(text))


class ClosedLeadTests(InboundTestCase):
    def test_a_message_from_a_customer_whose_only_lead_is_closed_joins_that_lead(self):
        for status in (LeadStatus.LOST, LeadStatus.CONVERTED):
            with self.subTest(status=status):
                lead = LeadFactory(branch=self.branch, contact_number=f"+92300765432{len(status)}", lead_status=status)
                self.whatsapp_says("Hello again", sender=lead.contact_number.lstrip("+"))
                self.assertEqual(lead.messages.count(), 1)
                self.assertEqual(FollowUpHistory.objects.filter(lead=lead).count(), 1)
