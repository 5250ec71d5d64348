"""Each admin bypass the API already refused, retried as a branch member: refused with a message, nothing changed."""

import datetime
import logging
from decimal import Decimal

from django.contrib.messages import get_messages
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from leads.models import FollowUpHistory, Lead, LeadStatus, LoanCommitment, LoanStatus
from leads.tests.factories import FollowUpHistoryFactory, LeadFactory, LoanCommitmentFactory
from leads.tests.test_admin import inline_management
from organizations.tests.factories import BranchFactory, branch_user


class MemberAdminDoorTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.a1 = BranchFactory(code="A1")
        cls.b1 = BranchFactory(code="B1")
        cls.member = branch_user(cls.a1)
        cls.colleague = branch_user(cls.a1)
        cls.bravo_user = branch_user(cls.b1)
        cls.lead = LeadFactory(branch=cls.a1, passport_number="AB1234567", contact_number="+923001234567")
        cls.other = LeadFactory(branch=cls.a1, passport_number="CD7654321")

    def setUp(self):
        self.client.force_login(self.member)

    def lead_payload(self, lead, **overrides):
        data = {
            "customer_name": lead.customer_name, "passport_number": lead.passport_number,
            "contact_number": lead.contact_number, "cnic": lead.cnic, "address": "", "area": lead.area,
            "branch": lead.branch_id, "lead_source": lead.lead_source, "next_followup_date": "",
            "assigned_to": "", "remarks": "",
            **inline_management("followups"), **inline_management("loan_commitments"),
        }
        data.update(overrides)
        return data

    def form_errors(self, response):
        self.assertEqual(response.status_code, 200)
        return response.context["adminform"].form.errors

    def change_lead(self, lead, **overrides):
        return self.client.post(reverse("admin:leads_lead_change", args=[lead.pk]), self.lead_payload(lead, **overrides))

    def test_assigning_another_tenants_user_is_a_form_error(self):
        errors = self.form_errors(self.change_lead(self.lead, assigned_to=self.bravo_user.pk))
        self.assertIn("assigned_to", errors)
        self.lead.refresh_from_db()
        self.assertIsNone(self.lead.assigned_to)

    def test_assignee_choices_are_only_assignable_users(self):
        response = self.client.get(reverse("admin:leads_lead_change", args=[self.lead.pk]))
        choices = set(response.context["adminform"].form.fields["assigned_to"].queryset)
        self.assertIn(self.colleague, choices)
        self.assertNotIn(self.bravo_user, choices)

    def test_assigning_a_colleague_goes_through(self):
        response = self.change_lead(self.lead, assigned_to=self.colleague.pk, remarks="Hand over")
        self.assertEqual(response.status_code, 302)
        self.lead.refresh_from_db()
        self.assertEqual((self.lead.assigned_to, self.lead.remarks), (self.colleague, "Hand over"))

    def test_duplicate_passport_is_a_form_error_not_a_500_and_logs_no_passport(self):
        # A server error would be logged on django.request with the database's message (quoting the key).
        with self.assertNoLogs("django.request", level=logging.ERROR):
            response = self.change_lead(self.other, passport_number="ab 123 4567")
        self.assertIn("passport_number", self.form_errors(response))
        self.assertNotIn("AB1234567", str(self.form_errors(response)))
        self.other.refresh_from_db()
        self.assertEqual(self.other.passport_number, "CD7654321")

    def test_added_lead_goes_through_the_service_with_its_author(self):
        response = self.client.post(reverse("admin:leads_lead_add"), self.lead_payload(
            Lead(branch=self.a1, customer_name="New Customer", contact_number="0300 7654321", lead_source="phone"),
            passport_number="zz 999 8888",
        ))
        self.assertEqual(response.status_code, 302)
        lead = Lead.objects.get(customer_name="New Customer")
        self.assertEqual((lead.created_by, lead.passport_number, lead.organization_id),
                         (self.member, "ZZ9998888", self.a1.organization_id))
        self.assertGreater(lead.first_contact_due_at, lead.created_at)  # the first-contact SLA, as every door

    def test_state_changes_are_actions_calling_the_services(self):
        url = reverse("admin:leads_lead_changelist")
        self.client.post(url, {"action": "mark_lost", "_selected_action": [self.lead.pk], "lost_reason": ""})
        self.lead.refresh_from_db()
        self.assertEqual(self.lead.lead_status, LeadStatus.NEW)  # no reason: refused
        self.client.post(url, {"action": "mark_lost", "_selected_action": [self.lead.pk], "lost_reason": "Too dear"})
        self.lead.refresh_from_db()
        self.assertEqual((self.lead.lead_status, self.lead.lost_reason), (LeadStatus.LOST, "Too dear"))
        response = self.client.post(url, {"action": "mark_converted", "_selected_action": [self.lead.pk]})
        self.assertIn("cannot be converted", " ".join(str(m) for m in get_messages(response.wsgi_request)))
        self.lead.refresh_from_db()
        self.assertEqual(self.lead.lead_status, LeadStatus.LOST)

    def test_a_refusal_at_save_time_is_a_message_and_changes_nothing(self):
        from unittest import mock

        from common.errors import OutOfScope
        from leads import services

        calls = []
        real_update = services.lead_update

        def refuse_the_second_call(**kwargs):
            calls.append(kwargs)
            if len(calls) == 2:  # the real save, after the rehearsal
                raise OutOfScope()
            return real_update(**kwargs)

        with mock.patch.object(services, "lead_update", side_effect=refuse_the_second_call):
            response = self.change_lead(self.lead, remarks="late edit")
        self.assertEqual(response.status_code, 302)
        self.assertIn("Nothing was saved", " ".join(str(m) for m in get_messages(response.wsgi_request)))
        self.lead.refresh_from_db()
        self.assertEqual(self.lead.remarks, "")

    # --- Follow-ups

    def followup_payload(self, lead, **overrides):
        now = timezone.localtime()
        return {"lead": lead.pk, "followup_at_0": now.date().isoformat(), "followup_at_1": now.strftime("%H:%M:%S"),
                "contact_method": "call", "remarks": "Called", "next_followup_date": "", **overrides}

    def test_a_follow_up_dated_tomorrow_is_refused(self):
        tomorrow = timezone.localdate() + datetime.timedelta(days=1)
        response = self.client.post(
            reverse("admin:leads_followuphistory_add"), self.followup_payload(self.lead, followup_at_0=tomorrow.isoformat())
        )
        self.assertIn("followup_at", self.form_errors(response))
        self.assertFalse(FollowUpHistory.objects.exists())

    def test_a_follow_up_added_moves_the_lead(self):
        response = self.client.post(reverse("admin:leads_followuphistory_add"), self.followup_payload(self.lead))
        self.assertEqual(response.status_code, 302)
        self.lead.refresh_from_db()
        self.assertEqual(self.lead.lead_status, LeadStatus.CONTACTED)
        self.assertIsNotNone(self.lead.last_contacted_at)
        self.assertEqual(FollowUpHistory.objects.get().created_by, self.member)

    def test_a_follow_up_cannot_move_to_another_lead_nor_change_its_author(self):
        followup = FollowUpHistoryFactory(lead=self.lead, created_by=self.colleague)
        url = reverse("admin:leads_followuphistory_change", args=[followup.pk])
        self.client.post(url, {**self.followup_payload(self.other), "created_by": self.member.pk})
        followup.refresh_from_db()
        self.assertEqual((followup.lead, followup.created_by), (self.lead, self.colleague))

    # --- Loan commitments

    def commitment_payload(self, lead, **overrides):
        return {"lead": lead.pk, "booking": "", "amount": "5000.00",
                "promised_clear_date": (timezone.localdate() + datetime.timedelta(days=5)).isoformat(),
                "remarks": "", "status": "cleared", "cleared_at_0": "", "cleared_at_1": "",
                "created_by": self.colleague.pk, **inline_management("payments"), **overrides}

    def test_a_commitment_added_dated_yesterday_is_overdue_and_authored_by_the_member(self):
        yesterday = timezone.localdate() - datetime.timedelta(days=1)
        response = self.client.post(
            reverse("admin:leads_loancommitment_add"),
            self.commitment_payload(self.lead, promised_clear_date=yesterday.isoformat(), status="pending"),
        )
        self.assertEqual(response.status_code, 302)
        commitment = LoanCommitment.objects.get()
        self.assertEqual((commitment.status, commitment.created_by), (LoanStatus.OVERDUE, self.member))

    def test_status_cannot_be_set_in_the_form(self):
        commitment = LoanCommitmentFactory(lead=self.lead)
        url = reverse("admin:leads_loancommitment_change", args=[commitment.pk])
        # The same promised date: a new one would reschedule (test_admin_doors_desk.py).
        self.client.post(url, self.commitment_payload(
            self.lead, status="cleared", remarks="x", promised_clear_date=commitment.promised_clear_date.isoformat()
        ))
        commitment.refresh_from_db()
        self.assertEqual((commitment.status, commitment.cleared_at, commitment.remarks), (LoanStatus.PENDING, None, "x"))

    def test_a_cleared_commitment_cannot_be_reopened_or_edited(self):
        commitment = LoanCommitmentFactory(lead=self.lead)
        self.client.post(reverse("admin:leads_loancommitment_changelist"),
                         {"action": "mark_cleared", "_selected_action": [commitment.pk]})
        commitment.refresh_from_db()
        self.assertEqual(commitment.status, LoanStatus.CLEARED)
        self.assertIsNotNone(commitment.cleared_at)
        url = reverse("admin:leads_loancommitment_change", args=[commitment.pk])
        response = self.client.post(url, self.commitment_payload(self.lead, status="pending", amount="1.00"))
        self.assertTrue(self.form_errors(response))
        commitment.refresh_from_db()
        self.assertEqual((commitment.status, commitment.amount), (LoanStatus.CLEARED, Decimal("50000.00")))

    def test_a_commitment_cannot_move_to_another_lead(self):
        commitment = LoanCommitmentFactory(lead=self.lead)
        url = reverse("admin:leads_loancommitment_change", args=[commitment.pk])
        self.client.post(url, self.commitment_payload(self.other))
        commitment.refresh_from_db()
        self.assertEqual(commitment.lead, self.lead)


class StaffBookingAdminTests(TestCase):
    def test_a_booking_added_in_the_admin_goes_through_the_service(self):
        from booking.models import Booking

        branch = BranchFactory()
        staff = branch_user(branch, user__is_staff=True, user__is_superuser=True)
        self.client.force_login(staff)
        response = self.client.post(reverse("admin:booking_booking_add"), {
            "branch": branch.pk, "customer_name": "Hamza", "passport_number": "ab 123 4567",
            "contact_number": "0300 1234567", "cnic": "3520212345671", "total_amount": "1000.00",
            "paid_amount": "0", "status": "pending",
        })
        self.assertEqual(response.status_code, 302)
        booking = Booking.objects.get()
        self.assertEqual((booking.passport_number, booking.contact_number, booking.created_by),
                         ("AB1234567", "+923001234567", staff))

