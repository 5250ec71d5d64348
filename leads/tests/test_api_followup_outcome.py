"""A follow-up's `outcome`: every attempt is history, only a reached customer is a contact."""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from leads.models import FollowUpHistory, LeadStatus
from leads.services import followup_record
from leads.tests.api_base import LeadsAPITestCase
from leads.tests.factories import LeadFactory


class FollowUpOutcomeTests(LeadsAPITestCase):
    def setUp(self):
        self.fresh = LeadFactory(branch=self.branch_a1, lead_status=LeadStatus.NEW)
        self.login(self.user_a1)

    def record(self, **body):
        tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
        payload = {"lead": self.fresh.pk, "remarks": "Rang twice.", "next_followup_date": tomorrow, **body}
        return self.client.post(self.url("followup"), payload, format="json")

    def test_without_outcome_it_is_answered_and_a_contact_as_before(self):
        response = self.record()
        self.assertStatus(response, 201)
        self.assertEqual(response.data["outcome"], "answered")
        self.fresh.refresh_from_db()
        self.assertEqual(self.fresh.lead_status, LeadStatus.CONTACTED)
        self.assertIsNotNone(self.fresh.last_contacted_at)
        self.assertIsNotNone(self.fresh.first_contacted_at)

    def test_an_unanswered_call_is_history_but_no_contact(self):
        for outcome in ("no_answer", "busy", "unreachable", "wrong_number"):
            with self.subTest(outcome=outcome):
                response = self.record(outcome=outcome)
                self.assertStatus(response, 201)
                self.assertEqual(FollowUpHistory.objects.get(pk=response.data["id"]).outcome, outcome)
                self.fresh.refresh_from_db()
                self.assertEqual(self.fresh.lead_status, LeadStatus.NEW)
                self.assertIsNone(self.fresh.last_contacted_at)
                self.assertIsNone(self.fresh.first_contacted_at)
                # The next follow-up is set whatever the outcome.
                self.assertEqual(self.fresh.next_followup_date, timezone.localdate() + datetime.timedelta(days=1))

    def test_no_answer_keeps_the_last_contact_of_an_earlier_answered_call(self):
        self.assertStatus(self.record(), 201)
        self.fresh.refresh_from_db()
        contacted_at = self.fresh.last_contacted_at
        self.assertStatus(self.record(outcome="no_answer"), 201)
        self.fresh.refresh_from_db()
        self.assertEqual(self.fresh.last_contacted_at, contacted_at)
        self.assertEqual(self.fresh.followups.count(), 2)

    def test_a_visit_is_a_contact_whatever_the_outcome(self):
        self.assertStatus(self.record(contact_method="visit", outcome="no_answer"), 201)
        self.fresh.refresh_from_db()
        self.assertEqual(self.fresh.lead_status, LeadStatus.CONTACTED)
        self.assertIsNotNone(self.fresh.last_contacted_at)

    def test_an_unknown_outcome_is_a_400_on_outcome(self):
        response = self.record(outcome="voicemail")
        self.assertStatus(response, 400)
        self.assertIn("outcome", response.data)

    def test_the_service_refuses_an_unknown_outcome_too(self):
        from django.core.exceptions import ValidationError

        with self.assertRaises(ValidationError) as caught:
            followup_record(lead=self.fresh, remarks="x", outcome="voicemail", actor=self.user_a1)
        self.assertIn("outcome", caught.exception.message_dict)

    def test_the_database_refuses_an_unknown_outcome(self):
        followup = followup_record(lead=self.fresh, remarks="x", actor=self.user_a1)
        with self.assertRaises(IntegrityError), transaction.atomic():
            FollowUpHistory.objects.filter(pk=followup.pk).update(outcome="voicemail")
