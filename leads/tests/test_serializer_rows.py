import datetime
from decimal import Decimal

from django.test import TestCase
from django.utils import timezone
from rest_framework import serializers

from booking.tests.factories import BookingFactory
from leads.models import FollowUpHistory, Lead, LeadStatus, LoanCommitment
from leads.selectors import lead_with_recent_items
from leads.serializers import (
    FollowUpOutputSerializer,
    LeadDetailOutputSerializer,
    LeadListOutputSerializer,
    LoanCommitmentOutputSerializer,
    OverdueLoanOutputSerializer,
)
from leads.tests.factories import FollowUpHistoryFactory, LeadFactory, LoanCommitmentFactory
from organizations.tests.factories import BranchFactory, UserFactory


def drf_representation(serializer, instance):
    """What DRF's own Serializer.to_representation makes of the row (the reference)."""
    return serializers.Serializer.to_representation(serializer, instance)


class FastRowRepresentationTests(TestCase):
    """The hot lists' row serializers give exactly DRF's output, for every kind of row."""

    @classmethod
    def setUpTestData(cls):
        branch = BranchFactory()
        user = UserFactory()
        today = timezone.localdate()
        cls.leads = [
            LeadFactory(branch=branch),
            LeadFactory(
                branch=branch,
                assigned_to=user,
                created_by=user,
                booking=BookingFactory(branch=branch),
                next_followup_date=today,
                last_contacted_at=timezone.now(),
                lead_status=LeadStatus.CONVERTED,
                converted_at=timezone.now(),
                passport_number="",
                cnic="",
                remarks="Wants Umrah in Ramadan — «ok»",
            ),
            LeadFactory(branch=branch, lead_status=LeadStatus.LOST, lost_reason="Too dear", lost_at=timezone.now()),
        ]
        for lead in cls.leads:
            FollowUpHistoryFactory(lead=lead, created_by=user, next_followup_date=today)
            FollowUpHistoryFactory(lead=lead)
            LoanCommitmentFactory(lead=lead, amount=Decimal("1234.5"), created_by=user)
            LoanCommitmentFactory(
                lead=lead,
                booking=lead.booking,
                promised_clear_date=today - datetime.timedelta(days=3),
                remarks="Half now",
            )

    def assert_rows_match(self, serializer_class, rows, **kwargs):
        serializer = serializer_class(rows, many=True, **kwargs)
        fast = serializer.data
        child = serializer.child
        self.assertEqual(len(fast), len(rows))
        for row, fast_row in zip(rows, fast):
            reference = drf_representation(child, row)
            self.assertEqual(list(fast_row), list(reference))
            self.assertEqual(dict(fast_row), reference)
            self.assertEqual([type(value) for value in fast_row.values()], [type(v) for v in reference.values()])

    def test_lead_rows_match_drf(self):
        rows = list(Lead.objects.select_related("branch", "assigned_to").order_by("pk"))
        self.assert_rows_match(LeadListOutputSerializer, rows)
        self.assertIsNone(LeadListOutputSerializer(rows[0]).data["assigned_to_username"])
        self.assertEqual(LeadListOutputSerializer(rows[1]).data["assigned_to_username"], rows[1].assigned_to.username)

    def test_lead_detail_with_recent_items_matches_drf(self):
        for lead in Lead.objects.select_related("branch", "assigned_to").order_by("pk"):
            lead = lead_with_recent_items(lead)
            serializer = LeadDetailOutputSerializer(lead)
            self.assertEqual(serializer.data, drf_representation(serializer, lead))
            self.assertEqual(len(serializer.data["recent_followups"]), 2)

    def test_followup_and_commitment_rows_match_drf(self):
        self.assert_rows_match(FollowUpOutputSerializer, list(FollowUpHistory.objects.order_by("pk")))
        self.assert_rows_match(LoanCommitmentOutputSerializer, list(LoanCommitment.objects.order_by("pk")))

    def test_overdue_rows_match_drf(self):
        rows = list(LoanCommitment.objects.select_related("lead__branch").order_by("pk"))
        self.assert_rows_match(OverdueLoanOutputSerializer, rows, context={"as_of": timezone.localdate()})

    def test_a_null_relation_midway_follows_drf_rules(self):
        lead = Lead.objects.select_related("branch").get(pk=self.leads[0].pk)
        row = LeadListOutputSerializer(lead).data
        self.assertIn("assigned_to_username", row)
        self.assertIsNone(row["assigned_to_username"])


class SharedRowPlanTests(TestCase):
    """Classes whose every field is context-free share one plan: their serializers never build fields."""

    @classmethod
    def setUpTestData(cls):
        cls.lead = LeadFactory()
        FollowUpHistoryFactory(lead=cls.lead)
        LoanCommitmentFactory(lead=cls.lead)

    def test_list_and_detail_rows_build_no_fields(self):
        lead = lead_with_recent_items(Lead.objects.select_related("branch").get(pk=self.lead.pk))
        many = LeadListOutputSerializer([lead, lead], many=True)
        detail = LeadDetailOutputSerializer(lead)
        self.assertEqual(len(many.data), 2)
        self.assertEqual(len(detail.data["recent_loan_commitments"]), 1)
        # `fields` is a cached_property: present in __dict__ once DRF has deep-copied the fields.
        self.assertNotIn("fields", many.child.__dict__)
        self.assertNotIn("fields", detail.__dict__)
        self.assertEqual(detail.data, drf_representation(LeadDetailOutputSerializer(lead), lead))

    def test_a_method_field_reads_its_own_serializers_context(self):
        # days_overdue reads context["as_of"]: the shared plan calls each serializer's own method.
        self.assertIsNotNone(OverdueLoanOutputSerializer._shared_row_plan())
        commitment = LoanCommitment.objects.select_related("lead__branch").get(lead=self.lead)
        for as_of in (commitment.promised_clear_date, commitment.promised_clear_date + datetime.timedelta(days=4)):
            with self.subTest(as_of=as_of):
                row = OverdueLoanOutputSerializer(commitment, context={"as_of": as_of}).data
                self.assertEqual(row["days_overdue"], (as_of - commitment.promised_clear_date).days)

    def test_every_hot_row_class_is_shared(self):
        for serializer_class in (
            OverdueLoanOutputSerializer,
            LeadListOutputSerializer,
            LeadDetailOutputSerializer,
            FollowUpOutputSerializer,
            LoanCommitmentOutputSerializer,
        ):
            with self.subTest(serializer_class.__name__):
                self.assertIsNotNone(serializer_class._shared_row_plan())


class FastRowSchemaTests(TestCase):
    def test_the_mixin_adds_no_description_to_the_schema_components(self):
        from drf_spectacular.generators import SchemaGenerator

        schemas = SchemaGenerator().get_schema(request=None, public=True)["components"]["schemas"]
        for name in ("FollowUpOutput", "LoanCommitmentOutput"):
            self.assertNotIn("description", schemas[name])
        self.assertEqual(schemas["LeadListOutput"]["description"], "One row of a lead table.")
