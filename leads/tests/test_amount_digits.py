"""Amounts take ASCII digits only: `"１００"` (full-width), `"١٠٠"` (Arabic-Indic), `"1_000"` or `"1e3"`,
which Python's Decimal reads, are a 400 naming the field, on every amount a client sends."""

from decimal import Decimal

from django import forms as django_forms
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APITestCase

from booking.models import Booking
from common.api.fields import AmountFormField
from leads.models import LoanCommitment, LoanPayment
from leads.tests.factories import LeadFactory, LoanCommitmentFactory
from organizations.tests.factories import BranchFactory, branch_user

NOT_PLAIN = ("１００", "١٠٠", "१००", "1_000", "1e3", "100.5０")
MESSAGE = "Enter the amount with the digits 0-9 and an optional decimal point, e.g. 2500.00."


class AmountDigitsTests(APITestCase):
    def setUp(self):
        self.branch = BranchFactory()
        self.client.force_authenticate(branch_user(self.branch))
        self.lead = LeadFactory(branch=self.branch)
        self.commitment = LoanCommitmentFactory(lead=self.lead, amount=Decimal("5000.00"))

    def assert_refused(self, response, field):
        self.assertEqual(response.status_code, 400, response.content)
        self.assertEqual(response.data[field], [MESSAGE])

    def test_loan_commitment_amounts(self):
        day = (timezone.localdate()).isoformat()
        for value in NOT_PLAIN:
            with self.subTest(value=value):
                self.assert_refused(self.client.post(
                    reverse("leads:loan-promise"), {"lead": self.lead.pk, "amount": value, "promised_clear_date": day}, format="json"
                ), "amount")
                self.assert_refused(self.client.post(
                    reverse("leads:loan-promise"), {"id": self.commitment.pk, "amount": value}, format="json"
                ), "amount")
                self.assert_refused(self.client.post(
                    reverse("leads:loan-promise-reschedule", args=[self.commitment.pk]),
                    {"promised_clear_date": day, "amount": value}, format="json",
                ), "amount")
        self.assertEqual(LoanCommitment.objects.count(), 1)
        self.assertEqual(self.client.post(
            reverse("leads:loan-promise"), {"lead": self.lead.pk, "amount": "100", "promised_clear_date": day}, format="json"
        ).status_code, 201)

    def test_payment_amounts(self):
        url = reverse("leads:loan-payments", args=[self.commitment.pk])
        for value in NOT_PLAIN:
            with self.subTest(value=value):
                self.assert_refused(self.client.post(url, {"amount": value}, format="json"), "amount")
        self.assertFalse(LoanPayment.objects.exists())
        self.assertEqual(self.client.post(url, {"amount": " 100.00 "}, format="json").status_code, 201)

    def test_booking_amounts(self):
        body = {"branch": self.branch.pk, "customer_name": "Amount Digits", "contact_number": "03001234567"}
        for field in ("total_amount", "paid_amount"):
            for value in NOT_PLAIN:
                with self.subTest(field=field, value=value):
                    amounts = {"total_amount": "500.00", "paid_amount": "0.00", field: value}
                    self.assert_refused(self.client.post(reverse("booking:list-create"), {**body, **amounts}, format="json"), field)
        self.assertFalse(Booking.objects.exists())

    def test_the_admin_form_field_takes_the_same_rule(self):
        field = AmountFormField(max_digits=12, decimal_places=2)
        self.assertEqual(field.clean("2500.00"), Decimal("2500.00"))
        for value in NOT_PLAIN:
            with self.subTest(value=value), self.assertRaisesMessage(Exception, MESSAGE):
                field.clean(value)

    def test_every_admin_amount_input_is_that_field(self):
        from django.contrib import admin
        from django.test import RequestFactory

        from leads.admin.loans import LoanPaymentInline
        from organizations.tests.factories import UserFactory

        request = RequestFactory().get("/admin/")
        request.user = UserFactory(username="amount_admin", is_staff=True, is_superuser=True)
        forms = {
            "booking": admin.site._registry[Booking].get_form(request),
            "commitment": admin.site._registry[LoanCommitment].get_form(request),
            "payment": LoanPaymentInline(LoanCommitment, admin.site).get_formset(request).form,
        }
        for name, form in forms.items():
            amounts = [field for field in form.base_fields.values() if isinstance(field, django_forms.DecimalField)]
            with self.subTest(form=name):
                self.assertTrue(amounts)
                self.assertTrue(all(isinstance(field, AmountFormField) for field in amounts), amounts)
