"""The reminder digest in each recipient's language, and the printable receipt in its reader's."""

from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core import mail
from django.test import TestCase
from django.utils import translation
from django.utils.translation import get_language

from leads.reminders import digest_message, followup_digests, followup_reminders_send
from leads.services import loan_payment_record
from leads.tests.api_base import LeadsAPITestCase
from leads.tests.factories import FollowUpHistoryFactory, LeadFactory, LoanCommitmentFactory
from leads.tests.test_commands import morning_of
from organizations.languages import user_language
from organizations.services import user_language_set
from organizations.tests.factories import BranchFactory, branch_user

DAY = date(2026, 11, 27)


@morning_of(DAY)
class DigestLanguageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        branch = BranchFactory(name="Lahore Main", code="A1")
        cls.urdu_user = branch_user(branch, user__username="urdu_staff")
        cls.english_user = branch_user(branch, user__username="english_staff")
        cls.never_chose = branch_user(branch, user__username="default_staff")
        user_language_set(user=cls.urdu_user, language="ur")
        user_language_set(user=cls.english_user, language="en")
        lead = LeadFactory(branch=branch, customer_name="Ayesha Khan", next_followup_date=DAY)
        FollowUpHistoryFactory(lead=lead, remarks="Wants the December package.")
        LeadFactory(branch=branch, customer_name="Bilal Ahmed", next_followup_date=DAY - timedelta(days=2))
        LoanCommitmentFactory(lead=lead, amount=Decimal("5000.00"), promised_clear_date=DAY - timedelta(days=3))

    def setUp(self):
        followup_reminders_send(day=DAY)

    def digest_to(self, user):
        (message,) = [message for message in mail.outbox if user.email in message.to]
        html, mimetype = message.alternatives[0]
        self.assertEqual(mimetype, "text/html")
        return message, html

    def test_an_urdu_users_digest_is_in_urdu_right_to_left(self):
        message, html = self.digest_to(self.urdu_user)
        self.assertEqual(message.subject, "27 نومبر 2026 کے لیڈ فالو اپ: 1 مقررہ، 1 تاخیر شدہ؛ ادائیگیاں: 0 مقررہ، 1 تاخیر شدہ")
        self.assertIn('<html lang="ur" dir="rtl">', html)
        for text in ("السلام علیکم urdu_staff،", "گاہک", "آخری تبصرہ", "Wants the December package.", "Ayesha Khan",
                     "واجب اور تاخیر شدہ ادائیگیاں", "3 دن تاخیر"):
            with self.subTest(text=text):
                self.assertIn(text, html)
        self.assertIn("ہر کال کو فالو اپ کے طور پر درج کریں", message.body)
        self.assertNotIn("Hello", message.body + html)

    def test_an_english_users_digest_is_in_english_left_to_right(self):
        for user in (self.english_user, self.never_chose):
            with self.subTest(user=user.username):
                message, html = self.digest_to(user)
                self.assertEqual(message.subject, "Lead follow-ups for 27 Nov 2026: 1 due, 1 overdue; payments: 0 due, 1 overdue")
                self.assertIn('<html lang="en" dir="ltr">', html)
                self.assertIn(f"Hello {user.username},", message.body)
                self.assertIn("3 days late", html)
                self.assertNotIn("گاہک", message.body + html)

    def test_one_run_writes_each_digest_in_its_own_language(self):
        subjects = {message.to[0]: message.subject for message in mail.outbox}
        self.assertTrue(subjects[self.urdu_user.email].startswith("27 نومبر 2026 کے لیڈ فالو اپ"))
        self.assertTrue(subjects[self.english_user.email].startswith("Lead follow-ups for"))

    def test_writing_an_urdu_digest_leaves_the_callers_language_alone(self):
        (digest,) = [digest for digest in followup_digests(day=DAY) if digest.user == self.urdu_user]
        with translation.override("en"):
            digest_message(digest)
            self.assertEqual(get_language(), "en")

    def test_the_recipients_language_costs_no_query_per_user(self):
        with self.assertNumQueries(3):  # the leads, the payments due, the memberships (with each user's choice)
            digests = followup_digests(day=DAY)
        with self.assertNumQueries(0):
            languages = {digest.user.username: user_language(digest.user) for digest in digests}
        self.assertEqual(languages, {"urdu_staff": "ur", "english_staff": "en", "default_staff": "en"})


class ReceiptLanguageTests(LeadsAPITestCase):
    def setUp(self):
        commitment = LoanCommitmentFactory(lead=self.lead, amount=Decimal("10000.00"))
        self.payment = loan_payment_record(
            commitment=commitment, amount=Decimal("2500.00"), method="bank_transfer", actor=self.user_a1
        )
        self.login(self.user_a1)
        self.address = self.url("loan-payment-receipt", commitment.pk, self.payment.pk)

    def test_english_left_to_right_by_default(self):
        response = self.client.get(self.address)
        self.assertContains(response, '<html lang="en" dir="ltr">')
        self.assertContains(response, "Payment receipt")
        self.assertContains(response, "Bank transfer")
        self.assertEqual(response["Content-Language"], "en")

    def test_urdu_right_to_left_with_the_desks_language_cookie(self):
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ur"
        response = self.client.get(self.address)
        self.assertContains(response, '<html lang="ur" dir="rtl">')
        for text in ("رسیدِ ادائیگی", "بینک ٹرانسفر", "اس ادائیگی کے بعد بقایا", "PKR 2500.00", self.payment.receipt_number):
            with self.subTest(text=text):
                self.assertContains(response, text)
        self.assertNotContains(response, "Payment receipt")
        self.assertEqual(response["Content-Language"], "ur")
        self.assertIn("Cookie", response["Vary"])

    def test_urdu_for_a_browser_that_asks_for_it(self):
        response = self.client.get(self.address, HTTP_ACCEPT_LANGUAGE="ur")
        self.assertContains(response, '<html lang="ur" dir="rtl">')
