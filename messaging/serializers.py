"""Serializers of the messaging endpoints: an input and an output serializer per operation."""

from rest_framework import serializers

from common.api.fields import NON_BLANK_PATTERN, ChoiceField, StrictBooleanField, StrictCharField
from common.api.schema import RequiredAlternatives
from leads.models import ConsentVia, CustomerLanguage, Lead, MessagingConsent
from messaging.models import Channel, ChannelKind, Message, MessageTemplate
from messaging.services.outbox import MAX_BODY_CHARS
from messaging.services.templates import MAX_PARAMETER_CHARS
from organizations.models import Branch


class MessageOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Message
        fields = [
            "id", "lead", "direction", "channel", "template", "language", "body", "status", "error",
            "created_by", "created_at", "sent_at", "delivered_at", "read_at",
        ]
        read_only_fields = fields


class MessageSendInputSerializer(RequiredAlternatives, serializers.Serializer):
    """A template with its parameters, or free text (WhatsApp: only within the 24-hour window)."""

    schema_shapes = {
        "MessageSendTemplate": {
            "description": "A template of your organization (`GET /api/messaging/templates/`) in the lead's "
            "language, with its numbered parameters in order.",
            "required": ["template"],
            "exclude": ["body"],
        },
        "MessageSendText": {
            "description": "Free text: on WhatsApp only within 24 hours of the customer's last message; any time by SMS.",
            "required": ["body"],
            "exclude": ["template", "params"],
            "properties": {"body": {"pattern": NON_BLANK_PATTERN}},
        },
    }

    channel = ChoiceField(
        choices=ChannelKind.choices, required=False,
        help_text="Default: WhatsApp when the organization has it connected, else SMS.",
    )
    template = StrictCharField(max_length=50, required=False, help_text="A template code, e.g. payment_due_today.")
    params = serializers.ListField(
        child=StrictCharField(max_length=MAX_PARAMETER_CHARS, allow_blank=True), max_length=10, required=False,
        help_text="The template's parameters: {{1}} is the first.",
    )
    body = StrictCharField(max_length=MAX_BODY_CHARS, required=False, trim_whitespace=True)

    def validate(self, attrs):
        if bool(attrs.get("template")) == bool(attrs.get("body")):
            raise serializers.ValidationError(
                {"non_field_errors": ["Send either `template` (with `params`) or a free-text `body`."]}
            )
        if attrs.get("body") and attrs.get("params"):
            raise serializers.ValidationError({"params": ["Parameters go with a template, not with free text."]})
        return attrs


class ConsentInputSerializer(serializers.Serializer):
    messaging_consent = ChoiceField(choices=MessagingConsent.choices)
    via = ChoiceField(choices=ConsentVia.choices, required=False, default=ConsentVia.STAFF)
    language = ChoiceField(
        choices=CustomerLanguage.choices, required=False, help_text="The language the customer is written to in."
    )


class LeadMessagingOutputSerializer(serializers.ModelSerializer):
    """A lead's consent and what the composer needs to know (the channels and the WhatsApp window)."""

    messaging_consent_via = serializers.ChoiceField(
        choices=ConsentVia.choices, allow_blank=True, help_text="How consent was given or withdrawn; empty while unknown."
    )
    whatsapp_window_ends_at = serializers.DateTimeField(
        allow_null=True, help_text="Free text on WhatsApp until then (24 hours after the customer's last message)."
    )
    channels = serializers.ListField(
        child=ChoiceField(choices=ChannelKind.choices),
        help_text="The channels the lead's organization can send on (the log provider's in development).",
    )

    class Meta:
        model = Lead
        fields = [
            "id", "messaging_consent", "messaging_consent_at", "messaging_consent_via", "language",
            "whatsapp_window_ends_at", "channels",
        ]
        read_only_fields = fields


class MessageTemplateOutputSerializer(serializers.ModelSerializer):
    parameter_count = serializers.IntegerField(help_text="How many numbered parameters the body takes.")

    class Meta:
        model = MessageTemplate
        fields = [
            "id", "organization", "code", "channel", "language", "body", "provider_name", "provider_language",
            "parameter_count", "updated_at",
        ]
        read_only_fields = fields


class MessageTemplateInputSerializer(serializers.Serializer):
    body = StrictCharField(max_length=MAX_BODY_CHARS)
    provider_name = StrictCharField(max_length=512, required=False, allow_blank=True)
    provider_language = StrictCharField(max_length=15, required=False, allow_blank=True)


class ChannelOutputSerializer(serializers.ModelSerializer):
    """A connected channel; its secret is never shown (`has_secret` only says one is stored)."""

    has_secret = serializers.BooleanField()

    class Meta:
        model = Channel
        fields = [
            "id", "organization", "kind", "display_phone_number", "phone_number_id", "business_account_id",
            "account_sid", "from_number", "messaging_service_sid", "intake_branch", "daily_limit", "active",
            "has_secret", "created_at", "updated_at",
        ]
        read_only_fields = fields


class ChannelConnectInputSerializer(RequiredAlternatives, serializers.Serializer):
    """Connect a WhatsApp number (Cloud API) or a Twilio SMS sender; the secret is write-only."""

    schema_shapes = {
        "ChannelConnectWhatsApp": {
            "description": "A WhatsApp Business number: its phone number id and a system user's permanent access token.",
            "required": ["organization", "kind", "phone_number_id", "access_token"],
            "exclude": ["account_sid", "auth_token", "from_number", "messaging_service_sid"],
            "properties": {"kind": {"description": "`whatsapp` for this shape."}},
        },
        "ChannelConnectTwilio": {
            "description": "A Twilio account for SMS: its SID, auth token and sending number (or messaging service).",
            "required": ["organization", "kind", "account_sid", "auth_token"],
            "exclude": ["phone_number_id", "access_token", "business_account_id", "display_phone_number"],
            "properties": {"kind": {"description": "`sms` for this shape."}},
        },
    }

    organization = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    kind = ChoiceField(choices=ChannelKind.choices)
    phone_number_id = StrictCharField(max_length=64, required=False)
    access_token = StrictCharField(max_length=4096, required=False, write_only=True)
    business_account_id = StrictCharField(max_length=64, required=False, allow_blank=True)
    display_phone_number = StrictCharField(max_length=20, required=False, allow_blank=True)
    account_sid = StrictCharField(max_length=64, required=False)
    auth_token = StrictCharField(max_length=4096, required=False, write_only=True)
    from_number = StrictCharField(max_length=20, required=False, allow_blank=True)
    messaging_service_sid = StrictCharField(max_length=64, required=False, allow_blank=True)
    intake_branch = serializers.PrimaryKeyRelatedField(
        queryset=Branch.objects.all(), required=False, allow_null=True,
        help_text="Where messages from unknown numbers become leads: a branch of the organization (default its first).",
    )
    daily_limit = serializers.IntegerField(min_value=1, max_value=1_000_000, required=False)


class ChannelUpdateInputSerializer(serializers.Serializer):
    intake_branch = serializers.PrimaryKeyRelatedField(
        queryset=Branch.objects.all(), required=False, allow_null=True,
        help_text="Where messages from unknown numbers become leads: a branch of the organization (default its first).",
    )
    daily_limit = serializers.IntegerField(min_value=1, max_value=1_000_000, required=False)
    active = StrictBooleanField(required=False)
    secret = StrictCharField(
        max_length=4096, required=False, write_only=True,
        help_text="A new access token (WhatsApp) or auth token (Twilio); never shown back.",
    )
