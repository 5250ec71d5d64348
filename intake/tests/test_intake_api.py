"""POST /api/leads/intake/: keys, fields, honeypot, limits, consent, UTM tags, dedupe, form posts and CORS."""

from datetime import timedelta
from urllib.parse import urlencode
from unittest import mock

from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APITestCase

from common.testing.throttling import rates
from intake.models import IntakeSource
from intake.services import intake_source_revoke
from intake.tests.factories import IntakeSourceFactory
from intake.throttling import IntakeAddressThrottle, IntakeKeyThrottle
from leads.models import ConsentVia, ContactMethod, FollowUpHistory, Lead, LeadSource, LeadStatus, MessagingConsent
from leads.tests.factories import LeadFactory
from organizations.tests.factories import BranchFactory

URL = "/api/leads/intake/"  # the contract's path, pinned


class IntakeTestCase(APITestCase):
    def setUp(self):
        cache.clear()
        self.addCleanup(cache.clear)
        self.branch = BranchFactory()
        self.source = IntakeSourceFactory(branch=self.branch, name="Website form")

    def post(self, body=None, *, key="default", fmt="json", **extra):
        headers = {} if key is None else {"HTTP_X_INTAKE_KEY": self.source.test_key if key == "default" else key}
        body = {"customer_name": "Ayesha Siddiqui", "contact_number": "0300 1234567"} if body is None else body
        return self.client.post(URL, body, format=fmt, **headers, **extra)

    def assert_received(self, response):
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(response.json(), {"received": True})


class KeyTests(IntakeTestCase):
    def test_a_valid_key_creates_a_lead_in_the_sources_branch(self):
        self.assert_received(self.post({"customer_name": "Ayesha Siddiqui", "contact_number": "0300 1234567",
                                        "area": "Gulberg", "remarks": "Umrah in March"}))
        lead = Lead.objects.get()
        self.assertEqual((lead.branch, lead.organization_id), (self.branch, self.branch.organization_id))
        self.assertEqual((lead.contact_number, lead.lead_source, lead.lead_status),
                         ("+923001234567", LeadSource.WEB_FORM, LeadStatus.NEW))
        self.assertEqual((lead.area, lead.remarks), ("Gulberg", "Umrah in March"))
        self.assertEqual(lead.attribution, {"intake_source": self.source.pk})
        self.source.refresh_from_db()
        self.assertIsNotNone(self.source.last_used_at)

    def test_the_sources_lead_source_is_the_leads(self):
        self.source.lead_source = LeadSource.SOCIAL_MEDIA
        self.source.save()
        self.assert_received(self.post())
        self.assertEqual(Lead.objects.get().lead_source, LeadSource.SOCIAL_MEDIA)

    def test_no_key_a_wrong_key_or_a_malformed_one_is_401_and_stores_nothing(self):
        prefix = self.source.key_prefix
        for key in (None, "", "nonsense", f"ik_{prefix}_{'x' * 43}", self.source.test_key[:-1] + "A"
                    if not self.source.test_key.endswith("A") else self.source.test_key[:-1] + "B"):
            with self.subTest(key=key):
                response = self.post(key=key)
                self.assertEqual(response.status_code, 401, response.content)
                self.assertIn("WWW-Authenticate", response)
        self.assertFalse(Lead.objects.exists())

    def test_a_revoked_key_is_401(self):
        self.assert_received(self.post())
        intake_source_revoke(source=self.source, actor=None)
        self.assertEqual(self.post({"customer_name": "B", "contact_number": "0300 7654321"}).status_code, 401)
        self.assertEqual(Lead.objects.count(), 1)

    def test_the_key_is_stored_only_as_a_hash(self):
        stored = IntakeSource.objects.filter(pk=self.source.pk).values_list("key_prefix", "key_hash").get()
        self.assertNotIn(self.source.test_key.split("_", 2)[2], "".join(stored))


class FieldTests(IntakeTestCase):
    def test_a_bad_field_is_a_400_naming_it(self):
        cases = {
            "contact_number": {"customer_name": "A", "contact_number": "12"},
            "customer_name": {"contact_number": "0300 1234567"},
            "cnic": {"customer_name": "A", "contact_number": "0300 1234567", "cnic": "123"},
            "passport_number": {"customer_name": "A", "contact_number": "0300 1234567", "passport_number": "#"},
            "messaging_consent": {"customer_name": "A", "contact_number": "0300 1234567", "messaging_consent": "maybe"},
            "utm_source": {"customer_name": "A", "contact_number": "0300 1234567", "utm_source": "x" * 101},
        }
        for field, body in cases.items():
            with self.subTest(field=field):
                response = self.post(body)
                self.assertEqual(response.status_code, 400, response.content)
                self.assertIn(field, response.json())
        self.assertFalse(Lead.objects.exists())

    def test_a_body_that_is_not_an_object_is_400(self):
        for body in ([1, 2], "text", 7):
            with self.subTest(body=body):
                self.assertEqual(self.post(body).status_code, 400)

    def test_utm_tags_are_kept(self):
        self.assert_received(self.post({"customer_name": "A", "contact_number": "0300 1234567",
                                        "utm_source": "facebook", "utm_campaign": "umrah-march"}))
        self.assertEqual(Lead.objects.values_list("utm_source", "utm_campaign").get(), ("facebook", "umrah-march"))

    def test_the_honeypot_is_answered_as_received_and_stores_nothing(self):
        self.assert_received(self.post({"customer_name": "Bot", "contact_number": "0300 1234567",
                                        "website": "http://spam.example"}))
        self.assertFalse(Lead.objects.exists())

    @override_settings(INTAKE_MAX_BODY_BYTES=1024)
    def test_a_body_over_the_limit_is_413(self):
        response = self.post({"customer_name": "A", "contact_number": "0300 1234567", "remarks": "x" * 2000})
        self.assertEqual(response.status_code, 413, response.content)
        self.assertFalse(Lead.objects.exists())

    def test_the_default_limit_refuses_a_large_body(self):
        response = self.post({"customer_name": "A", "contact_number": "0300 1234567", "remarks": "x" * 20_000})
        self.assertEqual(response.status_code, 413)


class ConsentTests(IntakeTestCase):
    def consent_after(self, *, asks: bool, answer):
        self.source.asks_consent = asks
        self.source.save()
        body = {"customer_name": "A", "contact_number": "0300 1234567"}
        if answer is not None:
            body["messaging_consent"] = answer
        self.assert_received(self.post(body))
        return Lead.objects.values_list("messaging_consent", "messaging_consent_via", "messaging_consent_at").get()

    def test_a_yes_on_a_form_that_asks_records_the_consent_with_how_and_when(self):
        consent, via, at = self.consent_after(asks=True, answer=True)
        self.assertEqual((consent, via), (MessagingConsent.OPTED_IN, ConsentVia.INTAKE_FORM))
        self.assertLess(abs(at - timezone.now()), timedelta(minutes=1))

    def test_an_explicit_no_records_nothing(self):
        self.assertEqual(self.consent_after(asks=True, answer=False), (MessagingConsent.UNKNOWN, "", None))

    def test_a_yes_to_a_source_that_does_not_ask_records_nothing(self):
        self.assertEqual(self.consent_after(asks=False, answer=True), (MessagingConsent.UNKNOWN, "", None))

    def test_a_returning_customer_who_says_yes_is_opted_in_on_the_existing_lead(self):
        lead = LeadFactory(branch=self.branch, contact_number="+923001234567", passport_number="", cnic="")
        self.consent_after(asks=True, answer=True)
        lead.refresh_from_db()
        self.assertEqual((lead.messaging_consent, lead.messaging_consent_via),
                         (MessagingConsent.OPTED_IN, ConsentVia.INTAKE_FORM))


class DedupeTests(IntakeTestCase):
    def assert_followed_up(self, lead, body):
        self.assert_received(self.post(body))
        self.assertEqual(Lead.objects.count(), 1)
        followup = FollowUpHistory.objects.get(lead=lead)
        self.assertEqual(followup.remarks, "Enquired again through Website form: Still interested")
        self.assertEqual(followup.contact_method, ContactMethod.OTHER)
        lead.refresh_from_db()
        # The customer reached us, nobody reached them: still new, never contacted, due today.
        self.assertEqual((lead.lead_status, lead.last_contacted_at, lead.first_contacted_at),
                         (LeadStatus.NEW, None, None))
        self.assertEqual(lead.next_followup_date, timezone.localdate())

    def test_same_passport_is_the_same_customer(self):
        lead = LeadFactory(branch=self.branch, passport_number="AB1234567")
        self.assert_followed_up(lead, {"customer_name": "A", "contact_number": "0311 7654321",
                                       "passport_number": "ab 1234567", "remarks": "Still interested"})

    def test_same_cnic_is_the_same_customer(self):
        lead = LeadFactory(branch=self.branch, passport_number="", cnic="35202-1234567-1")
        self.assert_followed_up(lead, {"customer_name": "A", "contact_number": "0311 7654321",
                                       "cnic": "3520212345671", "remarks": "Still interested"})

    def test_same_phone_is_the_same_customer_in_another_branch_of_the_organization(self):
        other_branch = BranchFactory(organization=self.branch.organization)
        lead = LeadFactory(branch=other_branch, passport_number="", cnic="", contact_number="+923001234567")
        self.assert_followed_up(lead, {"customer_name": "A", "contact_number": "0300-1234567",
                                       "remarks": "Still interested"})

    def test_a_phone_of_another_organization_is_a_new_lead(self):
        LeadFactory(contact_number="+923001234567")
        self.assert_received(self.post())
        self.assertEqual(Lead.objects.filter(branch=self.branch).count(), 1)

    def test_same_phone_with_another_persons_passport_is_a_new_lead(self):
        LeadFactory(branch=self.branch, passport_number="ZZ9999999", contact_number="+923001234567")
        self.assert_received(self.post({"customer_name": "Brother", "contact_number": "0300 1234567",
                                        "passport_number": "AB1234567"}))
        self.assertEqual(Lead.objects.filter(branch=self.branch).count(), 2)

    def test_an_earlier_missed_follow_up_day_stays(self):
        missed = timezone.localdate() - timedelta(days=3)
        lead = LeadFactory(branch=self.branch, passport_number="", cnic="", contact_number="+923001234567",
                           next_followup_date=missed)
        self.assert_received(self.post())
        lead.refresh_from_db()
        self.assertEqual(lead.next_followup_date, missed)

    def test_posting_the_same_enquiry_twice_makes_one_lead(self):
        self.assert_received(self.post())
        self.assert_received(self.post())
        self.assertEqual(Lead.objects.count(), 1)
        self.assertEqual(FollowUpHistory.objects.count(), 1)


class ThrottleTests(IntakeTestCase):
    def setUp(self):
        super().setUp()
        for throttle in (IntakeAddressThrottle, IntakeKeyThrottle):  # one window for the whole test
            patcher = mock.patch.object(throttle, "timer", return_value=1_000_020.0)
            patcher.start()
            self.addCleanup(patcher.stop)

    def test_a_key_is_limited_whatever_the_address(self):
        with rates(intake="2/minute"):
            self.assert_received(self.post(REMOTE_ADDR="10.0.0.1"))
            self.assert_received(self.post(REMOTE_ADDR="10.0.0.2"))
            response = self.post(REMOTE_ADDR="10.0.0.3")
        self.assertEqual(response.status_code, 429)
        self.assertIn("Retry-After", response)

    def test_an_address_is_limited_whatever_the_key(self):
        other = IntakeSourceFactory(branch=self.branch)
        with rates(intake="2/minute"):
            self.assert_received(self.post())
            self.assert_received(self.post(key=other.test_key))
            self.assertEqual(self.post(key=IntakeSourceFactory(branch=self.branch).test_key).status_code, 429)

    def test_wrong_keys_spend_the_addresses_allowance(self):
        with rates(intake="2/minute"):
            self.assertEqual(self.post(key="wrong").status_code, 401)
            self.assertEqual(self.post(key="wrong").status_code, 401)
            self.assertEqual(self.post().status_code, 429)


class FormPostTests(IntakeTestCase):
    def form_post(self, body, **extra):
        return self.client.post(URL, urlencode(body), content_type="application/x-www-form-urlencoded", **extra)

    def test_a_plain_html_form_posts_with_the_key_as_a_field(self):
        response = self.form_post({"intake_key": self.source.test_key, "customer_name": "Form Person",
                                   "contact_number": "0300 1234567", "messaging_consent": "true", "website": ""})
        self.assert_received(response)
        self.assertEqual(Lead.objects.get().customer_name, "Form Person")

    def test_a_form_post_goes_on_to_the_thank_you_page(self):
        self.source.redirect_url = "https://www.example.com/thank-you"
        self.source.save()
        response = self.form_post({"intake_key": self.source.test_key, "customer_name": "A",
                                   "contact_number": "0300 1234567"})
        self.assertEqual((response.status_code, response["Location"]), (303, "https://www.example.com/thank-you"))
        self.assertEqual(Lead.objects.count(), 1)

    def test_next_is_followed_only_to_an_allowed_origin(self):
        self.source.allowed_origins = ["https://www.example.com"]
        self.source.save()
        body = {"intake_key": self.source.test_key, "customer_name": "A", "contact_number": "0300 1234567"}
        response = self.form_post({**body, "next": "https://www.example.com/thanks?x=1"})
        self.assertEqual((response.status_code, response["Location"]), (303, "https://www.example.com/thanks?x=1"))
        response = self.form_post({**body, "next": "https://evil.example/phish"})
        self.assert_received(response)  # no open redirect: the JSON answer

    def test_a_bot_filling_the_honeypot_is_sent_on_too_and_nothing_is_stored(self):
        self.source.redirect_url = "https://www.example.com/thank-you"
        self.source.save()
        response = self.form_post({"intake_key": self.source.test_key, "customer_name": "Bot",
                                   "contact_number": "0300 1234567", "website": "spam"})
        self.assertEqual(response.status_code, 303)
        self.assertFalse(Lead.objects.exists())

    def test_a_wrong_key_in_a_form_is_401(self):
        response = self.form_post({"intake_key": "wrong", "customer_name": "A", "contact_number": "0300 1234567"})
        self.assertEqual(response.status_code, 401)


@override_settings(CORS_ALLOWED_ORIGINS=["https://desk.example.org"])
class CorsTests(IntakeTestCase):
    def setUp(self):
        super().setUp()
        self.source.allowed_origins = ["https://www.example.com"]
        self.source.save()

    def preflight(self, origin):
        return self.client.options(URL, HTTP_ORIGIN=origin, HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
                                   HTTP_ACCESS_CONTROL_REQUEST_HEADERS="content-type, x-intake-key")

    def test_an_allowed_origin_may_call_it(self):
        response = self.preflight("https://www.example.com")
        self.assertEqual(response["Access-Control-Allow-Origin"], "https://www.example.com")
        self.assertIn("x-intake-key", response["Access-Control-Allow-Headers"])
        response = self.post(HTTP_ORIGIN="https://www.example.com")
        self.assert_received(response)
        self.assertEqual(response["Access-Control-Allow-Origin"], "https://www.example.com")

    def test_another_origin_gets_no_cors_headers_and_its_post_is_refused(self):
        response = self.preflight("https://evil.example")
        self.assertNotIn("Access-Control-Allow-Origin", response)
        response = self.post(HTTP_ORIGIN="https://evil.example")
        self.assertEqual(response.status_code, 403, response.content)
        self.assertNotIn("Access-Control-Allow-Origin", response)
        self.assertFalse(Lead.objects.exists())

    def test_the_spas_origins_do_not_open_the_intake(self):
        self.assertNotIn("Access-Control-Allow-Origin", self.preflight("https://desk.example.org"))
        # ... and still open the rest of the API.
        response = self.client.options("/api/leads/list/", HTTP_ORIGIN="https://desk.example.org",
                                       HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET")
        self.assertEqual(response["Access-Control-Allow-Origin"], "https://desk.example.org")

    def test_a_revoked_sources_origins_no_longer_count(self):
        intake_source_revoke(source=self.source, actor=None)
        self.assertNotIn("Access-Control-Allow-Origin", self.preflight("https://www.example.com"))

    def test_a_script_without_an_origin_posts_as_before(self):
        self.assert_received(self.post())

    def test_the_contract_path_is_the_named_one(self):
        self.assertEqual(reverse("intake:intake"), URL)
