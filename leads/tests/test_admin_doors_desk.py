"""The admin doors issue 22 found open, closed through the same services as the API."""

import datetime
from decimal import Decimal

from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from leads.models import LeadStatus, LoanCommitment, LoanPayment, LoanStatus
from leads.services import lost_reasons_seed
from leads.tests.factories import LeadFactory, LoanCommitmentFactory
from leads.tests.test_admin import inline_management
from organizations.tests.factories import BranchFactory, OrganizationFactory, branch_user


class DeskAdminDoorTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.alpha = OrganizationFactory(name="Alpha Travels")
        cls.a1 = BranchFactory(organization=cls.alpha, code="A1")
        cls.b1 = BranchFactory(code="B1")
        cls.member = branch_user(cls.a1)
        cls.lead = LeadFactory(branch=cls.a1, contact_number="+923215550123", customer_name="Phone Customer")
        cls.other = LeadFactory(branch=cls.b1, contact_number="+923215550123")

    def setUp(self):
        self.client.force_login(self.member)

    # --- Payments for members

    def commitment_payload(self, commitment, **overrides):
        return {
            "lead": commitment.lead_id, "booking": "", "amount": str(commitment.amount),
            "promised_clear_date": commitment.promised_clear_date.isoformat(), "remarks": commitment.remarks,
            **inline_management("payments"), **overrides,
        }

    def test_a_member_sees_the_payments_section_and_records_a_payment_through_the_service(self):
        commitment = LoanCommitmentFactory(lead=self.lead, amount=Decimal("5000.00"))
        url = reverse("admin:leads_loancommitment_change", args=[commitment.pk])
        page = self.client.get(url)
        self.assertEqual(page.status_code, 200)
        self.assertIn("payments-TOTAL_FORMS", page.content.decode())
        now = timezone.localtime()
        response = self.client.post(url, self.commitment_payload(commitment, **{
            **inline_management("payments", total=1),
            "payments-0-amount": "1500.00", "payments-0-paid_at_0": now.date().isoformat(),
            "payments-0-paid_at_1": now.strftime("%H:%M:%S"), "payments-0-method": "cash",
            "payments-0-reference": "desk",
        }))
        self.assertEqual(response.status_code, 302, getattr(response, "context", None) and response.context.get("errors"))
        payment = LoanPayment.objects.get()
        self.assertEqual((payment.amount, payment.created_by, payment.balance_after),
                         (Decimal("1500.00"), self.member, Decimal("3500.00")))
        self.assertTrue(payment.receipt_number.startswith("AT-"))
        commitment.refresh_from_db()
        self.assertEqual(commitment.paid_amount, Decimal("1500.00"))

    def test_a_member_cannot_overpay_in_the_admin(self):
        commitment = LoanCommitmentFactory(lead=self.lead, amount=Decimal("100.00"))
        now = timezone.localtime()
        response = self.client.post(
            reverse("admin:leads_loancommitment_change", args=[commitment.pk]),
            self.commitment_payload(commitment, **{
                **inline_management("payments", total=1),
                "payments-0-amount": "150.00", "payments-0-paid_at_0": now.date().isoformat(),
                "payments-0-paid_at_1": now.strftime("%H:%M:%S"), "payments-0-method": "cash",
            }),
        )
        self.assertEqual(response.status_code, 200)
        self.assertFalse(LoanPayment.objects.exists())

    # --- Phone search as typed

    def test_the_lead_search_finds_a_phone_as_typed(self):
        changelist = reverse("admin:leads_lead_changelist")
        for typed in ("0321 5550123", "03215550123", "+92 321 5550123"):
            with self.subTest(typed=typed):
                response = self.client.get(changelist, {"q": typed})
                self.assertEqual(list(response.context["cl"].result_list), [self.lead])
        # The ordinary word search still works.
        self.assertEqual(list(self.client.get(changelist, {"q": "Phone Cust"}).context["cl"].result_list), [self.lead])

    # --- Lost with the catalogue

    def test_the_lost_action_offers_the_catalogue_and_loses_for_the_chosen_code(self):
        lost_reasons_seed(organization=self.alpha)
        changelist = reverse("admin:leads_lead_changelist")
        form = self.client.get(changelist).context["action_form"]
        codes = [code for code, _ in form.fields["lost_reason_code"].widget.choices]
        self.assertEqual(set(codes), {"price", "dates", "visa", "other_agent", "no_response", "other"})
        response = self.client.post(changelist, {
            "action": "mark_lost", "_selected_action": [self.lead.pk], "lost_reason_code": "price", "lost_reason": "",
        })
        self.assertEqual(response.status_code, 302)
        self.lead.refresh_from_db()
        self.assertEqual((self.lead.lead_status, self.lead.lost_reason_code), (LeadStatus.LOST, "price"))

    def test_other_without_a_text_is_refused_with_a_message(self):
        lost_reasons_seed(organization=self.alpha)
        response = self.client.post(reverse("admin:leads_lead_changelist"), {
            "action": "mark_lost", "_selected_action": [self.lead.pk], "lost_reason_code": "other", "lost_reason": "",
        }, follow=True)
        self.assertIn("lost_reason", " ".join(str(m) for m in response.context["messages"]))
        self.lead.refresh_from_db()
        self.assertEqual(self.lead.lead_status, LeadStatus.NEW)

    # --- A promise's date edited in place reschedules

    def test_a_new_date_in_the_admin_reschedules_the_promise(self):
        commitment = LoanCommitmentFactory(lead=self.lead, amount=Decimal("5000.00"),
                                           promised_clear_date=timezone.localdate())
        new_day = timezone.localdate() + datetime.timedelta(days=10)
        response = self.client.post(
            reverse("admin:leads_loancommitment_change", args=[commitment.pk]),
            self.commitment_payload(commitment, promised_clear_date=new_day.isoformat(), remarks="Salary late"),
        )
        self.assertEqual(response.status_code, 302)
        commitment.refresh_from_db()
        self.assertEqual(commitment.status, LoanStatus.RESCHEDULED)
        successor = LoanCommitment.objects.get(rescheduled_from=commitment)
        self.assertEqual((successor.status, successor.promised_clear_date, successor.amount, successor.remarks),
                         (LoanStatus.PENDING, new_day, Decimal("5000.00"), "Salary late"))
        self.assertEqual(successor.created_by, self.member)

    def test_a_past_date_is_a_form_error_and_nothing_changes(self):
        commitment = LoanCommitmentFactory(lead=self.lead, promised_clear_date=timezone.localdate())
        response = self.client.post(
            reverse("admin:leads_loancommitment_change", args=[commitment.pk]),
            self.commitment_payload(
                commitment, promised_clear_date=(timezone.localdate() - datetime.timedelta(days=3)).isoformat()
            ),
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("promised_clear_date", response.context["adminform"].form.errors)
        commitment.refresh_from_db()
        self.assertEqual(commitment.status, LoanStatus.PENDING)
        self.assertEqual(LoanCommitment.objects.count(), 1)

    def test_other_changes_without_a_new_date_stay_an_update(self):
        commitment = LoanCommitmentFactory(lead=self.lead, promised_clear_date=timezone.localdate())
        self.client.post(reverse("admin:leads_loancommitment_change", args=[commitment.pk]),
                         self.commitment_payload(commitment, remarks="Called"))
        commitment.refresh_from_db()
        self.assertEqual((commitment.status, commitment.remarks), (LoanStatus.PENDING, "Called"))
        self.assertEqual(LoanCommitment.objects.count(), 1)
