"""The audit trail: every write path (service, API, admin, job) records who changed what, and when."""

import datetime
import io
from decimal import Decimal

from django.core.management import call_command
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APITestCase

from leads import services
from leads.models import FollowUpHistory, Lead, LeadStatus, LoanCommitment, LoanStatus
from leads.tests.factories import LeadFactory, LoanCommitmentFactory
from organizations.tests.factories import BranchFactory, UserFactory, branch_user


def changed_fields(record) -> set[str]:
    previous = record.prev_record
    return {change.field for change in record.diff_against(previous).changes} if previous else set()


class ServiceAuditTests(TestCase):
    """Outside a request (shell, commands, signals) the service's user argument is the history user."""

    def setUp(self):
        self.branch = BranchFactory()
        self.creator = branch_user(self.branch)
        self.editor = branch_user(self.branch)

    def create_lead(self):
        return services.lead_create(
            branch=self.branch, customer_name="Ayesha", contact_number="0300 1234567", actor=self.creator
        )

    def test_lead_create_records_the_creator(self):
        lead = self.create_lead()
        record = lead.history.get()
        self.assertEqual((record.history_type, record.history_user), ("+", self.creator))
        self.assertEqual(record.contact_number, "+923001234567")

    def test_lead_update_records_the_editor_and_the_changed_fields(self):
        lead = self.create_lead()
        services.lead_update(lead=lead, actor=self.editor, remarks="Wants December", lead_status="interested")
        record = lead.history.latest()
        self.assertEqual((record.history_type, record.history_user), ("~", self.editor))
        self.assertEqual(changed_fields(record), {"remarks", "lead_status"})

    def test_followup_records_its_author_on_the_followup_and_the_lead(self):
        lead = self.create_lead()
        followup = services.followup_record(lead=lead, remarks="Called", actor=self.editor)
        self.assertEqual(followup.history.get().history_user, self.editor)
        lead_record = lead.history.latest()
        self.assertEqual(lead_record.history_user, self.editor)
        self.assertIn("lead_status", changed_fields(lead_record))

    def test_convert_and_lost_record_who_did_it(self):
        converted, lost = self.create_lead(), LeadFactory(branch=self.branch)
        services.lead_convert(lead=converted, actor=self.editor)
        services.lead_mark_lost(lead=lost, lost_reason="Went with another agent", actor=self.editor)
        for lead, status in ((converted, LeadStatus.CONVERTED), (lost, LeadStatus.LOST)):
            with self.subTest(status=status):
                record = lead.history.latest()
                self.assertEqual((record.lead_status, record.history_user), (status, self.editor))

    def test_loan_commitment_writes_record_their_users(self):
        lead = self.create_lead()
        commitment = services.loan_commitment_create(
            lead=lead, amount=Decimal("1000"), promised_clear_date=timezone.localdate(), actor=self.creator
        )
        services.loan_commitment_update(commitment=commitment, actor=self.editor, amount=Decimal("1500"))
        services.loan_commitment_clear(commitment=commitment, actor=self.creator)
        other = LoanCommitmentFactory(lead=lead)
        services.loan_commitment_cancel(commitment=other, actor=self.editor)
        records = list(commitment.history.order_by("history_id"))
        self.assertEqual(
            [(r.history_type, r.history_user, r.status, r.amount) for r in records],
            [
                ("+", self.creator, LoanStatus.PENDING, Decimal("1000")),
                ("~", self.editor, LoanStatus.PENDING, Decimal("1500")),
                ("~", self.creator, LoanStatus.CLEARED, Decimal("1500")),
            ],
        )
        self.assertEqual((other.history.latest().status, other.history.latest().history_user), ("cancelled", self.editor))


class ApiAuditTests(APITestCase):
    """In a request the history middleware names the signed-in user, token or session alike."""

    def setUp(self):
        self.branch = BranchFactory()
        self.user = branch_user(self.branch)
        self.lead = LeadFactory(branch=self.branch)

    def test_token_authenticated_update_records_the_token_user(self):
        _, token = AuthToken.objects.create(self.user)
        self.client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        response = self.client.patch(reverse("leads:update", args=[self.lead.pk]), {"area": "Johar Town"})
        self.assertEqual(response.status_code, 200, response.content)
        record = self.lead.history.latest()
        self.assertEqual((record.history_user, record.area), (self.user, "Johar Town"))

    def test_api_create_followup_and_loan_promise_record_the_user(self):
        self.client.force_login(self.user)
        created = self.client.post(
            reverse("leads:create"),
            {"customer_name": "Bilal", "contact_number": "03011234567", "branch": self.branch.pk},
        )
        self.assertEqual(created.status_code, 201, created.content)
        followup = self.client.post(
            reverse("leads:followup"), {"lead": self.lead.pk, "remarks": "Called", "contact_method": "call"}
        )
        self.assertEqual(followup.status_code, 201, followup.content)
        promise = self.client.post(
            reverse("leads:loan-promise"),
            {"lead": self.lead.pk, "amount": "2500.00", "promised_clear_date": str(timezone.localdate())},
        )
        self.assertEqual(promise.status_code, 201, promise.content)
        self.assertEqual(Lead.history.get(id=created.data["id"]).history_user, self.user)
        self.assertEqual(FollowUpHistory.history.get(id=followup.data["id"]).history_user, self.user)
        self.assertEqual(LoanCommitment.history.get(id=promise.data["id"]).history_user, self.user)


class AdminAuditTests(TestCase):
    def test_branch_member_admin_change_records_the_member(self):
        branch = BranchFactory()
        member = branch_user(branch)
        lead = LeadFactory(branch=branch)
        self.client.force_login(member)
        management = {
            f"{prefix}-{name}": value
            for prefix in ("followups", "loan_commitments")
            for name, value in (("TOTAL_FORMS", "0"), ("INITIAL_FORMS", "0"), ("MIN_NUM_FORMS", "0"), ("MAX_NUM_FORMS", "1000"))
        }
        payload = {
            "customer_name": lead.customer_name, "passport_number": lead.passport_number,
            "contact_number": lead.contact_number, "cnic": lead.cnic, "address": "", "area": lead.area,
            "branch": branch.pk, "lead_source": lead.lead_source, "lead_status": lead.lead_status,
            "next_followup_date": "", "lost_reason": "", "assigned_to": "", "remarks": "Edited in the admin",
            **management,
        }
        response = self.client.post(reverse("admin:leads_lead_change", args=[lead.pk]), payload)
        self.assertEqual(response.status_code, 302, response.context and response.context["errors"])
        record = lead.history.latest()
        self.assertEqual((record.history_user, record.remarks), (member, "Edited in the admin"))
        self.assertEqual(changed_fields(record), {"remarks"})
        history_page = self.client.get(reverse("admin:leads_lead_history", args=[lead.pk]))
        self.assertContains(history_page, member.username)


class JobAuditTests(TestCase):
    def test_mark_overdue_loans_writes_its_own_history_rows_without_a_user(self):
        # Set-based jobs bypass save(); the job writes the history rows itself (one per commitment).
        commitment = LoanCommitmentFactory(
            promised_clear_date=timezone.localdate() - datetime.timedelta(days=3), status=LoanStatus.PENDING
        )
        before = commitment.history.count()
        call_command("mark_overdue_loans", stdout=io.StringIO())
        self.assertEqual(commitment.history.count(), before + 1)
        record = commitment.history.latest()
        self.assertEqual((record.status, record.history_type, record.history_user), (LoanStatus.OVERDUE, "~", None))
        self.assertEqual(record.history_change_reason, "mark_overdue_loans")


class LeadHistoryEndpointTests(APITestCase):
    """GET /api/leads/detail/<id>/history/: the same scope as detail, diffs per entry, no N+1."""

    def setUp(self):
        self.branch = BranchFactory()
        self.user = branch_user(self.branch, user=UserFactory(username="auditor"))
        self.lead = services.lead_create(
            branch=self.branch, customer_name="Hamza", contact_number="0300 7654321", actor=self.user
        )
        self.client.force_authenticate(self.user)

    def history(self, lead=None, **params):
        return self.client.get(reverse("leads:history", args=[(lead or self.lead).pk]), params)

    def test_lists_lead_followup_and_commitment_changes_newest_first_with_diffs(self):
        services.lead_update(lead=self.lead, actor=self.user, remarks="Prefers WhatsApp")
        services.followup_record(lead=self.lead, remarks="Sent the brochure", contact_method="whatsapp", actor=self.user)
        promised = timezone.localdate() + datetime.timedelta(days=30)
        commitment = services.loan_commitment_create(
            lead=self.lead, amount=Decimal("900.50"), promised_clear_date=promised, actor=self.user
        )
        response = self.history()
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.data["count"], 5)  # lead +, lead ~ (remarks), follow-up +, lead ~ (contacted), loan +
        entries = response.data["results"]
        self.assertEqual(
            [(e["model"], e["history_type"]) for e in entries],
            [("loan_commitment", "created"), ("lead", "changed"), ("followup", "created"), ("lead", "changed"), ("lead", "created")],
        )
        self.assertEqual(entries[0]["object_id"], commitment.pk)
        self.assertEqual(entries[0]["history_user"], {"id": self.user.pk, "username": "auditor"})
        loan_changes = {c["field"]: c for c in entries[0]["changes"]}
        self.assertEqual(loan_changes["amount"], {"field": "amount", "old": None, "new": "900.50"})
        self.assertEqual(loan_changes["promised_clear_date"]["new"], promised.isoformat())
        self.assertEqual(entries[3]["changes"], [{"field": "remarks", "old": "", "new": "Prefers WhatsApp"}])
        status_change = {c["field"]: (c["old"], c["new"]) for c in entries[1]["changes"]}
        self.assertEqual(status_change["lead_status"], ("new", "contacted"))
        self.assertIn("last_contacted_at", status_change)  # non-editable fields are audited too

    def test_other_branch_lead_is_404_like_detail(self):
        other = LeadFactory(branch=BranchFactory())
        self.assertEqual(self.history(lead=other).status_code, 404)
        self.assertEqual(self.client.get(reverse("leads:detail", args=[other.pk])).status_code, 404)

    def test_anonymous_is_401_and_non_member_is_403(self):
        self.client.force_authenticate(None)
        self.assertEqual(self.history().status_code, 401)
        self.client.force_authenticate(UserFactory())
        self.assertEqual(self.history().status_code, 403)

    def test_paginated_with_page_size(self):
        for number in range(4):
            services.lead_update(lead=self.lead, actor=self.user, remarks=f"note {number}")
        response = self.history(page_size=2, page=2)
        self.assertEqual(response.data["count"], 5)
        self.assertEqual(len(response.data["results"]), 2)
        self.assertIsNotNone(response.data["next"])
        self.assertIsNotNone(response.data["previous"])
        self.assertEqual(self.history(page=99).status_code, 404)

    def test_query_count_does_not_grow_with_the_page(self):
        def add_changes(count):
            for number in range(count):
                services.lead_update(lead=self.lead, actor=self.user, remarks=f"n{number}")
                services.followup_record(lead=self.lead, remarks=f"f{number}", actor=self.user)
                services.loan_commitment_create(
                    lead=self.lead, amount=Decimal("10"), promised_clear_date=timezone.localdate(), actor=self.user
                )

        add_changes(2)
        # Scoped branch ids (1), the lead (1), the count (1), the page of entries (1); then lead
        # records with their users and previous ids (1) and those previous records (1); follow-up
        # and loan records (1 each; created-only, so they have no previous records to load).
        fresh_user = lambda: type(self.user).objects.get(pk=self.user.pk)  # noqa: E731 - scope ids are memoised per user object
        self.client.force_authenticate(fresh_user())
        with self.assertNumQueries(8):
            small = self.history(page_size=5)
        add_changes(8)
        self.client.force_authenticate(fresh_user())
        with self.assertNumQueries(8):
            large = self.history(page_size=40)
        self.assertEqual((len(small.data["results"]), len(large.data["results"])), (5, 40))
