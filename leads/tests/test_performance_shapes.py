"""Query shapes the million-lead benchmark depends on (benchmarks/): each one was a measured fix."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from leads.models import FollowUpHistory, LoanCommitment, LoanStatus
from leads.services import lead_update, loan_commitment_create
from leads.tests.api_base import LeadsAPITestCase
from leads.tests.factories import FollowUpHistoryFactory, LeadFactory, LoanCommitmentFactory


class CommitmentBranchTests(LeadsAPITestCase):
    """A commitment carries its lead's branch, so a branch's overdue list is one index range."""

    def test_new_commitment_takes_its_leads_branch(self):
        commitment = loan_commitment_create(
            lead=self.lead, amount=1000, promised_clear_date=timezone.localdate() + datetime.timedelta(days=3)
        )
        commitment.refresh_from_db()
        self.assertEqual(commitment.branch_id, self.branch_a1.id)

    def test_commitments_move_with_their_lead_to_another_branch(self):
        commitment = LoanCommitmentFactory(lead=self.lead)
        lead_update(lead=self.lead, branch=self.branch_a2)
        commitment.refresh_from_db()
        self.assertEqual(commitment.branch_id, self.branch_a2.id)

    def test_overdue_list_follows_a_lead_moved_to_another_branch(self):
        overdue = LoanCommitmentFactory(
            lead=self.lead, promised_clear_date=timezone.localdate() - datetime.timedelta(days=2)
        )
        lead_update(lead=self.lead, branch=self.branch_a2)
        self.login(self.user_a1)
        self.assertEqual(self.client.get(self.url("overdue-loans")).data["count"], 0)
        self.login(self.user_a2)
        response = self.client.get(self.url("overdue-loans"))
        self.assertStatus(response, 200)
        self.assertEqual([row["id"] for row in response.data["results"]], [overdue.id])

    def test_a_status_only_save_does_not_touch_the_commitments(self):
        lead = LeadFactory(branch=self.branch_a1)
        LoanCommitmentFactory(lead=lead, status=LoanStatus.PENDING)
        with CaptureQueriesContext(connection) as captured:
            lead.save(update_fields=["lead_status"])
        touching = [q["sql"] for q in captured.captured_queries if '"leads_loancommitment"' in q["sql"]]
        self.assertEqual(touching, [])
        self.assertEqual(LoanCommitment.objects.filter(branch=self.branch_a1, lead=lead).count(), 1)


class ListQueryShapeTests(LeadsAPITestCase):
    def test_status_filter_does_not_select_distinct(self):
        # DISTINCT made the database sort every matching lead before the page (200 ms at 1M leads).
        LeadFactory(branch=self.branch_a1)
        self.login(self.user_a1)
        with CaptureQueriesContext(connection) as captured:
            response = self.client.get(
                self.url("list"), {"branch_id": self.branch_a1.id, "lead_status": ["new", "contacted"]}
            )
        self.assertStatus(response, 200)
        lead_queries = [q["sql"] for q in captured.captured_queries if 'FROM "leads_lead"' in q["sql"]]
        self.assertTrue(lead_queries)
        self.assertFalse([sql for sql in lead_queries if "DISTINCT" in sql.upper()], lead_queries)


class DetailQueryShapeTests(LeadsAPITestCase):
    def test_detail_reads_the_latest_ten_of_each_with_plain_limit_queries(self):
        # For one lead, LIMIT queries cost a third of the CPU of a window-function prefetch.
        FollowUpHistoryFactory.create_batch(12, lead=self.lead)
        LoanCommitmentFactory.create_batch(11, lead=self.lead)
        self.login(self.user_a1)
        with CaptureQueriesContext(connection) as captured:
            response = self.client.get(self.url("detail", self.lead.pk))
        self.assertStatus(response, 200)
        self.assertEqual(len(response.data["recent_followups"]), 10)
        self.assertEqual(len(response.data["recent_loan_commitments"]), 10)
        latest = FollowUpHistory.objects.filter(lead=self.lead).order_by("-followup_at", "-id").first()
        self.assertEqual(response.data["recent_followups"][0]["id"], latest.id)
        windowed = [q["sql"] for q in captured.captured_queries if "ROW_NUMBER" in q["sql"].upper()]
        self.assertEqual(windowed, [])
