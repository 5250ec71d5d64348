import datetime

from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from leads.models import FollowUpHistory, LeadStatus
from leads.tests.factories import LeadFactory
from organizations.tests.factories import BranchFactory, UserFactory


def inline_management(prefix, total=0, initial=0):
    return {f"{prefix}-TOTAL_FORMS": str(total), f"{prefix}-INITIAL_FORMS": str(initial),
            f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"}


class LeadAdminTests(TestCase):
    def setUp(self):
        self.admin_user = UserFactory(is_staff=True, is_superuser=True)
        self.client.force_login(self.admin_user)
        self.lead = LeadFactory(branch=BranchFactory())

    def change_payload(self, **overrides):
        lead = self.lead
        data = {
            "customer_name": lead.customer_name, "passport_number": lead.passport_number,
            "contact_number": lead.contact_number, "cnic": lead.cnic, "address": "", "area": lead.area,
            "branch": lead.branch_id, "lead_source": lead.lead_source, "lead_status": lead.lead_status,
            "next_followup_date": "", "lost_reason": "", "assigned_to": "", "remarks": "",
            **inline_management("followups"), **inline_management("loan_commitments"),
        }
        data.update(overrides)
        return data

    def test_follow_up_added_inline_moves_the_lead_like_the_service(self):
        url = reverse("admin:leads_lead_change", args=[self.lead.pk])
        today = timezone.localdate()
        next_call = today + datetime.timedelta(days=5)
        payload = self.change_payload(**inline_management("followups", total=1), **{
            "followups-0-followup_at_0": str(today - datetime.timedelta(days=6)), "followups-0-followup_at_1": "10:00:00",
            "followups-0-contact_method": "call", "followups-0-remarks": "Called from the admin.",
            "followups-0-next_followup_date": str(next_call),
        })
        response = self.client.post(url, payload)
        self.assertEqual(response.status_code, 302, getattr(response, "context", None) and response.context["errors"])
        self.lead.refresh_from_db()
        self.assertEqual(self.lead.lead_status, LeadStatus.CONTACTED)
        self.assertEqual(self.lead.next_followup_date, next_call)
        self.assertEqual(FollowUpHistory.objects.get(lead=self.lead).created_by, self.admin_user)

    def test_status_is_read_only_in_the_form(self):
        url = reverse("admin:leads_lead_change", args=[self.lead.pk])
        self.client.post(url, self.change_payload(lead_status="converted"))
        self.lead.refresh_from_db()
        self.assertEqual((self.lead.lead_status, self.lead.converted_at), (LeadStatus.NEW, None))

    def test_convert_action_uses_the_service(self):
        lost = LeadFactory(branch=self.lead.branch, lead_status=LeadStatus.LOST, lost_reason="Went elsewhere")
        response = self.client.post(reverse("admin:leads_lead_changelist"), {
            "action": "mark_converted", "_selected_action": [self.lead.pk, lost.pk],
        })
        self.assertEqual(response.status_code, 302)
        self.lead.refresh_from_db()
        lost.refresh_from_db()
        self.assertEqual(self.lead.lead_status, LeadStatus.CONVERTED)
        self.assertIsNotNone(self.lead.converted_at)
        self.assertEqual(lost.lead_status, LeadStatus.LOST)


class LoanBookAdminTests(TestCase):
    def setUp(self):
        from decimal import Decimal

        from leads.tests.factories import LoanCommitmentFactory

        self.admin_user = UserFactory(is_staff=True, is_superuser=True)
        self.client.force_login(self.admin_user)
        self.lead = LeadFactory(branch=BranchFactory())
        self.commitment = LoanCommitmentFactory(lead=self.lead, amount=Decimal("1000.00"))

    def payload(self, *payments):
        commitment = self.commitment
        data = {
            "lead": commitment.lead_id, "booking": "", "amount": str(commitment.amount),
            "promised_clear_date": str(commitment.promised_clear_date), "status": commitment.status,
            "remarks": "", "cleared_at_0": "", "cleared_at_1": "",
            **inline_management("payments", total=len(payments)),
        }
        paid_on = timezone.localdate() - datetime.timedelta(days=1)
        for index, (amount, method) in enumerate(payments):
            data.update({
                f"payments-{index}-amount": amount, f"payments-{index}-paid_at_0": str(paid_on),
                f"payments-{index}-paid_at_1": "10:00:00", f"payments-{index}-method": method,
                f"payments-{index}-reference": "",
            })
        return data

    def test_payments_added_inline_go_through_the_service(self):
        from decimal import Decimal

        from leads.models import LoanStatus

        url = reverse("admin:leads_loancommitment_change", args=[self.commitment.pk])
        response = self.client.post(url, self.payload(("400.00", "cash"), ("600.00", "card")))
        self.assertEqual(response.status_code, 302, response.context and response.context["errors"])
        self.commitment.refresh_from_db()
        self.assertEqual((self.commitment.paid_amount, self.commitment.status), (Decimal("1000.00"), LoanStatus.CLEARED))
        self.assertEqual(set(self.commitment.payments.values_list("created_by", flat=True)), {self.admin_user.pk})

    def test_inline_payments_above_the_balance_are_a_form_error_and_write_nothing(self):
        url = reverse("admin:leads_loancommitment_change", args=[self.commitment.pk])
        response = self.client.post(url, self.payload(("700.00", "cash"), ("400.00", "cash")))
        self.assertEqual(response.status_code, 200)
        errors = [form.errors for form in response.context["inline_admin_formsets"][0].formset.forms]
        self.assertIn("amount", errors[1])
        self.assertFalse(self.commitment.payments.exists())

    def test_a_refusal_without_fields_is_a_row_error_not_a_server_error(self):
        from unittest import mock

        from django.core.exceptions import ValidationError

        url = reverse("admin:leads_loancommitment_change", args=[self.commitment.pk])
        refusal = ValidationError("Payments are closed for this commitment.")  # no field named
        with mock.patch("leads.services.loan_payment_check_input", side_effect=refusal):
            response = self.client.post(url, self.payload(("400.00", "cash")))
        self.assertEqual(response.status_code, 200)
        [form] = response.context["inline_admin_formsets"][0].formset.forms
        self.assertEqual(form.non_field_errors(), ["Payments are closed for this commitment."])
        self.assertFalse(self.commitment.payments.exists())

    def test_lead_page_shows_the_outstanding_balance(self):
        from decimal import Decimal

        from leads.services import loan_payment_record

        loan_payment_record(commitment=self.commitment, amount=Decimal("250.00"))
        response = self.client.get(reverse("admin:leads_lead_change", args=[self.lead.pk]))
        self.assertContains(response, "Outstanding balance")
        self.assertContains(response, "750.00")

    def test_full_save_of_an_old_copy_keeps_the_paid_amount(self):
        from decimal import Decimal

        from leads.models import LoanCommitment
        from leads.services import loan_payment_record

        stale = LoanCommitment.objects.get(pk=self.commitment.pk)
        loan_payment_record(commitment=self.commitment, amount=Decimal("100.00"))
        stale.remarks = "Edited elsewhere."
        stale.save()
        self.commitment.refresh_from_db()
        self.assertEqual((self.commitment.paid_amount, self.commitment.remarks), (Decimal("100.00"), "Edited elsewhere."))
