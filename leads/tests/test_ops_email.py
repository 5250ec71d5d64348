"""Email from the environment: production without DJANGO_EMAIL_URL sends nothing and says so."""

import json
import os
import subprocess
import sys
from pathlib import Path

from django.core import mail
from django.core.checks import run_checks
from django.core.management import CommandError, call_command
from django.test import SimpleTestCase, TestCase, override_settings
from django.utils import timezone

from leads.models import FollowUpReminder
from leads.tests.factories import LeadFactory
from organizations.tests.factories import BranchFactory, branch_user

PROJECT = Path(__file__).resolve().parents[2]


class RemindersWithoutEmailTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        branch = BranchFactory()
        cls.user = branch_user(branch)
        LeadFactory(branch=branch, next_followup_date=timezone.localdate())

    @override_settings(EMAIL_CONFIGURED=False)
    def test_refuses_with_a_clear_message_and_claims_nothing(self):
        with self.assertRaisesMessage(CommandError, "DJANGO_EMAIL_URL"):
            call_command("send_followup_reminders")
        self.assertEqual(mail.outbox, [])
        self.assertFalse(FollowUpReminder.objects.exists())

    @override_settings(EMAIL_CONFIGURED=True)
    def test_sends_when_email_is_configured(self):
        call_command("send_followup_reminders", stdout=open(os.devnull, "w"))
        self.assertEqual(len(mail.outbox), 1)
        self.assertTrue(FollowUpReminder.objects.exists())


class DeployCheckTests(SimpleTestCase):
    @override_settings(EMAIL_CONFIGURED=False)
    def test_deploy_check_warns_when_no_email_is_configured(self):
        ids = [message.id for message in run_checks(include_deployment_checks=True)]
        self.assertIn("common.W001", ids)

    @override_settings(EMAIL_CONFIGURED=True)
    def test_deploy_check_is_quiet_when_email_is_configured(self):
        ids = [message.id for message in run_checks(include_deployment_checks=True)]
        self.assertNotIn("common.W001", ids)


class EmailSettingsTests(SimpleTestCase):
    def settings_under(self, **environment):
        code = (
            "import json, django; from django.conf import settings; django.setup(); "
            "print(json.dumps({k: getattr(settings, k) for k in ('EMAIL_BACKEND', 'EMAIL_HOST', 'EMAIL_PORT', "
            "'EMAIL_HOST_USER', 'EMAIL_USE_TLS', 'EMAIL_CONFIGURED', 'DEFAULT_FROM_EMAIL')}))"
        )
        env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
        env.update(DJANGO_SETTINGS_MODULE="config.settings", DJANGO_SECRET_KEY="x" * 50, **environment)
        out = subprocess.run([sys.executable, "-c", code], cwd=PROJECT, env=env, capture_output=True, text=True, check=True)
        return json.loads(out.stdout)

    def test_email_url_configures_smtp_with_tls(self):
        values = self.settings_under(
            DJANGO_DEBUG="false",
            DJANGO_EMAIL_URL="smtp+tls://mailer:s3cret@smtp.example.com:587",
            DJANGO_DEFAULT_FROM_EMAIL="Leads <leads@example.com>",
        )
        self.assertEqual(values["EMAIL_BACKEND"], "django.core.mail.backends.smtp.EmailBackend")
        self.assertEqual((values["EMAIL_HOST"], values["EMAIL_PORT"], values["EMAIL_HOST_USER"]), ("smtp.example.com", 587, "mailer"))
        self.assertTrue(values["EMAIL_USE_TLS"])
        self.assertTrue(values["EMAIL_CONFIGURED"])
        self.assertEqual(values["DEFAULT_FROM_EMAIL"], "Leads <leads@example.com>")

    def test_production_without_email_url_is_not_configured(self):
        self.assertFalse(self.settings_under(DJANGO_DEBUG="false")["EMAIL_CONFIGURED"])

    def test_development_defaults_to_the_console(self):
        values = self.settings_under(DJANGO_DEBUG="true")
        self.assertEqual(values["EMAIL_BACKEND"], "django.core.mail.backends.console.EmailBackend")
        self.assertTrue(values["EMAIL_CONFIGURED"])
