"""The webhooks' bodies as the API schema shows them (the views read the raw bytes; these only document)."""

from rest_framework import serializers


class WhatsAppWebhookSerializer(serializers.Serializer):
    """A WhatsApp Cloud API webhook: `entry[].changes[]` with `field: messages` and a `value` holding
    `metadata.phone_number_id`, `statuses[]`, `messages[]` and `contacts[]`."""

    object = serializers.CharField(help_text="whatsapp_business_account")
    entry = serializers.ListField(child=serializers.DictField())


class WebhookReceivedSerializer(serializers.Serializer):
    received = serializers.BooleanField()


class TwilioWebhookSerializer(serializers.Serializer):
    """Twilio's form fields: a status callback (`MessageStatus`) or an inbound SMS (`Body`, `SmsStatus=received`)."""

    AccountSid = serializers.CharField()
    MessageSid = serializers.CharField()
    From = serializers.CharField(required=False)
    To = serializers.CharField(required=False)
    Body = serializers.CharField(required=False)
    MessageStatus = serializers.CharField(
        required=False, help_text="queued, sent, delivered, read, undelivered or failed (status callbacks)"
    )
    SmsStatus = serializers.CharField(required=False)
    ErrorCode = serializers.CharField(required=False)
    MessagingServiceSid = serializers.CharField(required=False)
    NumMedia = serializers.CharField(required=False)
