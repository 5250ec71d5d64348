"""Meta Lead Ads against a local fake Graph API: the subscription check, every signature case, fetching with
retries and give-up, the intake path and attribution, and the backfill's paging."""

import hashlib
import hmac
import json
from io import StringIO

from django.core.management import CommandError, call_command
from django.test import TestCase, override_settings

from intake.models import MetaLead, MetaLeadReceivedVia, MetaLeadStatus
from intake.tests.factories import IntakeSourceFactory, MetaPageFactory
from intake.tests.fake_graph import FakeGraph
from leads.models import FollowUpHistory, Lead, LeadSource
from leads.tests.factories import LeadFactory

URL = "/api/leads/intake/meta/"  # the contract's path, pinned
SECRET = "app-secret-for-tests"
VERIFY = "verify-token-for-tests"


def signed(body: bytes, secret: str = SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def leadgen_body(*leadgen_ids, page_id="5001", form_id="7001") -> bytes:
    changes = [{"field": "leadgen", "value": {"leadgen_id": leadgen_id, "page_id": page_id, "form_id": form_id,
                                              "ad_id": "9001", "adgroup_id": "9101", "created_time": 1760000000}}
               for leadgen_id in leadgen_ids]
    return json.dumps({"object": "page", "entry": [{"id": page_id, "time": 1760000001, "changes": changes}]}).encode()


@override_settings(META_APP_SECRET=SECRET, META_VERIFY_TOKEN=VERIFY)
class MetaTestCase(TestCase):
    def setUp(self):
        self.graph = FakeGraph().__enter__()
        self.addCleanup(self.graph.__exit__, None, None, None)
        patcher = override_settings(META_GRAPH_URL=self.graph.url)
        patcher.enable()
        self.addCleanup(patcher.disable)
        self.source = IntakeSourceFactory(name="Facebook ads")
        self.page = MetaPageFactory(source=self.source, page_id="5001")

    def deliver(self, body: bytes, signature: str | None = "sign", **extra):
        headers = {} if signature is None else {"HTTP_X_HUB_SIGNATURE_256": signed(body) if signature == "sign" else signature}
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(URL, body, content_type="application/json", **headers, **extra)


class SubscriptionCheckTests(MetaTestCase):
    def test_the_right_token_gets_the_challenge_back_as_text(self):
        response = self.client.get(URL, {"hub.mode": "subscribe", "hub.verify_token": VERIFY, "hub.challenge": "1158201444"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content, b"1158201444")
        self.assertTrue(response["Content-Type"].startswith("text/plain"))

    def test_anything_else_is_403(self):
        cases = {
            "wrong token": {"hub.mode": "subscribe", "hub.verify_token": "guess", "hub.challenge": "1"},
            "wrong mode": {"hub.mode": "unsubscribe", "hub.verify_token": VERIFY, "hub.challenge": "1"},
            "no token": {"hub.mode": "subscribe", "hub.challenge": "1"},
            "nothing": {},
        }
        for name, query in cases.items():
            with self.subTest(name):
                self.assertEqual(self.client.get(URL, query).status_code, 403)

    @override_settings(META_VERIFY_TOKEN="")
    def test_no_verify_token_configured_refuses_every_check(self):
        self.assertEqual(self.client.get(URL, {"hub.mode": "subscribe", "hub.verify_token": "",
                                               "hub.challenge": "1"}).status_code, 403)


class SignatureTests(MetaTestCase):
    def test_a_right_signature_is_answered_200_and_the_lead_arrives_through_the_intake(self):
        self.graph.add_lead("111", name="Bilal Ahmed", phone="0300 1234567", city="Multan", email="b@example.com")
        response = self.deliver(leadgen_body("111"))
        self.assertEqual(response.status_code, 200, response.content)
        meta_lead = MetaLead.objects.get()
        self.assertEqual((meta_lead.status, meta_lead.attempts, meta_lead.received_via),
                         (MetaLeadStatus.DONE, 1, MetaLeadReceivedVia.WEBHOOK))
        lead = meta_lead.lead
        self.assertEqual((lead.customer_name, lead.contact_number, lead.area, lead.lead_source, lead.branch),
                         ("Bilal Ahmed", "+923001234567", "Multan", LeadSource.META_ADS, self.source.branch))
        self.assertIn("email: b@example.com", lead.remarks)
        self.assertEqual(
            {key: lead.attribution[key] for key in ("leadgen_id", "page_id", "form_id", "ad_id", "adgroup_id", "campaign_id")},
            {"leadgen_id": "111", "page_id": "5001", "form_id": "7001", "ad_id": "9001", "adgroup_id": "9101",
             "campaign_id": "9201"},
        )
        path, query = self.graph.requests[-1]
        self.assertEqual(path, "/v23.0/111")
        self.assertEqual(query["access_token"], self.page.access_token)
        self.assertIn("field_data", query["fields"])

    def test_missing_wrong_and_malformed_signatures_are_401_and_store_nothing(self):
        body = leadgen_body("111")
        cases = {
            "missing": None,
            "wrong secret": signed(body, "another-secret"),
            "another body": signed(leadgen_body("112")),
            "no prefix": signed(body).removeprefix("sha256="),
            "sha1": "sha1=" + hashlib.sha1(body).hexdigest(),
            "not hex": "sha256=" + "z" * 64,
            "short": signed(body)[:-2],
            "empty": "",
        }
        for name, signature in cases.items():
            with self.subTest(name):
                self.assertEqual(self.deliver(body, signature).status_code, 401)
        self.assertFalse(MetaLead.objects.exists())
        self.assertEqual(self.graph.requests, [])

    @override_settings(META_APP_SECRET="")
    def test_without_an_app_secret_nothing_is_accepted(self):
        self.assertEqual(self.deliver(leadgen_body("111"), signed(leadgen_body("111"), "")).status_code, 401)

    def test_the_signature_is_checked_on_the_raw_bytes(self):
        body = leadgen_body("111")
        respaced = json.dumps(json.loads(body), indent=2).encode()  # the same JSON, other bytes
        self.assertEqual(self.deliver(respaced, signed(body)).status_code, 401)

    def test_a_replayed_webhook_stores_once_and_makes_one_lead(self):
        self.graph.add_lead("111")
        body = leadgen_body("111", "111")  # Meta may repeat an id within one delivery, too
        for _ in range(3):
            self.assertEqual(self.deliver(body).status_code, 200)
        self.assertEqual(MetaLead.objects.count(), 1)
        self.assertEqual(Lead.objects.count(), 1)
        self.assertEqual(self.graph.requests_for("111"), 1)

    def test_an_unknown_page_is_acknowledged_and_ignored(self):
        with self.assertLogs("leads.intake", "WARNING") as logs:
            response = self.deliver(leadgen_body("111", page_id="999"))
        self.assertEqual(response.status_code, 200)
        self.assertFalse(MetaLead.objects.exists())
        self.assertIn("999", logs.output[0])

    def test_a_signed_body_that_is_not_json_is_400(self):
        self.assertEqual(self.deliver(b"not json").status_code, 400)

    @override_settings(META_WEBHOOK_MAX_BYTES=100)
    def test_a_body_over_the_limit_is_413(self):
        self.assertEqual(self.deliver(leadgen_body("111")).status_code, 413)
        self.assertFalse(MetaLead.objects.exists())


class FetchTests(MetaTestCase):
    def test_transient_failures_are_retried_until_the_lead_arrives(self):
        self.graph.add_lead("111")
        self.graph.fail("111", 500, times=2)
        self.graph.fail("111", 429, times=1)
        self.deliver(leadgen_body("111"))
        meta_lead = MetaLead.objects.get()
        self.assertEqual((meta_lead.status, meta_lead.attempts, meta_lead.error), (MetaLeadStatus.DONE, 4, ""))
        self.assertEqual(Lead.objects.count(), 1)

    def test_when_the_retries_are_spent_the_lead_is_failed_with_the_reason(self):
        from intake.tasks import fetch_meta_lead

        self.graph.add_lead("111")
        self.graph.fail("111", 503, times=50, message="Service temporarily unavailable")
        self.deliver(leadgen_body("111"))
        meta_lead = MetaLead.objects.get()
        self.assertEqual(meta_lead.status, MetaLeadStatus.FAILED)
        self.assertEqual(meta_lead.attempts, fetch_meta_lead.max_retries + 1)
        self.assertIn("Gave up after retries", meta_lead.error)
        self.assertIn("503", meta_lead.error)
        self.assertFalse(Lead.objects.exists())

    def test_an_expired_token_fails_at_once_without_retrying(self):
        self.graph.add_lead("111")
        self.graph.fail("111", 400, code=190, message="Error validating access token: Session has expired")
        self.deliver(leadgen_body("111"))
        meta_lead = MetaLead.objects.get()
        self.assertEqual((meta_lead.status, meta_lead.attempts), (MetaLeadStatus.FAILED, 1))
        self.assertIn("code 190", meta_lead.error)
        self.assertNotIn(self.page.access_token, meta_lead.error)

    def test_a_lead_without_a_phone_fails_with_the_field_named(self):
        lead = self.graph.add_lead("111")
        lead["field_data"] = [{"name": "full_name", "values": ["No Phone"]}]
        self.deliver(leadgen_body("111"))
        meta_lead = MetaLead.objects.get()
        self.assertEqual(meta_lead.status, MetaLeadStatus.FAILED)
        self.assertIn("contact_number", meta_lead.error)
        self.assertFalse(Lead.objects.exists())

    def test_a_known_customer_gets_a_follow_up_on_their_lead(self):
        existing = LeadFactory(branch=self.source.branch, passport_number="", cnic="", contact_number="+923001234567")
        self.graph.add_lead("111", phone="+92 300 1234567")
        self.deliver(leadgen_body("111"))
        self.assertEqual(Lead.objects.count(), 1)
        self.assertEqual(MetaLead.objects.get().lead, existing)
        self.assertTrue(FollowUpHistory.objects.get(lead=existing).remarks.startswith("Enquired again through Facebook ads"))

    def test_a_done_lead_is_not_fetched_again(self):
        from intake.services import meta_lead_fetch

        self.graph.add_lead("111")
        self.deliver(leadgen_body("111"))
        self.assertIsNone(meta_lead_fetch(meta_lead_id=MetaLead.objects.get().pk))
        self.assertEqual(self.graph.requests_for("111"), 1)


class BackfillTests(MetaTestCase):
    def test_the_backfill_follows_the_paging_and_takes_only_missing_ids(self):
        for number in range(5):
            self.graph.add_lead(f"20{number}", phone=f"0300 123450{number}", form_id="7001")
        self.graph.add_lead("300", phone="0300 7654321", form_id="7002")
        self.deliver(leadgen_body("201"))  # one came by webhook
        requested_before = self.graph.requests_for("201")
        out = StringIO()
        call_command("backfill_meta_leads", "--since", "24", stdout=out)
        self.assertIn("2 form(s), 6 lead(s) listed, 5 taken in, 0 failed", out.getvalue())
        self.assertEqual(set(MetaLead.objects.values_list("leadgen_id", flat=True)),
                         {"200", "201", "202", "203", "204", "300"})
        self.assertEqual(MetaLead.objects.filter(received_via=MetaLeadReceivedVia.BACKFILL).count(), 5)
        self.assertEqual(Lead.objects.count(), 6)
        self.assertEqual(self.graph.requests_for("201"), requested_before)  # not fetched again
        pages = [query for path, query in self.graph.requests if path == "/v23.0/7001/leads"]
        self.assertEqual([query.get("after") for query in pages], [None, "2", "4"])  # 5 leads, 2 a page
        self.assertIn("time_created", pages[0]["filtering"])
        backfilled = MetaLead.objects.get(leadgen_id="300").lead
        self.assertEqual((backfilled.attribution["form_id"], backfilled.attribution["campaign_id"]), ("7002", "9201"))
        # Again: nothing new.
        out = StringIO()
        call_command("backfill_meta_leads", stdout=out)
        self.assertIn("0 taken in", out.getvalue())
        self.assertEqual(Lead.objects.count(), 6)

    def test_a_page_that_cannot_be_read_is_reported_and_the_command_fails(self):
        other = MetaPageFactory(source=IntakeSourceFactory(), page_id="5002")
        self.graph.add_lead("400", page_id="5002", form_id="7400")
        self.graph.fail("leadgen_forms:5001", 400, code=190, message="Session has expired")
        out, err = StringIO(), StringIO()
        with self.assertRaises(CommandError):
            call_command("backfill_meta_leads", stdout=out, stderr=err)
        self.assertIn("page 5001", err.getvalue())
        self.assertEqual(MetaLead.objects.get().meta_page, other)  # the other page went on

    def test_a_revoked_sources_page_is_skipped(self):
        from intake.services import intake_source_revoke

        self.graph.add_lead("500")
        intake_source_revoke(source=self.source, actor=None)
        call_command("backfill_meta_leads", stdout=StringIO())
        self.assertFalse(MetaLead.objects.exists())
