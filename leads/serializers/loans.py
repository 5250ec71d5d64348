"""Serializers of the loan commitment endpoints."""

from decimal import Decimal

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from booking.models import Booking
from common.api.fields import (
    MAX_ID,
    AmountField,
    AwareDateTimeField,
    BusinessDateField,
    ChoiceField,
    ScopedPrimaryKeyRelatedField,
    StrictBooleanField,
    StrictCharField,
)
from common.api.schema import RequiredAlternatives
from leads.models import Lead, LoanCommitment, LoanPayment, PaymentMethod
from leads.serializers.rows import FastRowMixin


# What the field accepts, as the schema: drf-spectacular's default pattern allows a sign, an empty
# string and zero, which the 0.01 minimum then refuses, so generated clients would send refused amounts.
POSITIVE_AMOUNT_PATTERN = r"^(?:[1-9]\d{0,9}(?:\.\d{1,2})?|0?\.(?:0[1-9]|[1-9]\d?))$"


@extend_schema_field({"type": "string", "format": "decimal", "pattern": POSITIVE_AMOUNT_PATTERN, "example": "10.00"})
class PositiveAmountField(AmountField):
    """An amount of at least 0.01 with at most 10 digits before the point and 2 after, as a decimal string."""

    def __init__(self, **kwargs):
        super().__init__(max_digits=12, decimal_places=2, min_value=Decimal("0.01"), **kwargs)


# A promised day is today or later, which OpenAPI cannot say; the example is one the API takes.
@extend_schema_field({"type": "string", "format": "date", "example": "2030-01-15"})
class PromisedDateField(serializers.DateField):
    """A promised clear date (YYYY-MM-DD); the service refuses a past day."""


class LoanPromiseInputSerializer(RequiredAlternatives, serializers.Serializer):
    """Without `id`: a new commitment (lead, amount, promised_clear_date required). With `id`: changes to it."""

    # `validate` below, said in the schema: an addition names its three fields, an update its commitment.
    schema_shapes = {
        "LoanCommitmentAdd": {
            "description": "A new commitment: `lead`, `amount` and `promised_clear_date` required (answered 201).",
            "required": ["lead", "amount", "promised_clear_date"],
            "exclude": ["id"],
            "properties": {"lead": {"description": "The lead whose customer makes the promise."}},
        },
        "LoanCommitmentUpdate": {
            "description": "Changes to the open commitment `id` (answered 200); the fields left out keep their values.",
            "required": ["id"],
            "properties": {
                "id": {"description": "The commitment to change."},
                "lead": {"description": "The commitment's own lead, if given: a commitment never moves."},
            },
        },
    }

    id = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_ID,
        help_text="An existing commitment to update; omit to add a new one.",
    )
    lead = ScopedPrimaryKeyRelatedField(model=Lead, required=False, help_text="Required when adding.")
    booking = ScopedPrimaryKeyRelatedField(model=Booking, required=False, allow_null=True)
    amount = PositiveAmountField(required=False)
    promised_clear_date = PromisedDateField(required=False)
    remarks = StrictCharField(required=False, allow_blank=True, max_length=5000)

    def validate(self, attrs):
        if "id" not in attrs:
            missing = [name for name in ("lead", "amount", "promised_clear_date") if name not in attrs]
            if missing:
                raise serializers.ValidationError({name: ["This field is required."] for name in missing})
        return attrs


class OverdueLoanOutputSerializer(FastRowMixin, serializers.ModelSerializer):
    """An overdue commitment with the customer to call about it."""

    customer_name = serializers.CharField(source="lead.customer_name", read_only=True)
    contact_number = serializers.CharField(source="lead.contact_number", read_only=True)
    branch = serializers.IntegerField(source="lead.branch_id", read_only=True)
    branch_name = serializers.CharField(source="lead.branch.name", read_only=True)
    balance = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True)
    days_overdue = serializers.SerializerMethodField(
        help_text="Days since the promised date (the business day's); 0 for a commitment due today (`include_due_today`)."
    )

    class Meta:
        model = LoanCommitment
        fields = [
            "id",
            "lead",
            "customer_name",
            "contact_number",
            "branch",
            "branch_name",
            "booking",
            "amount",
            "paid_amount",
            "balance",
            "promised_clear_date",
            "days_overdue",
            "status",
            "remarks",
            "created_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_days_overdue(self, commitment) -> int:
        return (self.context["as_of"] - commitment.promised_clear_date).days


class LoanPaymentInputSerializer(serializers.Serializer):
    amount = PositiveAmountField(help_text="At most the commitment's balance.")
    paid_at = AwareDateTimeField(required=False, help_text="When the money came in; default now, never later.")
    method = ChoiceField(choices=PaymentMethod.choices, required=False)
    reference = StrictCharField(required=False, allow_blank=True, max_length=100, help_text="Receipt or transfer id.")


class LoanPaymentOutputSerializer(FastRowMixin, serializers.ModelSerializer):
    receipt_number = serializers.CharField(
        read_only=True, allow_null=True,
        help_text="The organization's receipt number, e.g. `AT-2026-000123`: unique, sequential per organization and year.",
    )
    balance_after = serializers.DecimalField(
        max_digits=12, decimal_places=2, read_only=True, allow_null=True,
        help_text="The commitment's balance left right after this payment (as its receipt shows it).",
    )

    class Meta:
        model = LoanPayment
        fields = [
            "id", "commitment", "amount", "paid_at", "method", "reference", "receipt_number", "balance_after",
            "created_by", "created_at",
        ]
        read_only_fields = fields


class LoanRescheduleInputSerializer(serializers.Serializer):
    promised_clear_date = PromisedDateField(help_text="The new promised date: today or later.")
    amount = PositiveAmountField(required=False, help_text="The new promise's amount; default the old one's balance.")


class OverdueLoansInputSerializer(serializers.Serializer):
    include_due_today = StrictBooleanField(
        required=False,
        default=False,
        help_text="true: also the open commitments promised for today (`days_overdue` 0, after the late ones): "
        "what is due today or overdue, in one list. Default false: only those promised before today.",
    )


class AgingReportInputSerializer(serializers.Serializer):
    branch_id = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID, help_text="Only this branch.")
    assigned_to = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text="Only leads assigned to this user id."
    )
    as_of = BusinessDateField(required=False, help_text="The day to age from (YYYY-MM-DD); default today.")

    def validate_as_of(self, value):
        if value > timezone.localdate():
            raise serializers.ValidationError("The report cannot be aged from a future day.")
        return value


class AgingBucketOutputSerializer(serializers.Serializer):
    label = serializers.CharField()
    days_from = serializers.IntegerField()
    days_to = serializers.IntegerField(allow_null=True, help_text="null for the open-ended 90+ bucket.")
    count = serializers.IntegerField(help_text="Open commitments in the bucket.")
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, help_text="Their balances, summed.")


class BranchAgingOutputSerializer(serializers.Serializer):
    branch = serializers.IntegerField()
    branch_name = serializers.CharField()
    buckets = AgingBucketOutputSerializer(many=True)


class AgingReportOutputSerializer(serializers.Serializer):
    as_of = serializers.DateField()
    currency = serializers.CharField(help_text="ISO 4217 code of the organization's money.")
    buckets = AgingBucketOutputSerializer(many=True, help_text="Every branch in the answer, summed.")
    branches = BranchAgingOutputSerializer(many=True, help_text="Branches with overdue balances, by name.")
