"""Secrets: encrypted at rest, a wrong key fails loudly, never in the admin, the logs or a repr; the commands."""

from io import StringIO

from cryptography.fernet import Fernet
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import TestCase, override_settings
from django.urls import reverse

from messaging.checks import check_field_encryption_key
from messaging.encryption import SecretUnreadable, reveal
from messaging.models import Channel, Message, MessageStatus
from messaging.services.outbox import message_queue
from messaging.tests.base import FakeProvidersMixin
from messaging.tests.factories import ChannelFactory, ConsentingLeadFactory
from organizations.tests.factories import BranchFactory, OrganizationFactory, UserFactory

SECRET = "EAAG-plaintext-token-must-not-leak"
KEY_A, KEY_B = Fernet.generate_key().decode(), Fernet.generate_key().decode()


def stored_column(channel_id: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM messaging_channel WHERE id = %s", [channel_id])
        return cursor.fetchone()[0]


@override_settings(FIELD_ENCRYPTION_KEYS=[KEY_A])
class EncryptionTests(FakeProvidersMixin, TestCase):
    def test_the_column_holds_no_plaintext_and_reads_back(self):
        channel = ChannelFactory(secret=SECRET)
        stored = stored_column(channel.pk)
        self.assertNotIn(SECRET, stored)
        self.assertTrue(stored.startswith("gAAAAA"))  # a Fernet token
        loaded = Channel.objects.get(pk=channel.pk)
        self.assertNotIn(SECRET, repr(loaded.secret) + str(loaded.secret) + repr(loaded))
        self.assertEqual(reveal(loaded.secret), SECRET)

    def test_a_wrong_key_fails_loudly_and_the_message_fails_with_the_reason(self):
        lead = ConsentingLeadFactory()
        channel = ChannelFactory(organization=lead.organization, secret=SECRET)
        with override_settings(FIELD_ENCRYPTION_KEYS=[KEY_B]):
            with self.assertRaises(SecretUnreadable):
                reveal(Channel.objects.get(pk=channel.pk).secret)
            with self.assertLogs("messaging.outbox", "ERROR"), self.captureOnCommitCallbacks(execute=True):
                message = message_queue(lead=lead, template="payment_due_today", params=["a", "b", "c"])
        message.refresh_from_db()
        self.assertEqual(message.status, MessageStatus.FAILED)
        self.assertIn("DJANGO_FIELD_ENCRYPTION_KEY", message.error)
        self.assertEqual(self.whatsapp.requests, [])

    def test_rotation_re_encrypts_with_the_new_key(self):
        channel = ChannelFactory(secret=SECRET)
        with override_settings(FIELD_ENCRYPTION_KEYS=[KEY_B, KEY_A]):
            call_command("rotate_channel_secrets", stdout=StringIO())
        with override_settings(FIELD_ENCRYPTION_KEYS=[KEY_B]):
            self.assertEqual(reveal(Channel.objects.get(pk=channel.pk).secret), SECRET)

    def test_the_secret_never_reaches_the_log(self):
        lead = ConsentingLeadFactory()
        ChannelFactory(organization=lead.organization, secret=SECRET)
        self.whatsapp.script(self.whatsapp.error(130429))
        with self.assertLogs("messaging", "DEBUG") as logs, self.captureOnCommitCallbacks(execute=True):
            message_queue(lead=lead, template="payment_due_today", params=["a", "b", "c"])
        self.assertTrue(logs.output)
        self.assertNotIn(SECRET, "\n".join(logs.output))
        self.assertEqual(Message.objects.get().status, MessageStatus.QUEUED)

    @override_settings(FIELD_ENCRYPTION_KEYS=[])
    def test_check_deploy_names_the_missing_key_once_a_channel_is_connected(self):
        with override_settings(DEBUG=False):
            self.assertEqual(check_field_encryption_key(None), [])
        ChannelFactory(secret="")
        with override_settings(DEBUG=False):
            (error,) = check_field_encryption_key(None)
        self.assertIn("DJANGO_FIELD_ENCRYPTION_KEY", error.msg)


@override_settings(FIELD_ENCRYPTION_KEYS=[KEY_A])
class AdminTests(TestCase):
    def setUp(self):
        self.admin = UserFactory(username="root", is_staff=True, is_superuser=True)
        self.client.force_login(self.admin)

    def test_the_admin_takes_the_secret_and_never_shows_it(self):
        organization = OrganizationFactory()
        BranchFactory(organization=organization)
        response = self.client.post(reverse("admin:messaging_channel_add"), {
            "organization": organization.pk, "kind": "whatsapp", "phone_number_id": "1065403522",
            "display_phone_number": "", "business_account_id": "", "account_sid": "", "from_number": "",
            "messaging_service_sid": "", "daily_limit": 100, "active": "on", "new_secret": SECRET,
        })
        self.assertEqual(response.status_code, 302, response.content[:2000])
        channel = Channel.objects.get()
        self.assertEqual(reveal(channel.secret), SECRET)
        for url in (reverse("admin:messaging_channel_changelist"), reverse("admin:messaging_channel_change", args=[channel.pk])):
            page = self.client.get(url)
            self.assertEqual(page.status_code, 200)
            self.assertNotIn(SECRET, page.content.decode())
            self.assertNotIn(channel.secret.token, page.content.decode())
        # Saved without a new secret: the stored one stays.
        self.client.post(reverse("admin:messaging_channel_change", args=[channel.pk]), {
            "display_phone_number": "", "business_account_id": "", "daily_limit": 50, "active": "on", "new_secret": "",
        })
        channel.refresh_from_db()
        self.assertEqual(channel.daily_limit, 50)
        self.assertEqual(reveal(channel.secret), SECRET)


@override_settings(FIELD_ENCRYPTION_KEYS=[KEY_A])
class CommandTests(TestCase):
    def test_connect_whatsapp_and_twilio(self):
        organization = OrganizationFactory()
        first = BranchFactory(organization=organization)
        second = BranchFactory(organization=organization)
        out = StringIO()
        call_command("connect_whatsapp", "--organization", str(organization.pk), "--phone-number-id", "1065403522",
                     "--access-token", SECRET, "--intake-branch", str(second.pk), stdout=out)
        self.assertNotIn(SECRET, out.getvalue())
        call_command("connect_twilio", "--organization", str(organization.pk), "--account-sid", "AC" + "2" * 32,
                     "--auth-token", "tok-secret", "--from", "+14155550100", stdout=out)
        whatsapp, sms = Channel.objects.order_by("kind")[1], Channel.objects.order_by("kind")[0]
        self.assertEqual((whatsapp.kind, whatsapp.intake_branch_id), ("whatsapp", second.pk))
        self.assertEqual((sms.kind, sms.intake_branch_id, sms.from_number), ("sms", first.pk, "+14155550100"))
        self.assertNotIn("tok-secret", stored_column(sms.pk))
        with self.assertRaisesMessage(CommandError, "No organization"):
            call_command("connect_whatsapp", "--organization", "999999", "--phone-number-id", "1", "--access-token", "x")
        other = OrganizationFactory()
        with self.assertRaisesMessage(CommandError, "phone_number_id"):
            call_command("connect_whatsapp", "--organization", str(other.pk), "--phone-number-id", "1065403522",
                         "--access-token", "x", stdout=StringIO())
