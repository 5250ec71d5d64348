"""Serializers of the duplicate check (`GET duplicates/`): what a create would answer, asked before it."""

from rest_framework import serializers

from common.api.fields import CNICField, ContactNumberField, PassportField, ScopedPrimaryKeyRelatedField
from leads.serializers.leads import PossibleDuplicateSerializer
from organizations.models import Branch

DUPLICATE_CHECK_FIELDS = ("contact_number", "cnic", "passport_number")


class DuplicateCheckInputSerializer(serializers.Serializer):
    """Query parameters: at least one identity value (normalised as a create would), and optionally the branch."""

    contact_number = ContactNumberField(required=False, allow_blank=True, help_text="Contact number in any spelling.")
    cnic = CNICField(required=False, allow_blank=True, help_text="CNIC with or without dashes.")
    passport_number = PassportField(required=False, allow_blank=True, help_text="Passport number in any spelling.")
    branch = ScopedPrimaryKeyRelatedField(
        model=Branch,
        required=False,
        help_text="The branch the lead would be created in (its organization is searched); default every "
        "organization you belong to.",
    )

    def validate(self, attrs):
        if not any(attrs.get(name) for name in DUPLICATE_CHECK_FIELDS):
            raise serializers.ValidationError(
                {"non_field_errors": ["Give at least one of contact_number, cnic or passport_number."]}
            )
        return attrs


class DuplicateCheckOutputSerializer(serializers.Serializer):
    possible_duplicates = PossibleDuplicateSerializer(many=True, help_text="Matching leads you can see.")
    known_at_branches = serializers.ListField(
        child=serializers.CharField(),
        help_text="Names of the organization's other branches holding a match you cannot see.",
    )
