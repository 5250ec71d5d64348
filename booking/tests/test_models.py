from decimal import Decimal

from django.db import IntegrityError, transaction
from django.test import TestCase

from booking.models import Booking
from booking.tests.factories import BookingFactory
from organizations.tests.factories import BranchFactory


class BookingModelTests(TestCase):
    def test_organization_follows_the_branch(self):
        branch = BranchFactory()
        booking = BookingFactory(branch=branch)
        self.assertEqual(booking.organization_id, branch.organization_id)

    def test_reference_is_generated_and_unique(self):
        first, second = BookingFactory(), BookingFactory()
        self.assertRegex(first.reference, r"^BK-[A-Z0-9]{10}$")
        self.assertNotEqual(first.reference, second.reference)

    def test_amount_constraints_hold_at_the_database(self):
        booking = BookingFactory()
        bad_updates = [
            {"total_amount": Decimal("-1")},
            {"paid_amount": Decimal("-1")},
            {"paid_amount": booking.total_amount + 1},
            {"status": "bogus"},
        ]
        for update in bad_updates:
            with self.subTest(update=update), self.assertRaises(IntegrityError), transaction.atomic():
                Booking.objects.filter(pk=booking.pk).update(**update)
