"""The booking's money rules, held by its services (every door: the API, the admin, the loan book's payments)."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.test import TestCase
from django.urls import reverse
from rest_framework.test import APITestCase

from booking.models import Booking
from booking.rules import POSITIVE_AMOUNT_MESSAGE, check_positive_amount
from booking.services import booking_add_payment, booking_create
from booking.tests.factories import BookingFactory
from organizations.tests.factories import BranchFactory, branch_user

PAID_ABOVE_TOTAL = "The paid amount cannot exceed the total amount."


class PositiveAmountTests(TestCase):
    def test_an_amount_is_given_and_greater_than_zero(self):
        check_positive_amount(Decimal("0.01"))
        for amount in (None, Decimal("0"), Decimal("-5")):
            with self.subTest(amount=amount):
                with self.assertRaises(ValidationError) as caught:
                    check_positive_amount(amount, field="paid")
                self.assertEqual(caught.exception.message_dict, {"paid": [POSITIVE_AMOUNT_MESSAGE]})

    def test_a_payment_on_a_booking_is_positive(self):
        booking = BookingFactory(total_amount=Decimal("100"), paid_amount=Decimal("0"))
        with self.assertRaises(ValidationError) as caught:
            booking_add_payment(booking_id=booking.pk, amount=Decimal("0"))
        self.assertEqual(caught.exception.message_dict, {"amount": [POSITIVE_AMOUNT_MESSAGE]})


class PaidWithinTotalTests(APITestCase):
    @classmethod
    def setUpTestData(cls):
        cls.branch = BranchFactory()
        cls.user = branch_user(cls.branch)

    def create(self, **amounts):
        return booking_create(
            branch=self.branch, customer_name="Ayesha Khan", contact_number="03001234567", actor=self.user, **amounts
        )

    def test_the_service_refuses_a_paid_amount_above_the_total(self):
        with self.assertRaises(ValidationError) as caught:
            self.create(total_amount=Decimal("350000.00"), paid_amount=Decimal("350000.01"))
        self.assertEqual(caught.exception.message_dict, {"paid_amount": [PAID_ABOVE_TOTAL]})
        self.assertFalse(Booking.objects.exists())
        self.assertEqual(self.create(total_amount=Decimal("10"), paid_amount=Decimal("10")).paid_amount, Decimal("10"))

    def test_the_api_answers_the_services_refusal_on_paid_amount(self):
        self.client.force_authenticate(self.user)
        body = {"branch": self.branch.pk, "customer_name": "Ayesha Khan", "contact_number": "03001234567",
                "total_amount": "350000.00", "paid_amount": "350000.01"}
        response = self.client.post(reverse("booking:list-create"), body, format="json")
        self.assertEqual(response.status_code, 400, response.content)
        self.assertEqual(response.json(), {"paid_amount": [PAID_ABOVE_TOTAL]})

    def test_a_payment_never_takes_the_paid_amount_above_the_total(self):
        booking = BookingFactory(branch=self.branch, total_amount=Decimal("100"), paid_amount=Decimal("60"))
        with self.assertRaises(ValidationError) as caught:
            booking_add_payment(booking_id=booking.pk, amount=Decimal("40.01"))
        self.assertIn("amount", caught.exception.message_dict)
        booking_add_payment(booking_id=booking.pk, amount=Decimal("40"))
        booking.refresh_from_db()
        self.assertEqual(booking.paid_amount, booking.total_amount)


class BookingBranchScopeTests(TestCase):
    """The service judges the branch itself: a door that forgets to (a script, a new form) is still held."""

    def test_a_branch_user_cannot_book_into_another_branch_by_calling_the_service(self):
        home, other = BranchFactory(), BranchFactory()
        user = branch_user(home)
        with self.assertRaises(ValidationError) as caught:
            booking_create(branch=other, customer_name="Bilal", contact_number="03001234567",
                           total_amount=Decimal("100"), actor=user)
        self.assertEqual(list(caught.exception.message_dict), ["branch"])
        self.assertFalse(Booking.objects.exists())

    def test_own_branch_and_the_system_job_may_book(self):
        home = BranchFactory()
        for actor in (branch_user(home), None):
            with self.subTest(actor=actor):
                booking = booking_create(branch=home, customer_name="Bilal", contact_number="03001234567",
                                         total_amount=Decimal("100"), actor=actor)
                self.assertEqual(booking.branch, home)
