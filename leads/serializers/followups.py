"""Serializers of the follow-up endpoints."""

from datetime import timedelta

from django.utils import timezone
from rest_framework import serializers

from common.api.fields import AwareDateTimeField, ScopedPrimaryKeyRelatedField, StrictCharField
from leads.models import ContactMethod, Lead
from leads.serializers.common import ChoiceField, check_not_in_past

# Clocks of phones and desks drift; a follow-up a few minutes "in the future" is still now.
FOLLOWUP_CLOCK_SKEW = timedelta(minutes=5)


class FollowUpCreateInputSerializer(serializers.Serializer):
    lead = ScopedPrimaryKeyRelatedField(model=Lead, help_text="A lead of your branches.")
    remarks = StrictCharField(max_length=5000, help_text="What was said.")
    contact_method = ChoiceField(choices=ContactMethod.choices, required=False)
    followup_at = AwareDateTimeField(required=False, help_text="When the contact happened; default now.")
    next_followup_date = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="The lead's next follow-up day; omitted or null clears it.",
    )

    def validate_followup_at(self, value):
        if value > timezone.now() + FOLLOWUP_CLOCK_SKEW:
            raise serializers.ValidationError("A follow-up cannot be in the future.")
        return value

    def validate_next_followup_date(self, value):
        return check_not_in_past(value)
