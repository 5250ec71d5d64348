"""Serializers of the loan commitment endpoints."""

from decimal import Decimal

from rest_framework import serializers

from booking.models import Booking
from common.api.fields import ScopedPrimaryKeyRelatedField, StrictCharField
from leads.models import Lead, LoanCommitment
from common.api.fields import MAX_ID
from leads.serializers.rows import FastRowMixin


class LoanPromiseInputSerializer(serializers.Serializer):
    """Without `id`: a new commitment (lead, amount, promised_clear_date required). With `id`: changes to it."""

    id = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_ID,
        help_text="An existing commitment to update; omit to add a new one.",
    )
    lead = ScopedPrimaryKeyRelatedField(model=Lead, required=False, help_text="Required when adding.")
    booking = ScopedPrimaryKeyRelatedField(model=Booking, required=False, allow_null=True)
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=Decimal("0.01"), required=False)
    promised_clear_date = serializers.DateField(required=False)
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
    days_overdue = serializers.SerializerMethodField()

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
