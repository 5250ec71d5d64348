import datetime
from decimal import Decimal

import factory
from django.db import transaction
from django.utils import timezone

from leads.models import ContactMethod, FollowUpHistory, Lead, LeadSource, LoanCommitment, LoanPayment
from organizations.tests.factories import BranchFactory


class LeadFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lead

    customer_name = factory.Faker("name")
    passport_number = factory.Sequence(lambda n: f"LP{n:07d}")
    contact_number = factory.Sequence(lambda n: f"+92301{n:07d}")
    cnic = factory.Sequence(lambda n: f"35202-{n:07d}-1")
    area = "Gulberg"
    branch = factory.SubFactory(BranchFactory)
    lead_source = LeadSource.WALK_IN


class FollowUpHistoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FollowUpHistory

    lead = factory.SubFactory(LeadFactory)
    contact_method = ContactMethod.CALL
    remarks = "Called about the Umrah package."


class LoanCommitmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LoanCommitment

    lead = factory.SubFactory(LeadFactory)
    amount = Decimal("50000.00")
    promised_clear_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=7))

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # Rows written around the services: the lead's `next_promise_date` follows as the services keep it.
        from leads.services.loans import refresh_next_promise_date

        commitment = super()._create(model_class, *args, **kwargs)
        with transaction.atomic():
            refresh_next_promise_date(commitment.lead_id)
        return commitment


class LoanPaymentFactory(factory.django.DjangoModelFactory):
    """A payment row as stored; tests of the rules record payments through `loan_payment_record`."""

    class Meta:
        model = LoanPayment

    commitment = factory.SubFactory(LoanCommitmentFactory)
    amount = Decimal("1000.00")
