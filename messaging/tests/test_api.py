"""The messaging API: a lead's thread and consent, templates, channels; scope, statuses, secrets never shown."""

import json
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from leads.models import MessagingConsent
from leads.tests.api_base import LeadsAPITestCase
from messaging.models import Channel, Message, MessageStatus, MessageTemplate
from messaging.tests.base import FakeProvidersMixin
from messaging.tests.factories import ChannelFactory, InboundMessageFactory, MessageFactory

SECRET = "EAAG-very-secret-token-123"


class MessagingAPITestCase(FakeProvidersMixin, LeadsAPITestCase):
    def thread_url(self, lead=None):
        return reverse("lead_messages:thread", args=[(lead or self.lead).pk])

    def consent_url(self, lead=None):
        return reverse("lead_messages:consent", args=[(lead or self.lead).pk])

    def opt_in(self, lead=None):
        lead = lead or self.lead
        type(lead).objects.filter(pk=lead.pk).update(messaging_consent=MessagingConsent.OPTED_IN)


class ThreadTests(MessagingAPITestCase):
    def setUp(self):
        super().setUp()
        self.channel = ChannelFactory(organization=self.alpha)

    def test_the_thread_lists_the_leads_messages_newest_first(self):
        older = MessageFactory(lead=self.lead, created_at=timezone.now() - timedelta(hours=2))
        newer = InboundMessageFactory(lead=self.lead)
        MessageFactory()  # another lead's
        self.login(self.user_a1)
        response = self.client.get(self.thread_url())
        self.assertStatus(response, 200)
        self.assertEqual([row["id"] for row in response.data["results"]], [newer.pk, older.pk])
        self.assertEqual(set(response.data["results"][0]), {
            "id", "lead", "direction", "channel", "template", "language", "body", "status", "error",
            "created_by", "created_at", "sent_at", "delivered_at", "read_at",
        })

    def test_out_of_scope_is_404_for_read_and_send(self):
        self.opt_in()
        for user in (self.user_a2, self.user_b1, self.admin_b):
            self.login(user)
            with self.subTest(user=user.username):
                self.assertStatus(self.client.get(self.thread_url()), 404)
                self.assertStatus(self.client.post(self.thread_url(), {"template": "payment_due_soon", "params": ["a", "b", "c"]}), 404)
                self.assertStatus(self.client.get(self.consent_url()), 404)
                self.assertStatus(self.client.put(self.consent_url(), {"messaging_consent": "opted_in"}), 404)
        self.assertFalse(Message.objects.exists())
        self.login(None)
        self.assertStatus(self.client.get(self.thread_url()), 401)
        self.login(self.nobody)
        self.assertStatus(self.client.get(self.thread_url()), 403)

    def test_sending_a_template_answers_202_and_sends_after_the_commit(self):
        self.opt_in()
        self.login(self.user_a1)
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(
                self.thread_url(), {"channel": "whatsapp", "template": "payment_due_soon", "params": ["Asif", "PKR 5,000", "01-02-2030"]}
            )
        self.assertStatus(response, 202)
        self.assertEqual(response.data["status"], "queued")
        self.assertEqual(response.data["created_by"], self.user_a1.pk)
        message = Message.objects.get(pk=response.data["id"])
        self.assertEqual(message.status, MessageStatus.SENT)
        self.assertEqual(self.whatsapp.sent_count(), 1)

    def test_no_consent_is_409_naming_it(self):
        self.login(self.user_a1)
        response = self.client.post(self.thread_url(), {"template": "payment_due_soon", "params": ["a", "b", "c"]})
        self.assertStatus(response, 409)
        self.assertIn("messaging_consent", response.data["detail"])

    def test_free_text_outside_the_window_is_409_naming_the_window(self):
        self.opt_in()
        self.login(self.user_a1)
        response = self.client.post(self.thread_url(), {"channel": "whatsapp", "body": "Hello"})
        self.assertStatus(response, 409)
        self.assertIn("24-hour window", response.data["detail"])
        InboundMessageFactory(lead=self.lead)
        with self.captureOnCommitCallbacks(execute=True):
            self.assertStatus(self.client.post(self.thread_url(), {"channel": "whatsapp", "body": "Hello"}), 202)

    def test_bad_bodies_are_400_on_the_field(self):
        self.opt_in()
        self.login(self.user_a1)
        cases = [
            ({}, "non_field_errors"),
            ({"template": "payment_due_soon", "body": "both"}, "non_field_errors"),
            ({"template": "nope"}, "template"),
            ({"template": "payment_due_soon", "params": ["only one"]}, "params"),
            ({"template": "payment_due_soon", "params": "not a list"}, "params"),
            ({"channel": "pigeon", "body": "x"}, "channel"),
            ({"body": 5}, "body"),
            ({"body": "x", "params": ["a"]}, "params"),
        ]
        for body, field in cases:
            with self.subTest(body=body):
                response = self.client.post(self.thread_url(), body)
                self.assertStatus(response, 400)
                self.assertIn(field, response.data)
        self.assertFalse(Message.objects.exists())

    def test_the_schema_names_each_accepted_shape(self):
        self.login(self.user_a1)
        schema = self.client.get("/api/schema/?format=json").json()
        components = schema["components"]["schemas"]
        self.assertEqual(components["MessageSendTemplateRequest"]["required"], ["template"])
        self.assertEqual(components["MessageSendTextRequest"]["required"], ["body"])
        body = schema["paths"]["/api/leads/detail/{id}/messages/"]["post"]["requestBody"]
        self.assertTrue(body["required"])


class ConsentTests(MessagingAPITestCase):
    def test_staff_record_consent_with_when_and_how(self):
        self.login(self.user_a1)
        response = self.client.get(self.consent_url())
        self.assertStatus(response, 200)
        self.assertEqual(response.data["messaging_consent"], "unknown")
        response = self.client.put(self.consent_url(), {"messaging_consent": "opted_in", "language": "ur"})
        self.assertStatus(response, 200)
        self.assertEqual(response.data["messaging_consent"], "opted_in")
        self.assertEqual(response.data["messaging_consent_via"], "staff")
        self.assertEqual(response.data["language"], "ur")
        self.lead.refresh_from_db()
        self.assertIsNotNone(self.lead.messaging_consent_at)
        self.assertEqual(self.lead.history.first().history_user, self.user_a1)
        self.assertStatus(self.client.put(self.consent_url(), {"messaging_consent": "maybe"}), 400)
        self.assertStatus(self.client.put(self.consent_url(), {"messaging_consent": "opted_in", "via": "psychic"}), 400)

    def test_the_window_and_channels_for_the_composer(self):
        InboundMessageFactory(lead=self.lead)
        ChannelFactory(organization=self.alpha)
        self.login(self.user_a1)
        data = self.client.get(self.consent_url()).data
        self.assertEqual(data["channels"], ["whatsapp"])
        self.assertIsNotNone(data["whatsapp_window_ends_at"])


class TemplateTests(MessagingAPITestCase):
    def test_members_list_their_organizations_templates(self):
        self.login(self.user_a1)
        response = self.client.get(reverse("messaging:templates"), {"page_size": 100})
        self.assertStatus(response, 200)
        self.assertEqual(response.data["count"], 16)  # 4 codes × en/ur × WhatsApp/SMS
        self.assertEqual({row["organization"] for row in response.data["results"]}, {self.alpha.pk})
        ur = self.client.get(reverse("messaging:templates"), {"language": "ur", "channel": "whatsapp"}).data
        self.assertEqual(ur["count"], 4)
        self.assertEqual({row["parameter_count"] for row in ur["results"]}, {3, 4})

    def test_org_admins_edit_their_templates_and_nobody_elses(self):
        template = MessageTemplate.objects.get(organization=self.alpha, code="payment_due_soon", channel="sms", language="en")
        url = reverse("messaging:template-detail", args=[template.pk])
        body = {"body": "Salaam {{1}}: {{2}} by {{3}}."}
        self.login(self.user_a1)
        self.assertStatus(self.client.put(url, body), 403)
        self.login(self.admin_b)
        self.assertStatus(self.client.put(url, body), 404)
        self.login(self.admin_a)
        self.assertStatus(self.client.put(url, {"body": "Salaam {{1}} and {{3}}"}), 400)
        response = self.client.put(url, body)
        self.assertStatus(response, 200)
        self.assertEqual(response.data["body"], body["body"])


class ChannelTests(MessagingAPITestCase):
    url = "/api/messaging/channels/"

    def test_org_admins_connect_a_channel_and_never_see_its_secret(self):
        self.login(self.admin_a)
        response = self.client.post(self.url, {
            "organization": self.alpha.pk, "kind": "whatsapp", "phone_number_id": "106540352242922",
            "access_token": SECRET, "display_phone_number": "0300 1234567",
        })
        self.assertStatus(response, 201)
        self.assertTrue(response.data["has_secret"])
        self.assertEqual(response.data["display_phone_number"], "+923001234567")
        self.assertEqual(response.data["intake_branch"], self.branch_a1.pk)  # the organization's first branch
        listed = self.client.get(self.url)
        patched = self.client.patch(f"{self.url}{response.data['id']}/", {"secret": SECRET + "-new", "daily_limit": 50})
        self.assertStatus(patched, 200)
        for answer in (response, listed, patched):
            self.assertNotIn(SECRET, json.dumps(answer.json()))
            self.assertNotIn("access_token", json.dumps(answer.json()))

    def test_twilio_and_the_rules(self):
        self.login(self.admin_a)
        twilio = {"organization": self.alpha.pk, "kind": "sms", "account_sid": "AC" + "1" * 32, "auth_token": "tok",
                  "from_number": "+14155550100"}
        self.assertStatus(self.client.post(self.url, twilio), 201)
        self.assertStatus(self.client.post(self.url, {**twilio, "organization": self.bravo.pk}), 400)
        self.assertStatus(self.client.post(self.url, {**twilio, "auth_token": ""}), 400)
        self.assertStatus(self.client.post(self.url, {**twilio, "from_number": "", "messaging_service_sid": ""}), 400)
        self.assertStatus(self.client.post(self.url, {**twilio, "intake_branch": self.branch_b1.pk}), 400)
        # The same number for another organization: refused (a webhook must find one organization).
        self.login(self.admin_b)
        response = self.client.post(self.url, {**twilio, "organization": self.bravo.pk})
        self.assertStatus(response, 400)
        self.assertIn("from_number", response.data)

    def test_branch_users_cannot_manage_channels_and_admins_see_only_theirs(self):
        ChannelFactory(organization=self.bravo)
        self.login(self.user_a1)
        self.assertStatus(self.client.get(self.url), 403)
        self.login(self.admin_a)
        self.assertEqual(self.client.get(self.url).data["count"], 0)
        bravo_channel = Channel.objects.get()
        self.assertStatus(self.client.patch(f"{self.url}{bravo_channel.pk}/", {"active": False}), 404)
