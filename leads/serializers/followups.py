"""Serializers of the follow-up endpoints."""

from rest_framework import serializers

from common.api.fields import AwareDateTimeField, ScopedPrimaryKeyRelatedField, StrictCharField
from leads.models import ContactMethod, Lead
from leads.serializers.common import ChoiceField


class FollowUpCreateInputSerializer(serializers.Serializer):
    """Parsing only: the date limits are `followup_record`'s."""

    lead = ScopedPrimaryKeyRelatedField(model=Lead, help_text="A lead of your branches.")
    remarks = StrictCharField(max_length=5000, help_text="What was said.")
    contact_method = ChoiceField(choices=ContactMethod.choices, required=False)
    followup_at = AwareDateTimeField(
        required=False, help_text="When the contact happened (not in the future); default now."
    )
    next_followup_date = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="The lead's next follow-up day (not in the past); omitted or null clears it.",
    )
