"""Intake's input and output shapes: sources (org admins), enquiries (anyone with a key), Meta's webhook."""

from django.urls import reverse
from rest_framework import serializers

from common.api.fields import (
    ChoiceField,
    CNICField,
    ContactNumberField,
    PassportField,
    StrictBooleanField,
    StrictCharField,
)
from intake.models import IntakeSource
from intake.services.sources import MAX_ALLOWED_ORIGINS
from intake.snippet import form_snippet
from leads.models import LeadSource
from organizations.models import Branch


class IntakeSourceCreateInputSerializer(serializers.Serializer):
    name = StrictCharField(max_length=100, help_text="Shown in the follow-up of a returning customer.")
    branch = serializers.PrimaryKeyRelatedField(
        queryset=Branch.objects.all(), help_text="A branch of an organization you administer."
    )
    lead_source = ChoiceField(choices=LeadSource.choices, required=False, default=LeadSource.WEB_FORM)
    allowed_origins = serializers.ListField(
        child=StrictCharField(max_length=200), required=False, default=list, max_length=MAX_ALLOWED_ORIGINS,
        help_text="Websites whose pages may post (https://www.example.com); empty: any.",
    )
    asks_consent = StrictBooleanField(
        required=False, default=False, help_text="The form asks consent to WhatsApp/SMS messages."
    )
    redirect_url = serializers.URLField(
        required=False, allow_blank=True, default="", max_length=500,
        help_text="Thank-you page a browser's form post is sent to (303); empty: a JSON answer.",
    )


class IntakeSourceOutputSerializer(serializers.ModelSerializer):
    branch_name = serializers.CharField(source="branch.name", read_only=True)
    allowed_origins = serializers.ListField(child=serializers.CharField(), read_only=True)
    is_active = serializers.BooleanField(read_only=True)
    intake_url = serializers.SerializerMethodField()
    form_snippet = serializers.SerializerMethodField(
        help_text="An HTML form posting to this source; paste the key you saved where it says so."
    )

    class Meta:
        model = IntakeSource
        fields = [
            "id", "name", "organization", "branch", "branch_name", "lead_source", "key_prefix", "allowed_origins",
            "asks_consent", "redirect_url", "is_active", "created_by", "created_at", "last_used_at", "revoked_at",
            "intake_url", "form_snippet",
        ]
        read_only_fields = fields

    def get_intake_url(self, source) -> str:
        return self.context["request"].build_absolute_uri(reverse("intake:intake"))

    def get_form_snippet(self, source) -> str:
        return form_snippet(source, action_url=self.get_intake_url(source), key=self.context.get("key"))


class IntakeSourceCreatedSerializer(IntakeSourceOutputSerializer):
    key = serializers.SerializerMethodField(help_text="The key, shown this once: only its hash is kept.")

    class Meta(IntakeSourceOutputSerializer.Meta):
        fields = [*IntakeSourceOutputSerializer.Meta.fields, "key"]
        read_only_fields = fields

    def get_key(self, source) -> str:
        return self.context["key"]


class IntakeInputSerializer(serializers.Serializer):
    """One enquiry. Unknown fields are ignored; `website` is the honeypot (a person leaves it empty)."""

    customer_name = StrictCharField(max_length=200)
    contact_number = ContactNumberField(help_text="Any common spelling; stored as E.164 (+923001234567).")
    passport_number = PassportField(required=False, allow_blank=True)
    cnic = CNICField(required=False, allow_blank=True)
    area = StrictCharField(required=False, allow_blank=True, max_length=100)
    remarks = StrictCharField(required=False, allow_blank=True, max_length=2000)
    messaging_consent = StrictBooleanField(
        required=False, allow_null=True, default=None,
        help_text="The customer's answer to the form's consent question (recorded when the source asks it).",
    )
    utm_source = StrictCharField(required=False, allow_blank=True, max_length=100)
    utm_campaign = StrictCharField(required=False, allow_blank=True, max_length=100)
    website = StrictCharField(
        required=False, allow_blank=True, max_length=2000,
        help_text="Leave empty: the honeypot. A post that fills it is answered as received and dropped.",
    )


class IntakeFormInputSerializer(IntakeInputSerializer):
    """The same enquiry posted by an HTML form (form-encoded), which cannot send the key as a header."""

    intake_key = StrictCharField(required=False, help_text="The source's key, when no X-Intake-Key header is sent.")
    next = serializers.URLField(
        required=False, help_text="A page of one of the source's allowed origins to send the browser to (303)."
    )


class IntakeReceivedSerializer(serializers.Serializer):
    received = serializers.BooleanField()


class MetaLeadgenValueSerializer(serializers.Serializer):
    leadgen_id = serializers.CharField()
    page_id = serializers.CharField()
    form_id = serializers.CharField(required=False)
    ad_id = serializers.CharField(required=False)
    adgroup_id = serializers.CharField(required=False)
    created_time = serializers.IntegerField(required=False)


class MetaChangeSerializer(serializers.Serializer):
    field = serializers.CharField(help_text="`leadgen`; other fields are ignored.")
    value = MetaLeadgenValueSerializer()


class MetaEntrySerializer(serializers.Serializer):
    id = serializers.CharField(help_text="The page id.")
    time = serializers.IntegerField(required=False)
    changes = MetaChangeSerializer(many=True)


class MetaWebhookSerializer(serializers.Serializer):
    """Documentation only: the body Meta posts (verified on its raw bytes, then read as JSON)."""

    object = serializers.CharField(help_text="`page`.")
    entry = MetaEntrySerializer(many=True)

