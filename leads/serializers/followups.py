"""Serializers of the follow-up endpoints."""

from rest_framework import serializers

from common.api.fields import AwareDateTimeField, ScopedPrimaryKeyRelatedField, StrictCharField
from leads.models import ContactMethod, FollowUpOutcome, Lead
from leads.serializers.common import ChoiceField


class FollowUpCreateInputSerializer(serializers.Serializer):
    """Parsing only: the date limits are `followup_record`'s."""

    lead = ScopedPrimaryKeyRelatedField(model=Lead, help_text="A lead of your branches.")
    remarks = StrictCharField(max_length=5000, help_text="What was said.")
    contact_method = ChoiceField(choices=ContactMethod.choices, required=False)
    outcome = ChoiceField(
        choices=FollowUpOutcome.choices,
        required=False,
        help_text="How the attempt went; default `answered`. Only `answered` (or a visit) counts as a contact: "
        "it sets the lead's last contact and moves a `new` lead to `contacted`.",
    )
    followup_at = AwareDateTimeField(
        required=False, help_text="When the contact happened (not in the future); default now."
    )
    next_followup_date = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="The lead's next follow-up day (not in the past); omitted or null clears it.",
    )
