"""Output of GET /api/leads/detail/<id>/history/: the lead's audit trail."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from leads.audit import HISTORY_TYPES, AuditedModel


class HistoryUserSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()


@extend_schema_field(
    {
        "description": "The value before (`old`, null on creation) and after (`new`) the change: a string, "
        "number, boolean or null; related objects are their ids, dates and amounts strings, JSON fields (a lead's "
        "`attribution`) objects.",
        "nullable": True,
        "oneOf": [{"type": "string"}, {"type": "number"}, {"type": "boolean"}, {"type": "object"}],
    }
)
class AuditValueField(serializers.JSONField):
    pass


class FieldChangeSerializer(serializers.Serializer):
    field = serializers.CharField()
    old = AuditValueField(allow_null=True)
    new = AuditValueField(allow_null=True)


class HistoryEntryOutputSerializer(serializers.Serializer):
    model = serializers.ChoiceField(
        choices=[AuditedModel.LEAD, AuditedModel.FOLLOWUP, AuditedModel.LOAN_COMMITMENT, AuditedModel.LOAN_PAYMENT],
        help_text="What changed: the lead itself, one of its follow-ups, loan commitments or loan payments.",
    )
    object_id = serializers.IntegerField(help_text="The id of the lead, follow-up, loan commitment or payment.")
    history_id = serializers.IntegerField(help_text="The entry's id within its model's history.")
    history_date = serializers.DateTimeField()
    history_type = serializers.ChoiceField(choices=sorted(HISTORY_TYPES.values()))
    history_user = HistoryUserSerializer(allow_null=True, help_text="Who made the change; null for system jobs.")
    history_change_reason = serializers.CharField(allow_null=True)
    changes = FieldChangeSerializer(many=True)
