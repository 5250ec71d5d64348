from decimal import Decimal

import factory

from booking.models import Booking
from organizations.tests.factories import BranchFactory


class BookingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Booking

    customer_name = factory.Faker("name")
    passport_number = factory.Sequence(lambda n: f"BP{n:07d}")
    contact_number = factory.Sequence(lambda n: f"+92300{n:07d}")
    branch = factory.SubFactory(BranchFactory)
    total_amount = Decimal("300000.00")
    paid_amount = Decimal("100000.00")
