"""Input and output serializers of the lead endpoints (one pair per operation)."""

from rest_framework import serializers

from booking.models import Booking
from common.api.fields import (
    NON_BLANK_PATTERN,
    PYTHON_WHITESPACE,
    CNICField,
    ContactNumberField,
    PassportField,
    ScopedPrimaryKeyRelatedField,
    StrictCharField,
)
from common.api.schema import RequiredAlternatives
from leads.models import (
    LOST_REASON_OTHER,
    OPEN_LEAD_STATUS_CHOICES,
    FollowUpHistory,
    Lead,
    LeadSource,
    LeadStatus,
    LoanCommitment,
    LostReason,
)
from leads.serializers.common import AssignableUserField, ChoiceField
from leads.serializers.rows import FastRowMixin
from organizations.models import Branch


class _LeadWriteSerializer(serializers.Serializer):
    """Fields a client may write on a lead; `organization` always follows `branch`."""

    customer_name = StrictCharField(max_length=200)
    contact_number = ContactNumberField(help_text="Any common spelling; stored as E.164 (+923001234567).")
    passport_number = PassportField(required=False, allow_blank=True, help_text="Stored upper-case without spaces.")
    cnic = CNICField(required=False, allow_blank=True, help_text="13 digits, with or without dashes.")
    address = StrictCharField(required=False, allow_blank=True, max_length=2000)
    area = StrictCharField(required=False, allow_blank=True, max_length=100)
    branch = ScopedPrimaryKeyRelatedField(model=Branch, help_text="A branch you belong to (or of your organization).")
    lead_source = ChoiceField(choices=LeadSource.choices, required=False)
    lead_status = ChoiceField(
        choices=LeadStatus.choices,
        required=False,
        help_text="new, contacted or interested; converted and lost have their own endpoints (a converted or "
        "lost lead's own status may be sent back unchanged).",
    )
    next_followup_date = serializers.DateField(required=False, allow_null=True)
    assigned_to = AssignableUserField(
        required=False,
        allow_null=True,
        help_text="A user who can see the lead's branch (a member of it or of its organization, or staff).",
    )
    remarks = StrictCharField(required=False, allow_blank=True, max_length=5000)


class LeadCreateInputSerializer(_LeadWriteSerializer):
    """The rules (assignee can open the branch, no past follow-up day) are `lead_create`'s."""

    # A new lead is open; update keeps every status, so a GET-modify-PUT of a final lead round-trips.
    lead_status = ChoiceField(
        choices=OPEN_LEAD_STATUS_CHOICES,
        required=False,
        help_text="new (the default), contacted or interested; converted and lost have their own endpoints.",
    )


class LeadUpdateInputSerializer(_LeadWriteSerializer):
    """PUT needs customer_name, contact_number and branch; PATCH any subset. Omitted fields keep their value."""

    lost_reason = StrictCharField(
        required=False, allow_blank=True, max_length=2000, help_text="Only on a lost lead (its reason, corrected)."
    )


class LeadConvertInputSerializer(serializers.Serializer):
    booking = ScopedPrimaryKeyRelatedField(
        model=Booking, required=False, allow_null=True, help_text="The booking the lead became (optional)."
    )


# `other`, however much whitespace surrounds it (text fields are trimmed before they are judged).
OTHER_CODE_PATTERN = f"^[{PYTHON_WHITESPACE}]*{LOST_REASON_OTHER}[{PYTHON_WHITESPACE}]*$"


class LeadLostInputSerializer(RequiredAlternatives, serializers.Serializer):
    """A catalogue code, a reason in words, or both; `lead_mark_lost` judges them."""

    # `lead_mark_lost`'s rule, said in the schema: a reason in words (not blank once trimmed), or a
    # catalogue code other than `other` (the default when the code is left out); a body may fit both.
    schema_shapes = {
        "LeadLostWithReason": {
            "description": "Lost for a reason in words (not blank), with or without a catalogue code.",
            "required": ["lost_reason"],
            "properties": {"lost_reason": {"pattern": NON_BLANK_PATTERN}},
        },
        "LeadLostWithCode": {
            "description": "Lost for a catalogue reason other than `other`; words are optional.",
            "required": ["lost_reason_code"],
            "properties": {
                "lost_reason_code": {
                    "not": {"pattern": OTHER_CODE_PATTERN},
                    "description": "A `code` of your organization's catalogue (`GET lost-reasons/`) other than `other`.",
                }
            },
        },
    }

    lost_reason_code = StrictCharField(
        max_length=50,
        required=False,
        default=LOST_REASON_OTHER,
        help_text="A `code` of your organization's catalogue (`GET lost-reasons/`); `other` when omitted.",
    )
    lost_reason = StrictCharField(
        max_length=2000,
        required=False,
        allow_blank=True,
        default="",
        help_text="Why the lead was lost, in words; required when `lost_reason_code` is `other`.",
    )


class LostReasonOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = LostReason
        fields = ["id", "code", "label", "organization"]
        read_only_fields = fields


class LeadSearchInputSerializer(serializers.Serializer):
    """Query parameters of the search; every value is normalised before the exact match."""

    passport = PassportField(required=False, allow_blank=True, help_text="Passport number in any spelling.")
    contact = ContactNumberField(required=False, allow_blank=True, help_text="Contact number in any spelling.")
    cnic = CNICField(required=False, allow_blank=True, help_text="CNIC with or without dashes.")

    def validate(self, attrs):
        if not any(attrs.get(name) for name in ("passport", "contact", "cnic")):
            raise serializers.ValidationError(
                {"non_field_errors": ["Give at least one of passport, contact or cnic."]}
            )
        return attrs


class LeadListOutputSerializer(FastRowMixin, serializers.ModelSerializer):
    """One row of a lead table."""

    branch_name = serializers.CharField(source="branch.name", read_only=True)
    branch_code = serializers.CharField(source="branch.code", read_only=True)
    assigned_to_username = serializers.CharField(
        source="assigned_to.username", read_only=True, default=None, allow_null=True
    )
    is_open = serializers.BooleanField(read_only=True)
    lost_reason_code = serializers.CharField(
        read_only=True, allow_null=True, help_text="Catalogue code of a lost lead; null while not lost."
    )
    # Annotated by `leads_with_money` (leads/loan_book.py): every queryset this serializes carries them.
    outstanding_amount = serializers.DecimalField(
        max_digits=14, decimal_places=2, read_only=True, help_text="The open commitments' balances."
    )
    overdue_amount = serializers.DecimalField(
        max_digits=14, decimal_places=2, read_only=True, help_text="The part of it promised before today."
    )
    next_promise_date = serializers.DateField(
        read_only=True, allow_null=True, help_text="The earliest open promise's date (null when none)."
    )
    first_contact_due_at = serializers.DateTimeField(
        read_only=True, allow_null=True,
        help_text="When the first contact is due: the organization's first-contact hours of working time after "
        "the lead came in. Null: no SLA (a lead created already contacted or converted, or before the SLA existed).",
    )
    sla_breached = serializers.BooleanField(
        read_only=True,
        help_text="The first contact came after `first_contact_due_at`, or has not come and that time has passed "
        "while the lead was open (as `list/?sla_breached=true` and the summary's `first_contact_sla` count).",
    )

    class Meta:
        model = Lead
        fields = [
            "id",
            "customer_name",
            "contact_number",
            "passport_number",
            "cnic",
            "area",
            "branch",
            "branch_name",
            "branch_code",
            "organization",
            "lead_source",
            "lead_status",
            "is_open",
            "lost_reason_code",
            "next_followup_date",
            "last_contacted_at",
            "assigned_to",
            "assigned_to_username",
            "booking",
            "outstanding_amount",
            "overdue_amount",
            "next_promise_date",
            "first_contact_due_at",
            "sla_breached",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class FollowUpOutputSerializer(FastRowMixin, serializers.ModelSerializer):
    class Meta:
        model = FollowUpHistory
        fields = [
            "id",
            "lead",
            "followup_at",
            "contact_method",
            "outcome",
            "remarks",
            "next_followup_date",
            "created_by",
            "created_at",
        ]
        read_only_fields = fields


class LoanCommitmentOutputSerializer(FastRowMixin, serializers.ModelSerializer):
    balance = serializers.DecimalField(
        max_digits=12, decimal_places=2, read_only=True, help_text="`amount` less `paid_amount`."
    )

    class Meta:
        model = LoanCommitment
        fields = [
            "id",
            "lead",
            "booking",
            "amount",
            "paid_amount",
            "balance",
            "promised_clear_date",
            "status",
            "rescheduled_from",
            "remarks",
            "cleared_at",
            "created_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class LeadDetailOutputSerializer(LeadListOutputSerializer):
    """Everything about a lead, plus its latest follow-ups and loan commitments (newest first)."""

    recent_followups = FollowUpOutputSerializer(many=True, read_only=True)
    recent_loan_commitments = LoanCommitmentOutputSerializer(many=True, read_only=True)
    promises_kept = serializers.IntegerField(read_only=True, help_text="Commitments cleared on or before their date.")
    promises_broken = serializers.IntegerField(
        read_only=True, help_text="Commitments rescheduled, cleared late, or still open past their date."
    )

    class Meta(LeadListOutputSerializer.Meta):
        fields = [
            *LeadListOutputSerializer.Meta.fields,
            "address",
            "converted_at",
            "lost_reason",
            "lost_at",
            "remarks",
            "created_by",
            "promises_kept",
            "promises_broken",
            "recent_followups",
            "recent_loan_commitments",
        ]
        read_only_fields = fields


class PossibleDuplicateSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    customer_name = serializers.CharField()
    branch = serializers.IntegerField()


class LeadCreateOutputSerializer(LeadDetailOutputSerializer):
    """The created lead, with the organization's leads sharing its contact number or CNIC (leads/duplicates.py)."""

    possible_duplicates = PossibleDuplicateSerializer(
        many=True, read_only=True, help_text="Matching leads you can see."
    )
    known_at_branches = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text="Names of the organization's other branches holding a match you cannot see.",
    )

    class Meta(LeadDetailOutputSerializer.Meta):
        fields = [*LeadDetailOutputSerializer.Meta.fields, "possible_duplicates", "known_at_branches"]
        read_only_fields = fields
