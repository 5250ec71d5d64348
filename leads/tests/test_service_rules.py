"""Each business rule, tested at the service: every door (API, admin, commands, imports) inherits it."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.test import TestCase
from django.utils import timezone

from booking.tests.factories import BookingFactory
from common.errors import OutOfScope, StateConflict
from leads import services
from leads.models import Lead, LeadStatus, LoanStatus
from leads.tests.factories import LeadFactory, LoanCommitmentFactory
from organizations.tests.factories import BranchFactory, UserFactory, branch_user, org_admin

TODAY = timezone.localdate
DAY = datetime.timedelta(days=1)


class ServiceRuleTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.a1 = BranchFactory(code="A1")
        cls.a2 = BranchFactory(code="A2", organization=cls.a1.organization)
        cls.b1 = BranchFactory(code="B1")
        cls.user_a1 = branch_user(cls.a1)
        cls.user_a2 = branch_user(cls.a2)
        cls.user_b1 = branch_user(cls.b1)
        cls.admin_a = org_admin(cls.a1.organization)
        cls.lead = LeadFactory(branch=cls.a1, passport_number="AB1234567")

    def assertFieldError(self, field, call, **kwargs):
        with self.assertRaises(ValidationError) as caught:
            call(**kwargs)
        self.assertIn(field, caught.exception.message_dict)
        return caught.exception

    def new_lead(self, **overrides):
        kwargs = {"branch": self.a1, "customer_name": "Ayesha Khan", "contact_number": "0300 1234567",
                  "actor": self.user_a1, **overrides}
        return services.lead_create(**kwargs)


class LeadRuleTests(ServiceRuleTestCase):
    def test_branch_outside_the_actors_scope_is_refused_on_branch(self):
        self.assertFieldError("branch", self.new_lead, branch=self.b1)
        self.assertFieldError("branch", services.lead_update, lead=self.lead, actor=self.user_a1, branch=self.b1)

    def test_assignee_must_be_able_to_open_the_branch(self):
        self.assertFieldError("assigned_to", self.new_lead, assigned_to=self.user_a2)
        self.assertFieldError("assigned_to", self.new_lead, assigned_to=self.user_b1)
        self.assertFieldError("assigned_to", self.new_lead, assigned_to=UserFactory(is_active=False, is_staff=True))
        for assignee in (self.user_a1, self.admin_a, UserFactory(is_staff=True)):
            with self.subTest(assignee=assignee.username):
                self.assertEqual(self.new_lead(assigned_to=assignee, passport_number="").assigned_to, assignee)

    def test_moving_a_lead_away_from_its_assignees_reach_is_refused(self):
        Lead.objects.filter(pk=self.lead.pk).update(assigned_to=self.user_a1)
        self.assertFieldError(
            "assigned_to", services.lead_update, lead=self.lead, actor=self.admin_a, branch=self.a2
        )
        moved = services.lead_update(lead=self.lead, actor=self.admin_a, branch=self.a2, assigned_to=None)
        self.assertEqual(moved.branch, self.a2)

    def test_editing_other_fields_does_not_rejudge_an_old_assignment(self):
        Lead.objects.filter(pk=self.lead.pk).update(assigned_to=self.user_b1)
        lead = services.lead_update(lead=self.lead, actor=self.user_a1, remarks="Called back")
        self.assertEqual(lead.remarks, "Called back")

    def test_next_followup_day_cannot_be_in_the_past_unless_historical(self):
        self.assertFieldError("next_followup_date", self.new_lead, next_followup_date=TODAY() - DAY)
        self.assertEqual(self.new_lead(next_followup_date=TODAY()).next_followup_date, TODAY())
        old = self.new_lead(next_followup_date=TODAY() - DAY, allow_historical_dates=True, contact_number="0300 7654321")
        self.assertEqual(old.next_followup_date, TODAY() - DAY)

    def test_lost_reason_only_on_a_lost_lead(self):
        self.assertFieldError(
            "lost_reason", services.lead_update, lead=self.lead, actor=self.user_a1, lost_reason="Too dear"
        )
        lost = services.lead_mark_lost(lead=self.lead, lost_reason="Too dear", actor=self.user_a1)
        lost = services.lead_update(lead=lost, actor=self.user_a1, lost_reason="Too expensive")
        self.assertEqual(lost.lost_reason, "Too expensive")
        self.assertFieldError("lost_reason", services.lead_update, lead=lost, actor=self.user_a1, lost_reason=" ")
        self.assertFieldError("lost_reason", services.lead_mark_lost, lead=self.lead, lost_reason="", actor=None)

    def test_final_statuses_only_through_convert_and_lost(self):
        self.assertFieldError("lead_status", self.new_lead, lead_status=LeadStatus.CONVERTED)
        self.assertFieldError(
            "lead_status", services.lead_update, lead=self.lead, actor=self.user_a1, lead_status=LeadStatus.LOST
        )
        services.lead_convert(lead=self.lead, actor=self.user_a1)
        with self.assertRaises(StateConflict):
            services.lead_update(lead=self.lead, actor=self.user_a1, lead_status=LeadStatus.NEW)
        with self.assertRaises(StateConflict):
            services.lead_mark_lost(lead=self.lead, lost_reason="x", actor=self.user_a1)
        self.assertEqual(services.lead_convert(lead=self.lead, actor=self.user_a1).lead_status, "converted")

    def test_a_lead_outside_the_actors_scope_is_out_of_scope_for_every_change(self):
        calls = [
            lambda: services.lead_update(lead=self.lead, actor=self.user_a2, remarks="x"),
            lambda: services.lead_convert(lead=self.lead, actor=self.user_b1),
            lambda: services.lead_mark_lost(lead=self.lead, lost_reason="x", actor=self.user_a2),
        ]
        for call in calls:
            with self.subTest(call=call), self.assertRaises(OutOfScope):
                call()
        self.lead.refresh_from_db()
        self.assertEqual((self.lead.lead_status, self.lead.remarks), (LeadStatus.NEW, ""))

    def test_organization_follows_the_branch(self):
        lead = self.new_lead()
        self.assertEqual(lead.organization_id, self.a1.organization_id)
        moved = services.lead_update(lead=lead, actor=self.admin_a, branch=self.a2)
        self.assertEqual(moved.organization_id, self.a2.organization_id)

    def test_identity_is_normalised_and_bad_values_name_their_field(self):
        lead = self.new_lead(passport_number="zx 987 6543", cnic="3520212345671")
        self.assertEqual((lead.passport_number, lead.cnic, lead.contact_number),
                         ("ZX9876543", "35202-1234567-1", "+923001234567"))
        error = self.assertFieldError("cnic", self.new_lead, cnic="123", contact_number="not a phone")
        self.assertIn("contact_number", error.message_dict)

    def test_duplicate_passport_in_the_organization_names_the_field_not_the_value(self):
        error = self.assertFieldError("passport_number", self.new_lead, passport_number="ab1234567")
        self.assertNotIn("AB1234567", str(error))
        self.new_lead(branch=self.b1, actor=self.user_b1, passport_number="AB1234567")  # another organization

    def test_booking_must_be_in_scope_and_in_the_leads_organization(self):
        self.assertFieldError(
            "booking", services.lead_convert, lead=self.lead, actor=self.admin_a,
            booking=BookingFactory(branch=self.b1),
        )
        self.assertFieldError(
            "booking", services.lead_convert, lead=self.lead, actor=self.user_a1,
            booking=BookingFactory(branch=self.a2),
        )


class FollowUpRuleTests(ServiceRuleTestCase):
    def record(self, **overrides):
        kwargs = {"lead": self.lead, "remarks": "Called", "actor": self.user_a1, **overrides}
        return services.followup_record(**kwargs)

    def test_a_follow_up_cannot_be_in_the_future(self):
        self.assertFieldError("followup_at", self.record, followup_at=timezone.now() + datetime.timedelta(days=30))
        self.record(followup_at=timezone.now() + datetime.timedelta(minutes=2))  # clock skew

    def test_the_next_follow_up_cannot_be_in_the_past_unless_historical(self):
        self.assertFieldError("next_followup_date", self.record, next_followup_date=TODAY() - DAY)
        self.assertEqual(self.record(next_followup_date=TODAY() - DAY, allow_historical_dates=True).lead.next_followup_date,
                         TODAY() - DAY)

    def test_recording_moves_the_lead(self):
        followup = self.record(next_followup_date=TODAY() + DAY)
        self.lead.refresh_from_db()
        self.assertEqual(
            (self.lead.lead_status, self.lead.last_contacted_at, self.lead.next_followup_date),
            (LeadStatus.CONTACTED, followup.followup_at, TODAY() + DAY),
        )

    def test_a_lead_outside_the_scope_is_a_400_on_lead_and_blank_remarks_on_remarks(self):
        self.assertFieldError("lead", self.record, actor=self.user_a2)
        self.assertFieldError("remarks", self.record, remarks="  ")
        self.assertFalse(self.lead.followups.exists())


class LoanCommitmentRuleTests(ServiceRuleTestCase):
    def test_a_new_promise_is_pending_or_overdue_by_its_date_never_chosen(self):
        past = services.loan_commitment_create(
            lead=self.lead, amount=Decimal("10"), promised_clear_date=TODAY() - DAY, actor=self.user_a1
        )
        self.assertEqual(past.status, LoanStatus.OVERDUE)
        self.assertFieldError("amount", services.loan_commitment_create, lead=self.lead, amount=Decimal("0"),
                              promised_clear_date=TODAY(), actor=self.user_a1)
        self.assertFieldError("lead", services.loan_commitment_create, lead=self.lead, amount=Decimal("1"),
                              promised_clear_date=TODAY(), actor=self.user_b1)

    def test_state_changes_clear_and_cancel_only_open_commitments(self):
        commitment = LoanCommitmentFactory(lead=self.lead)
        cleared = services.loan_commitment_clear(commitment=commitment, actor=self.user_a1)
        self.assertEqual(cleared.status, LoanStatus.CLEARED)
        self.assertIsNotNone(cleared.cleared_at)
        for call in (
            lambda: services.loan_commitment_cancel(commitment=commitment, actor=self.user_a1),
            lambda: services.loan_commitment_update(commitment=commitment, actor=self.user_a1, amount=Decimal("5")),
        ):
            with self.subTest(call=call), self.assertRaises(StateConflict):
                call()

    def test_a_commitment_never_changes_lead_or_status_through_update(self):
        commitment = LoanCommitmentFactory(lead=self.lead)
        other = LeadFactory(branch=self.a1)
        self.assertFieldError("lead", services.loan_commitment_update, commitment=commitment,
                              actor=self.user_a1, lead=other)
        self.assertFieldError("status", services.loan_commitment_update, commitment=commitment,
                              actor=self.user_a1, status=LoanStatus.CLEARED)
        moved = services.loan_commitment_update(
            commitment=commitment, actor=self.user_a1, promised_clear_date=TODAY() - DAY
        )
        self.assertEqual(moved.status, LoanStatus.OVERDUE)

    def test_a_commitment_outside_the_scope_is_out_of_scope(self):
        commitment = LoanCommitmentFactory(lead=self.lead)
        for call in (
            lambda: services.loan_commitment_update(commitment=commitment, actor=self.user_a2, remarks="x"),
            lambda: services.loan_commitment_clear(commitment=commitment, actor=self.user_b1),
            lambda: services.loan_commitment_cancel(commitment=commitment, actor=self.user_a2),
        ):
            with self.subTest(call=call), self.assertRaises(OutOfScope):
                call()
        commitment.refresh_from_db()
        self.assertEqual(commitment.status, LoanStatus.PENDING)
