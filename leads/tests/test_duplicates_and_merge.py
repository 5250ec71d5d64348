"""Duplicate hints on create (privacy, query cost) and merging leads (API and admin)."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from booking.tests.factories import BookingFactory
from leads.models import FollowUpHistory, Lead, LoanCommitment
from leads.tests.api_base import LeadsAPITestCase
from leads.tests.factories import FollowUpHistoryFactory, LeadFactory, LoanCommitmentFactory


class DuplicateHintTests(LeadsAPITestCase):
    def create(self, user, **body):
        self.login(user)
        payload = {"customer_name": "Ayesha Khan", "contact_number": "0300 1112223", "branch": self.branch_a1.pk, **body}
        response = self.client.post("/api/leads/create/", payload, format="json")
        self.assertStatus(response, 201)
        return response.json()

    def test_no_match_gives_empty_hints(self):
        body = self.create(self.user_a1)
        self.assertEqual((body["possible_duplicates"], body["known_at_branches"]), ([], []))

    def test_branch_user_sees_own_matches_and_only_other_branch_names(self):
        mine = LeadFactory(branch=self.branch_a1, contact_number="+923001112223")
        by_cnic = LeadFactory(branch=self.branch_a1, cnic="35202-5555555-5", contact_number="+923009990001")
        LeadFactory(branch=self.branch_a2, contact_number="+923001112223", customer_name="Secret Customer")
        LeadFactory(branch=self.branch_b1, contact_number="+923001112223")  # Bravo: another organization
        body = self.create(self.user_a1, cnic="3520255555555")
        self.assertEqual(
            body["possible_duplicates"],
            [
                {"id": mine.pk, "customer_name": mine.customer_name, "branch": self.branch_a1.pk},
                {"id": by_cnic.pk, "customer_name": by_cnic.customer_name, "branch": self.branch_a1.pk},
            ],
        )
        self.assertEqual(body["known_at_branches"], [self.branch_a2.name])
        self.assertNotIn("Secret Customer", str(body))

    def test_org_admin_sees_every_match_of_the_organization_and_no_other(self):
        there = LeadFactory(branch=self.branch_a2, contact_number="+923001112223")
        LeadFactory(branch=self.branch_b1, contact_number="+923001112223")
        body = self.create(self.admin_a)
        self.assertEqual([hint["id"] for hint in body["possible_duplicates"]], [there.pk])
        self.assertEqual(body["known_at_branches"], [])

    def test_the_hint_costs_one_query(self):
        LeadFactory(branch=self.branch_a2, contact_number="+923001112223")
        self.login(self.user_a1)
        payload = {"customer_name": "Ayesha Khan", "contact_number": "0300 1112223", "branch": self.branch_a1.pk}
        with CaptureQueriesContext(connection) as queries:
            self.assertStatus(self.client.post("/api/leads/create/", payload, format="json"), 201)
        hint_queries = [q["sql"] for q in queries if "branch" in q["sql"] and '"contact_number" IN' in q["sql"]]
        self.assertEqual(len(hint_queries), 1, hint_queries)


class MergeTests(LeadsAPITestCase):
    def merge(self, into, *merge, user=None):
        self.login(user or self.user_a1)
        return self.client.post("/api/leads/merge/", {"into": into.pk, "merge": [lead.pk for lead in merge]}, format="json")

    def test_merge_moves_everything_fills_empty_fields_and_deletes_the_merged(self):
        into = LeadFactory(branch=self.branch_a1, passport_number="", cnic="", address="")
        booking = BookingFactory(branch=self.branch_a1)
        other = LeadFactory(branch=self.branch_a1, passport_number="MG1234567", address="12 Mall Road", booking=booking)
        followup = FollowUpHistoryFactory(lead=other)
        commitment = LoanCommitmentFactory(lead=other)
        response = self.merge(into, other)
        self.assertStatus(response, 200)
        into.refresh_from_db()
        self.assertEqual((into.passport_number, into.cnic, into.address, into.booking), ("MG1234567", other.cnic, "12 Mall Road", booking))
        self.assertEqual(FollowUpHistory.objects.get(pk=followup.pk).lead, into)
        self.assertEqual(LoanCommitment.objects.get(pk=commitment.pk).lead, into)
        self.assertFalse(Lead.objects.filter(pk=other.pk).exists())
        self.assertStatus(self.client.get(f"/api/leads/detail/{other.pk}/"), 404)
        self.assertIn(f"#{other.pk}", into.history.first().history_change_reason)

    def test_the_kept_lead_takes_the_earliest_first_and_latest_last_contact(self):
        into = LeadFactory(branch=self.branch_a1, passport_number="")
        other = LeadFactory(branch=self.branch_a1, passport_number="MG7654321")
        early, middle, late = (timezone.now() - timedelta(days=days) for days in (30, 20, 10))
        Lead.objects.filter(pk=into.pk).update(first_contacted_at=middle, last_contacted_at=late)
        Lead.objects.filter(pk=other.pk).update(first_contacted_at=early, last_contacted_at=early)
        self.assertStatus(self.merge(into, other), 200)
        into.refresh_from_db()
        self.assertEqual((into.first_contacted_at, into.last_contacted_at), (early, late))

    def test_commitments_follow_the_kept_leads_branch(self):
        into = LeadFactory(branch=self.branch_a1, passport_number="")
        other = LeadFactory(branch=self.branch_a2)
        commitment = LoanCommitmentFactory(lead=other)
        self.assertStatus(self.merge(into, other, user=self.admin_a), 200)
        self.assertEqual(LoanCommitment.objects.get(pk=commitment.pk).branch, self.branch_a1)

    def test_two_passports_are_a_conflict_and_nothing_changes(self):
        other = LeadFactory(branch=self.branch_a1)
        FollowUpHistoryFactory(lead=other)
        self.assertStatus(self.merge(self.lead, other), 409)
        self.assertTrue(Lead.objects.filter(pk=other.pk).exists())
        self.assertEqual(FollowUpHistory.objects.filter(lead=other).count(), 1)

    def test_leads_outside_scope_or_organization_are_404(self):
        other_branch = LeadFactory(branch=self.branch_a2, passport_number="")
        other_org = LeadFactory(branch=self.branch_b1, passport_number="")
        self.assertStatus(self.merge(self.lead, other_branch), 404)
        self.assertStatus(self.merge(other_branch, self.lead), 404)
        self.assertStatus(self.merge(self.lead, other_org, user=self.staff), 404)
        self.assertTrue(Lead.objects.filter(pk__in=[other_branch.pk, other_org.pk]).count() == 2)

    def test_bad_bodies_are_400(self):
        self.login(self.user_a1)
        for body in ({"into": self.lead.pk, "merge": []}, {"into": self.lead.pk, "merge": [self.lead.pk]}, {"merge": [1]}):
            with self.subTest(body=body):
                self.assertStatus(self.client.post("/api/leads/merge/", body, format="json"), 400)

    def test_admin_action_merges_into_the_oldest(self):
        self.client.force_login(self.superuser)
        newer = LeadFactory(branch=self.branch_a1, passport_number="")
        FollowUpHistoryFactory(lead=newer)
        response = self.client.post(
            "/admin/leads/lead/",
            {"action": "merge_into_oldest", "index": 0, "_selected_action": [self.lead.pk, newer.pk]},
            format="multipart",
        )
        self.assertEqual(response.status_code, 302)
        self.assertFalse(Lead.objects.filter(pk=newer.pk).exists())
        self.assertEqual(FollowUpHistory.objects.filter(lead=self.lead).count(), 1)
