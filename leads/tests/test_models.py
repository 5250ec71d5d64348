from datetime import timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.test import TestCase
from django.utils import timezone

from booking.tests.factories import BookingFactory
from leads.models import Lead, LoanCommitment
from leads.tests.factories import LeadFactory, LoanCommitmentFactory
from organizations.tests.factories import BranchFactory


class LeadConstraintTests(TestCase):
    def setUp(self):
        self.branch = BranchFactory()

    def test_duplicate_passport_in_one_organization_raises_integrity_error(self):
        LeadFactory(branch=self.branch, passport_number="AB1234567")
        other_branch_same_org = BranchFactory(organization=self.branch.organization)
        with self.assertRaises(IntegrityError), transaction.atomic():
            LeadFactory(branch=other_branch_same_org, passport_number="AB1234567")

    def test_duplicate_passport_through_bulk_create_raises_integrity_error(self):
        LeadFactory(branch=self.branch, passport_number="AB1234567")
        duplicate = Lead(
            branch=self.branch,
            organization=self.branch.organization,
            customer_name="Someone Else",
            contact_number="+923001111111",
            passport_number="AB1234567",
        )
        with self.assertRaises(IntegrityError), transaction.atomic():
            Lead.objects.bulk_create([duplicate])

    def test_same_passport_in_another_organization_is_fine(self):
        LeadFactory(branch=self.branch, passport_number="AB1234567")
        LeadFactory(branch=BranchFactory(), passport_number="AB1234567")
        self.assertEqual(Lead.objects.filter(passport_number="AB1234567").count(), 2)

    def test_many_leads_without_passport_in_one_organization_are_fine(self):
        LeadFactory.create_batch(3, branch=self.branch, passport_number="")
        self.assertEqual(Lead.objects.filter(passport_number="").count(), 3)

    def test_unknown_status_is_refused_by_the_database(self):
        lead = LeadFactory(branch=self.branch)
        with self.assertRaises(IntegrityError), transaction.atomic():
            Lead.objects.filter(pk=lead.pk).update(lead_status="bogus")

    def test_organization_follows_the_branch(self):
        lead = LeadFactory(branch=self.branch)
        self.assertEqual(lead.organization_id, self.branch.organization_id)
        moved_to = BranchFactory()
        lead.branch = moved_to
        lead.save()
        lead.refresh_from_db()
        self.assertEqual(lead.organization_id, moved_to.organization_id)


class LoanCommitmentConstraintTests(TestCase):
    def test_amount_must_be_positive_at_the_database(self):
        for amount in (Decimal("0"), Decimal("-1.00")):
            with self.subTest(amount=amount), self.assertRaises(IntegrityError), transaction.atomic():
                LoanCommitmentFactory(amount=amount)

    def test_unknown_status_is_refused_by_the_database(self):
        commitment = LoanCommitmentFactory()
        with self.assertRaises(IntegrityError), transaction.atomic():
            LoanCommitment.objects.filter(pk=commitment.pk).update(status="forgiven")

    def test_deleting_a_booking_unlinks_leads_and_commitments(self):
        booking = BookingFactory()
        lead = LeadFactory(branch=booking.branch, booking=booking)
        commitment = LoanCommitmentFactory(lead=lead, booking=booking)
        booking.delete()
        lead.refresh_from_db()
        commitment.refresh_from_db()
        self.assertIsNone(lead.booking_id)
        self.assertIsNone(commitment.booking_id)


class SlaBreachedQuerySetTests(TestCase):
    """`Lead.objects.sla_breached(now)`: first contact after the due time, or none yet and the due time passed."""

    def test_which_leads_breached_their_first_contact_sla(self):
        now = timezone.now()
        hour = timedelta(hours=1)
        rows = {
            "waiting, due passed": dict(first_contact_due_at=now - hour),
            "waiting, not due yet": dict(first_contact_due_at=now + hour),
            "contacted late": dict(first_contact_due_at=now - 3 * hour, first_contacted_at=now - hour),
            "contacted in time": dict(first_contact_due_at=now - hour, first_contacted_at=now - 2 * hour),
            "no SLA": dict(),
        }
        ids = {name: LeadFactory().pk for name in rows}
        for name, fields in rows.items():
            Lead.objects.filter(pk=ids[name]).update(**fields)
        breached = set(Lead.objects.sla_breached(now=now).values_list("pk", flat=True))
        self.assertEqual(breached, {ids["waiting, due passed"], ids["contacted late"]})
