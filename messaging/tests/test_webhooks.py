"""Webhooks: signatures (Meta, Twilio), the subscription check, size limit, statuses, tenant isolation."""

from itertools import permutations

from django.test import TestCase, override_settings
from django.utils import timezone

from leads.models import FollowUpHistory, Lead
from messaging.models import Message, MessageStatus
from messaging.services.statuses import StatusUpdate, message_status_apply
from messaging.tests.base import FakeProvidersMixin
from messaging.tests.factories import ChannelFactory, ConsentingLeadFactory, MessageFactory, TwilioChannelFactory
from messaging.tests.webhook_helpers import (
    APP_SECRET,
    VERIFY_TOKEN,
    signed_twilio,
    signed_whatsapp,
    twilio_url,
    wa_contact,
    wa_payload,
    wa_status,
    wa_text,
    wamid,
)
from messaging.webhooks.views import forget_channels
from messaging.webhooks.signatures import meta_signature, twilio_signature, twilio_signature_valid
from organizations.tests.factories import BranchFactory

WHATSAPP_URL = "/api/messaging/whatsapp/"  # the contract's paths, pinned
TWILIO_URL = "/api/messaging/twilio/"


@override_settings(META_APP_SECRET=APP_SECRET, META_VERIFY_TOKEN=VERIFY_TOKEN)
class WebhookTestCase(FakeProvidersMixin, TestCase):
    def setUp(self):
        super().setUp()
        forget_channels()  # ids are reused from test to test
        self.branch = BranchFactory()
        self.channel = ChannelFactory(organization=self.branch.organization)
        self.sms = TwilioChannelFactory(organization=self.branch.organization)

    def post_whatsapp(self, payload=None, *, body: bytes | None = None, signature: str | None = "sign", **headers):
        if body is None:
            body, good = signed_whatsapp(payload)
            signature = good if signature == "sign" else signature
        if signature is not None:
            headers["HTTP_X_HUB_SIGNATURE_256"] = signature
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(WHATSAPP_URL, data=body, content_type="application/json", **headers)

    def post_twilio(self, params: dict, *, channel=None, signature: str | None = "sign", url: str | None = None, **headers):
        channel = channel or self.sms
        body, good = signed_twilio(params, auth_token="twilio-fake-auth-token", url=url)
        if signature is not None:
            headers["HTTP_X_TWILIO_SIGNATURE"] = good if signature == "sign" else signature
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(TWILIO_URL, data=body, content_type="application/x-www-form-urlencoded", **headers)

    def twilio_inbound(self, body: str, sender: str = "+923001234567", sid: str = "SM0001", **extra) -> dict:
        return {"AccountSid": self.sms.account_sid, "MessageSid": sid, "SmsSid": sid, "SmsMessageSid": sid,
                "From": sender, "To": self.sms.from_number, "Body": body, "NumMedia": "0", "SmsStatus": "received",
                **extra}

    def inbound_payload(self, text="Salam, is my visa ready?", sender="923001234567", message_id=None):
        return wa_payload(self.channel.phone_number_id, messages=[wa_text(sender, text, message_id=message_id)],
                          contacts=[wa_contact(sender, "Bilal Ahmed")])

    def assertNothingStored(self):
        self.assertFalse(Message.objects.exists())
        self.assertFalse(Lead.objects.exists())
        self.assertFalse(FollowUpHistory.objects.exists())


class SubscriptionCheckTests(WebhookTestCase):
    def get(self, **params):
        return self.client.get(WHATSAPP_URL, {"hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN,
                                              "hub.challenge": "1158201444", **params})

    def test_the_right_token_echoes_the_challenge_as_plain_text(self):
        response = self.get()
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content, b"1158201444")
        self.assertTrue(response["Content-Type"].startswith("text/plain"))

    def test_a_wrong_token_mode_or_missing_challenge_is_403(self):
        for params in ({"hub.verify_token": "guess"}, {"hub.mode": "unsubscribe"}, {"hub.challenge": ""},
                       {"hub.verify_token": ""}):
            with self.subTest(params=params):
                self.assertEqual(self.get(**params).status_code, 403)

    def test_no_verify_token_configured_refuses_every_check(self):
        with override_settings(META_VERIFY_TOKEN=""):
            self.assertEqual(self.get(**{"hub.verify_token": ""}).status_code, 403)


class WhatsAppSignatureTests(WebhookTestCase):
    def test_a_rightly_signed_body_is_taken(self):
        response = self.post_whatsapp(self.inbound_payload())
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json(), {"received": True})
        self.assertEqual(Message.objects.count(), 1)

    def test_missing_wrong_or_malformed_signatures_are_401_and_store_nothing(self):
        body, good = signed_whatsapp(self.inbound_payload())
        hexdigest = good.removeprefix("sha256=")
        cases = {
            "missing": None,
            "another secret": meta_signature(body=body, app_secret="not-the-app-secret"),
            "no prefix": hexdigest,
            "sha1 prefix": "sha1=" + hexdigest,
            "not hex": "sha256=" + "z" * 64,
            "too short": good[:-1],
            "empty": "",
            "of another body": meta_signature(body=body + b" ", app_secret=APP_SECRET),
        }
        for name, signature in cases.items():
            with self.subTest(name):
                response = self.post_whatsapp(body=body, signature=signature)
                self.assertEqual(response.status_code, 401)
                self.assertIn("X-Hub-Signature-256", response["WWW-Authenticate"])
        self.assertNothingStored()

    def test_the_signature_is_case_insensitive_hex_as_meta_sends_it(self):
        body, good = signed_whatsapp(self.inbound_payload())
        self.assertEqual(self.post_whatsapp(body=body, signature="sha256=" + good[7:].upper()).status_code, 200)

    def test_without_an_app_secret_nothing_is_ever_accepted(self):
        body, _ = signed_whatsapp(self.inbound_payload())
        with override_settings(META_APP_SECRET=""):
            response = self.post_whatsapp(body=body, signature=meta_signature(body=body, app_secret=""))
        self.assertEqual(response.status_code, 401)
        self.assertNothingStored()

    def test_a_replayed_body_is_stored_once(self):
        body, signature = signed_whatsapp(self.inbound_payload())
        for _ in range(3):
            self.assertEqual(self.post_whatsapp(body=body, signature=signature).status_code, 200)
        self.assertEqual(Message.objects.count(), 1)
        self.assertEqual(Lead.objects.count(), 1)

    def test_a_signed_body_that_is_not_json_is_400(self):
        body = b"{not json"
        response = self.post_whatsapp(body=body, signature=meta_signature(body=body, app_secret=APP_SECRET))
        self.assertEqual(response.status_code, 400)

    def test_a_body_over_the_limit_is_413_before_anything_is_stored(self):
        payload = self.inbound_payload(text="x" * 4000)
        with override_settings(MESSAGING_WEBHOOK_MAX_BYTES=2048):
            response = self.post_whatsapp(payload)
        self.assertEqual(response.status_code, 413)
        self.assertNothingStored()

    def test_a_number_no_organization_connected_is_acknowledged_and_ignored(self):
        payload = wa_payload("999999999999", messages=[wa_text("923001234567", "Hello")])
        with self.assertLogs("messaging.webhooks", "WARNING"):
            response = self.post_whatsapp(payload)
        self.assertEqual(response.status_code, 200)
        self.assertNothingStored()

    def test_other_fields_and_shapes_are_skipped(self):
        payload = {"object": "whatsapp_business_account", "entry": [
            {"changes": [{"field": "account_update", "value": {"phone_number": "1"}}]},
            {"changes": "nonsense"}, "text", {"changes": [{"field": "messages", "value": {"statuses": "x"}}]},
        ]}
        self.assertEqual(self.post_whatsapp(payload).status_code, 200)
        self.assertEqual(self.post_whatsapp(["a", "list"]).status_code, 200)
        self.assertNothingStored()


class TwilioSignatureAlgorithmTests(TestCase):
    """Twilio's published test vectors (twilio-python's tests/unit/test_request_validator.py)."""

    URL = "https://mycompany.com/myapp.php?foo=1&bar=2"
    PARAMS = {"CallSid": "CA1234567890ABCDE", "Digits": "1234", "From": "+14158675309", "To": "+18005551212",
              "Caller": "+14158675309"}

    def test_the_documented_signature(self):
        self.assertEqual(twilio_signature(url=self.URL, params=self.PARAMS, auth_token="12345"), "RSOYDt4T1cUTdK1PDd93/VVr8B8=")

    def test_repeated_parameters_are_sorted_by_value(self):
        from django.http import QueryDict

        params = QueryDict("Sid=CA123&SidAccount=AC123&Digits=5678&Digits=1234")
        self.assertEqual(twilio_signature(url=self.URL, params=params, auth_token="12345"), "IK+Dwps556ElfBT0I3Rgjkr1wJU=")

    def test_a_url_signed_with_or_without_its_port_is_valid(self):
        with_443 = "kvajT1Ptam85bY51eRf/AJRuM3w="  # Twilio's vector for the URL with :443
        self.assertTrue(twilio_signature_valid(url=self.URL, params=self.PARAMS, header=with_443, auth_token="12345"))
        on_1234 = self.URL.replace(".com", ".com:1234")
        self.assertTrue(twilio_signature_valid(url=on_1234, params=self.PARAMS, header="RSOYDt4T1cUTdK1PDd93/VVr8B8=",
                                               auth_token="12345"))

    def test_anything_else_is_invalid(self):
        for header, token in (("RSOYDt4T1cUTdK1PDd93/VVr8B8=", "54321"), ("", "12345"), (None, "12345"),
                              ("RSOYDt4T1cUTdK1PDd93/VVr8B8=", "")):
            with self.subTest(header=header, token=token):
                self.assertFalse(twilio_signature_valid(url=self.URL, params=self.PARAMS, header=header, auth_token=token))


class TwilioSignatureTests(WebhookTestCase):
    def test_a_rightly_signed_inbound_sms_is_taken_with_empty_twiml(self):
        response = self.post_twilio(self.twilio_inbound("Assalam o alaikum"))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content.decode(), '<?xml version="1.0" encoding="UTF-8"?><Response/>')
        self.assertTrue(response["Content-Type"].startswith("text/xml"))
        self.assertEqual(Message.objects.get().body, "Assalam o alaikum")

    def test_missing_wrong_or_malformed_signatures_are_401_and_store_nothing(self):
        params = self.twilio_inbound("Hello")
        good = signed_twilio(params, auth_token="twilio-fake-auth-token")[1]
        for name, signature in {
            "missing": None, "empty": "", "garbage": "!!not base64!!", "truncated": good[:-2],
            "another token": signed_twilio(params, auth_token="another-token")[1],
            "another url": signed_twilio(params, auth_token="twilio-fake-auth-token", url="http://evil.example/hook")[1],
        }.items():
            with self.subTest(name):
                response = self.post_twilio(params, signature=signature)
                self.assertEqual(response.status_code, 401)
                self.assertIn("X-Twilio-Signature", response["WWW-Authenticate"])
        self.assertNothingStored()

    def test_a_changed_parameter_breaks_the_signature(self):
        params = self.twilio_inbound("Hello")
        _, signature = signed_twilio(params, auth_token="twilio-fake-auth-token")
        body = signed_twilio({**params, "Body": "Hello!"}, auth_token="x")[0]
        response = self.client.post(TWILIO_URL, data=body, content_type="application/x-www-form-urlencoded",
                                    HTTP_X_TWILIO_SIGNATURE=signature)
        self.assertEqual(response.status_code, 401)
        self.assertNothingStored()

    def test_an_account_no_organization_connected_is_401(self):
        params = {**self.twilio_inbound("Hello"), "AccountSid": "AC" + "f" * 32}
        self.assertEqual(self.post_twilio(params).status_code, 401)
        self.assertNothingStored()

    def test_behind_a_tls_proxy_the_https_url_is_what_twilio_signed(self):
        params = self.twilio_inbound("Hello")
        https = twilio_url("https://testserver")
        self.assertEqual(self.post_twilio(params, url=https).status_code, 401)  # not told it was https
        response = self.post_twilio(params, url=https, HTTP_X_FORWARDED_PROTO="https")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(Message.objects.count(), 1)

    @override_settings(TWILIO_WEBHOOK_BASE_URL="https://leads.example.com")
    def test_the_configured_public_base_url_is_used_when_set(self):
        params = self.twilio_inbound("Hello")
        self.assertEqual(self.post_twilio(params).status_code, 401)  # signed for http://testserver
        self.assertEqual(self.post_twilio(params, url=twilio_url("https://leads.example.com")).status_code, 200)

    def test_a_replayed_request_is_stored_once(self):
        params = self.twilio_inbound("Hello")
        for _ in range(3):
            self.assertEqual(self.post_twilio(params).status_code, 200)
        self.assertEqual(Message.objects.count(), 1)
        self.assertEqual(Lead.objects.count(), 1)

    def test_a_body_over_the_limit_is_413(self):
        with override_settings(MESSAGING_WEBHOOK_MAX_BYTES=256):
            response = self.post_twilio(self.twilio_inbound("x" * 500))
        self.assertEqual(response.status_code, 413)
        self.assertNothingStored()


class StatusTests(WebhookTestCase):
    def setUp(self):
        super().setUp()
        self.lead = ConsentingLeadFactory(branch=self.branch)

    def sent_message(self, channel=None, provider_id=None, **fields) -> Message:
        channel = channel or self.channel
        return MessageFactory(
            lead=self.lead, channel=channel.kind, channel_account=channel, status=MessageStatus.SENT,
            provider_message_id=provider_id or wamid(), sent_at=timezone.now(), **fields,
        )

    def callback(self, message, *statuses, errors=None):
        payload = wa_payload(self.channel.phone_number_id, statuses=[
            wa_status(message.provider_message_id, status, errors=errors, seconds_ago=10 - i) for i, status in enumerate(statuses)
        ])
        self.assertEqual(self.post_whatsapp(payload).status_code, 200)
        message.refresh_from_db()
        return message

    def test_statuses_move_forward_whatever_order_and_repeats_they_arrive_in(self):
        for order in permutations(["sent", "delivered", "read"]):
            with self.subTest(order=order):
                message = self.sent_message()
                for status in order:
                    self.callback(message, status)
                self.assertEqual(message.status, MessageStatus.READ)
                self.assertIsNotNone(message.read_at)
                self.assertIsNotNone(message.delivered_at)
                self.assertLessEqual(message.delivered_at, message.read_at)
                seen = (message.status, message.sent_at, message.delivered_at, message.read_at, message.updated_at)
                for status in (*order, *reversed(order)):
                    self.callback(message, status)
                self.assertEqual((message.status, message.sent_at, message.delivered_at, message.read_at,
                                  message.updated_at), seen)

    def test_delivered_then_read_keep_both_times(self):
        message = self.sent_message()
        self.callback(message, "delivered")
        delivered_at = message.delivered_at
        self.callback(message, "read")
        self.assertEqual(message.delivered_at, delivered_at)
        self.assertGreaterEqual(message.read_at, delivered_at)

    def test_read_before_delivered_sets_the_delivered_time_too(self):
        message = self.callback(self.sent_message(), "read")
        self.assertEqual((message.status, message.delivered_at), (MessageStatus.READ, message.read_at))
        self.callback(message, "delivered")
        self.assertEqual((message.status, message.delivered_at), (MessageStatus.READ, message.read_at))

    def test_failed_keeps_meta_s_reason(self):
        errors = [{"code": 131026, "title": "Message undeliverable",
                   "error_data": {"details": "Message Undeliverable."}}]
        message = self.callback(self.sent_message(), "failed", errors=errors)
        self.assertEqual(message.status, MessageStatus.FAILED)
        self.assertIn("131026", message.error)
        self.assertIn("Message undeliverable", message.error)
        self.assertIsNotNone(message.failed_at)

    def test_a_delivered_or_read_message_does_not_fail_afterwards(self):
        for first in ("delivered", "read"):
            with self.subTest(first=first):
                message = self.callback(self.sent_message(), first)
                self.callback(message, "failed", errors=[{"code": 131000, "title": "Something went wrong"}])
                self.assertEqual((message.status, message.error), (first, ""))

    def test_a_failed_message_is_not_revived_by_a_late_delivered(self):
        message = self.callback(self.sent_message(), "failed")
        self.callback(message, "delivered", "read")
        self.assertEqual((message.status, message.delivered_at), (MessageStatus.FAILED, None))

    def test_twilio_statuses_and_undelivered_with_its_error_code(self):
        delivered = self.sent_message(channel=self.sms, provider_id="SM" + "a" * 32)
        failed = self.sent_message(channel=self.sms, provider_id="SM" + "b" * 32)
        for message, status, extra in ((delivered, "sent", {}), (delivered, "delivered", {}), (delivered, "sent", {}),
                                       (failed, "undelivered", {"ErrorCode": "30003"})):
            params = {"AccountSid": self.sms.account_sid, "MessageSid": message.provider_message_id,
                      "SmsSid": message.provider_message_id, "MessageStatus": status, "SmsStatus": status,
                      "From": self.sms.from_number, "To": self.lead.contact_number, **extra}
            self.assertEqual(self.post_twilio(params).status_code, 200)
        delivered.refresh_from_db()
        failed.refresh_from_db()
        self.assertEqual(delivered.status, MessageStatus.DELIVERED)
        self.assertEqual(failed.status, MessageStatus.FAILED)
        self.assertEqual(failed.error, "Twilio error 30003: Unreachable destination handset")

    def test_twilio_queued_and_sending_change_nothing(self):
        message = self.sent_message(channel=self.sms, provider_id="SM" + "c" * 32)
        for status in ("queued", "sending", "accepted"):
            params = {"AccountSid": self.sms.account_sid, "MessageSid": message.provider_message_id, "MessageStatus": status}
            self.assertEqual(self.post_twilio(params).status_code, 200)
        message.refresh_from_db()
        self.assertEqual(message.status, MessageStatus.SENT)

    def test_the_service_says_what_it_did(self):
        message = self.sent_message()
        update = StatusUpdate(message.provider_message_id, MessageStatus.DELIVERED, timezone.now())
        self.assertEqual(message_status_apply(channel=self.channel, update=update), "updated")
        self.assertEqual(message_status_apply(channel=self.channel, update=update), "unchanged")
        unknown = StatusUpdate("wamid.NOBODY", MessageStatus.DELIVERED, timezone.now())
        self.assertEqual(message_status_apply(channel=self.channel, update=unknown), "unknown")

    def test_a_status_for_an_inbound_message_id_changes_nothing(self):
        inbound = Message.objects.create(
            organization=self.branch.organization, lead=self.lead, direction="in", channel="whatsapp",
            channel_account=self.channel, status=MessageStatus.RECEIVED, provider_message_id="wamid.IN1",
        )
        self.callback(inbound, "read")
        self.assertEqual(inbound.status, MessageStatus.RECEIVED)


class TenantIsolationTests(WebhookTestCase):
    """A webhook about Alpha's number never touches Bravo's leads or messages, even when ids and phones collide."""

    PHONE = "+923001234567"

    def setUp(self):
        super().setUp()
        self.alpha_lead = ConsentingLeadFactory(branch=self.branch, contact_number=self.PHONE)
        bravo_branch = BranchFactory()
        self.bravo_channel = ChannelFactory(organization=bravo_branch.organization)
        self.bravo_sms = TwilioChannelFactory(organization=bravo_branch.organization)
        self.bravo_lead = ConsentingLeadFactory(branch=bravo_branch, contact_number=self.PHONE)
        self.alpha_message = MessageFactory(lead=self.alpha_lead, channel_account=self.channel, status=MessageStatus.SENT,
                                            provider_message_id="wamid.SAME")
        self.bravo_message = MessageFactory(lead=self.bravo_lead, channel_account=self.bravo_channel,
                                            status=MessageStatus.SENT, provider_message_id="wamid.SAME")
        # An inbound message Bravo already has, under the id Alpha's customer's message will carry.
        Message.objects.create(organization=bravo_branch.organization, lead=self.bravo_lead, direction="in",
                               channel="whatsapp", channel_account=self.bravo_channel, status="received",
                               provider_message_id="wamid.INBOUND", body="Bravo's")

    def bravo_state(self):
        return (
            list(Message.objects.filter(organization=self.bravo_lead.organization).order_by("id").values()),
            list(Lead.objects.filter(organization=self.bravo_lead.organization).values()),
            list(FollowUpHistory.objects.filter(lead__organization=self.bravo_lead.organization).values()),
        )

    def test_a_whatsapp_webhook_for_alpha_touches_only_alpha(self):
        before = self.bravo_state()
        payload = wa_payload(
            self.channel.phone_number_id,
            statuses=[wa_status("wamid.SAME", "read")],
            messages=[wa_text(self.PHONE.lstrip("+"), "STOP", message_id="wamid.INBOUND"),
                      wa_text("923339998877", "New here", message_id=wamid())],
        )
        self.assertEqual(self.post_whatsapp(payload).status_code, 200)
        self.assertEqual(self.bravo_state(), before)
        self.alpha_message.refresh_from_db()
        self.alpha_lead.refresh_from_db()
        self.assertEqual(self.alpha_message.status, MessageStatus.READ)
        self.assertEqual(self.alpha_lead.messaging_consent, "opted_out")
        self.assertTrue(self.alpha_lead.messages.filter(provider_message_id="wamid.INBOUND").exists())
        self.assertTrue(Lead.objects.filter(organization=self.branch.organization, contact_number="+923339998877").exists())

    def test_a_twilio_request_for_alpha_s_account_signed_with_bravo_s_token_is_refused(self):
        self.bravo_sms.secret = "bravo-token"
        self.bravo_sms.save()
        params = self.twilio_inbound("Hello", sender=self.PHONE)
        body, signature = signed_twilio(params, auth_token="bravo-token")
        response = self.client.post(TWILIO_URL, data=body, content_type="application/x-www-form-urlencoded",
                                    HTTP_X_TWILIO_SIGNATURE=signature)
        self.assertEqual(response.status_code, 401)

    def test_a_twilio_status_for_alpha_never_moves_bravo_s_message(self):
        alpha = MessageFactory(lead=self.alpha_lead, channel="sms", channel_account=self.sms, status="sent",
                               provider_message_id="SMSAME")
        bravo = MessageFactory(lead=self.bravo_lead, channel="sms", channel_account=self.bravo_sms, status="sent",
                               provider_message_id="SMSAME")
        params = {"AccountSid": self.sms.account_sid, "MessageSid": "SMSAME", "MessageStatus": "delivered"}
        self.assertEqual(self.post_twilio(params).status_code, 200)
        alpha.refresh_from_db()
        bravo.refresh_from_db()
        self.assertEqual((alpha.status, bravo.status), ("delivered", "sent"))
