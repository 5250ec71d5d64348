"""Messaging endpoints: a lead's thread and consent, the templates, the channels. Parse, call a service, show."""

from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from common.api.schema import ACCESS_ERRORS, error_responses
from leads.models import CustomerLanguage
from messaging.models import ChannelKind
from messaging.permissions import IsOrganizationAdmin
from messaging.selectors import (
    channels_administered,
    lead_messaging_status,
    lead_thread,
    leads_visible,
    templates_administered,
    templates_visible,
)
from messaging.serializers import (
    ChannelConnectInputSerializer,
    ChannelOutputSerializer,
    ChannelUpdateInputSerializer,
    ConsentInputSerializer,
    LeadMessagingOutputSerializer,
    MessageOutputSerializer,
    MessageSendInputSerializer,
    MessageTemplateInputSerializer,
    MessageTemplateOutputSerializer,
)
from messaging.services.channels import channel_connect_twilio, channel_connect_whatsapp, channel_update
from messaging.services.consent import consent_record
from messaging.services.templates import message_template_update, template_parameter_count
from messaging.services.threads import message_send
from organizations.models import Organization
from organizations.scoped_views import BranchScopedAPIView

TAGS = ["customer messages"]


class LeadMessagesView(BranchScopedAPIView):
    """GET/POST /api/leads/detail/<id>/messages/"""

    scoped_queryset = staticmethod(leads_visible)
    serializer_class = MessageSendInputSerializer

    @extend_schema(
        operation_id="leads_messages_list",
        summary="A lead's message thread",
        description="WhatsApp and SMS messages to and from the customer, newest first, paginated, each with "
        "its `status` (`queued`, `sent`, `delivered`, `read`, `failed`; `received` for the customer's).",
        responses={
            200: MessageOutputSerializer(many=True),
            **error_responses(400, *ACCESS_ERRORS, 404, e404="No such lead in your branches, or no such page."),
        },
        tags=TAGS,
    )
    def get(self, request, pk: int):
        lead = self.get_scoped_object(pk)
        page = self.paginate_queryset(lead_thread(lead=lead))
        return self.get_paginated_response(MessageOutputSerializer(page, many=True).data)

    @extend_schema(
        operation_id="leads_messages_send",
        summary="Send a message to a lead",
        description="Queues a template (`template` with `params`, in the lead's language) or free text "
        "(`body`) on `channel`; it is sent in the background and its `status` moves in the thread. "
        "Nothing is sent to a customer who has not opted in.",
        request=MessageSendInputSerializer,
        examples=[
            OpenApiExample(
                "A payment reminder template",
                request_only=True,
                value={"channel": "whatsapp", "template": "payment_due_today",
                       "params": ["Muhammad Asif", "PKR 25,000", "15-01-2030"]},
            ),
            OpenApiExample("Free text by SMS", request_only=True, value={"channel": "sms", "body": "We called you today."}),
        ],
        responses={
            202: OpenApiResponse(MessageOutputSerializer, description="Queued."),
            **error_responses(
                400, *ACCESS_ERRORS, 404, 409,
                e400="Invalid input: an unknown template, missing parameters, both or neither of `template` and `body`.",
                e404="No such lead in your branches.",
                e409="The customer has not opted in (`messaging_consent`), free text on WhatsApp outside the "
                "24-hour window, or no channel is connected.",
            ),
        },
        tags=TAGS,
    )
    def post(self, request, pk: int):
        lead = self.get_scoped_object(pk)
        serializer = MessageSendInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        message = message_send(lead=lead, actor=request.user, **serializer.validated_data)
        return Response(MessageOutputSerializer(message).data, status=status.HTTP_202_ACCEPTED)


class LeadConsentView(BranchScopedAPIView):
    """GET/PUT /api/leads/detail/<id>/consent/"""

    scoped_queryset = staticmethod(leads_visible)
    serializer_class = ConsentInputSerializer

    @extend_schema(
        operation_id="leads_consent_retrieve",
        summary="A lead's messaging consent",
        description="Whether, when and how the customer agreed to messages, their language, the channels "
        "the organization can send on, and until when free text on WhatsApp is open.",
        responses={200: LeadMessagingOutputSerializer, **error_responses(*ACCESS_ERRORS, 404)},
        tags=TAGS,
    )
    def get(self, request, pk: int):
        lead = self.get_scoped_object(pk)
        return Response(LeadMessagingOutputSerializer(lead_messaging_status(lead=lead)).data)

    @extend_schema(
        operation_id="leads_consent_update",
        summary="Record a lead's messaging consent",
        description="`opted_in` or `opted_out` (or `unknown`), `via` how it was given (default `staff`: on a "
        "call or a visit), and optionally the `language` they are written to in. The time is now.",
        request=ConsentInputSerializer,
        examples=[
            OpenApiExample("Agreed on a call, in Urdu", request_only=True,
                           value={"messaging_consent": "opted_in", "via": "staff", "language": "ur"}),
        ],
        responses={200: LeadMessagingOutputSerializer, **error_responses(400, *ACCESS_ERRORS, 404)},
        tags=TAGS,
    )
    def put(self, request, pk: int):
        lead = self.get_scoped_object(pk)
        serializer = ConsentInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        lead = consent_record(
            lead=lead, consent=data["messaging_consent"], via=data["via"], language=data.get("language"),
            actor=request.user,
        )
        return Response(LeadMessagingOutputSerializer(lead_messaging_status(lead=lead)).data)


def _with_counts(templates):
    for template in templates:
        template.parameter_count = template_parameter_count(template.body)
    return templates


class MessageTemplateListView(BranchScopedAPIView):
    """GET /api/messaging/templates/"""

    scoped_queryset = staticmethod(templates_visible)

    @extend_schema(
        operation_id="messaging_templates_list",
        summary="Message templates",
        description="The templates of your organizations (seeded: payment_due_soon, payment_due_today, "
        "payment_overdue, payment_received; English and Urdu; WhatsApp and SMS). Filters `channel`, `language`, `code`.",
        parameters=[
            OpenApiParameter("channel", str, enum=ChannelKind.values),
            OpenApiParameter("language", str, enum=CustomerLanguage.values),
            OpenApiParameter("code", str),
        ],
        responses={200: MessageTemplateOutputSerializer(many=True), **error_responses(400, *ACCESS_ERRORS, 404)},
        tags=TAGS,
    )
    def get(self, request):
        templates = self.get_queryset()
        allowed = {"channel": ChannelKind.values, "language": CustomerLanguage.values}
        for name in ("channel", "language", "code"):
            value = request.query_params.get(name)
            if value:
                if name in allowed and value not in allowed[name]:
                    raise ValidationError({name: [f"Select one of: {', '.join(allowed[name])}."]})
                templates = templates.filter(**{name: value[:50]})
        page = self.paginate_queryset(templates)
        return self.get_paginated_response(MessageTemplateOutputSerializer(_with_counts(page), many=True).data)


class MessageTemplateDetailView(BranchScopedAPIView):
    """PUT /api/messaging/templates/<id>/"""

    permission_classes = [IsOrganizationAdmin]
    scoped_queryset = staticmethod(templates_administered)
    serializer_class = MessageTemplateInputSerializer

    @extend_schema(
        operation_id="messaging_templates_update",
        summary="Edit a message template (org admins)",
        description="The text (numbered parameters `{{1}}`… without gaps) and, for WhatsApp, the name and "
        "language of the template Meta approved.",
        request=MessageTemplateInputSerializer,
        responses={200: MessageTemplateOutputSerializer, **error_responses(400, *ACCESS_ERRORS, 404)},
        tags=TAGS,
    )
    def put(self, request, pk: int):
        template = self.get_scoped_object(pk)
        serializer = MessageTemplateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        template = message_template_update(template=template, actor=request.user, **serializer.validated_data)
        return Response(MessageTemplateOutputSerializer(_with_counts([template])[0]).data)


class ChannelListView(BranchScopedAPIView):
    """GET/POST /api/messaging/channels/"""

    permission_classes = [IsOrganizationAdmin]
    scoped_queryset = staticmethod(channels_administered)
    serializer_class = ChannelConnectInputSerializer

    @extend_schema(
        operation_id="messaging_channels_list",
        summary="Connected channels (org admins)",
        description="Your organizations' WhatsApp numbers and Twilio senders. Secrets are never shown.",
        responses={200: ChannelOutputSerializer(many=True), **error_responses(400, *ACCESS_ERRORS, 404)},
        tags=TAGS,
    )
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(ChannelOutputSerializer(page, many=True).data)

    @extend_schema(
        operation_id="messaging_channels_connect",
        summary="Connect a WhatsApp number or a Twilio account (org admins)",
        description="Connecting the same kind again replaces the organization's channel of that kind (a new "
        "token, say). The secret (`access_token`, `auth_token`) is stored encrypted and never shown back.",
        request=ChannelConnectInputSerializer,
        examples=[
            OpenApiExample("WhatsApp", request_only=True, value={
                "organization": 1, "kind": "whatsapp", "phone_number_id": "106540352242922",
                "access_token": "EAAG…", "display_phone_number": "+923001234567"}),
            OpenApiExample("Twilio SMS", request_only=True, value={
                "organization": 1, "kind": "sms", "account_sid": "AC0123456789abcdef0123456789abcdef",
                "auth_token": "…", "from_number": "+14155550100"}),
        ],
        responses={201: ChannelOutputSerializer, **error_responses(400, *ACCESS_ERRORS)},
        tags=TAGS,
    )
    def post(self, request):
        serializer = ChannelConnectInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        organization = Organization.objects.filter(pk=data.pop("organization")).first() or Organization(pk=0)
        kind = data.pop("kind")
        common = {"organization": organization, "actor": request.user,
                  "intake_branch": data.get("intake_branch"), "daily_limit": data.get("daily_limit")}
        if kind == ChannelKind.WHATSAPP:
            channel = channel_connect_whatsapp(
                phone_number_id=data.get("phone_number_id", ""), access_token=data.get("access_token", ""),
                business_account_id=data.get("business_account_id", ""),
                display_phone_number=data.get("display_phone_number", ""), **common,
            )
        else:
            channel = channel_connect_twilio(
                account_sid=data.get("account_sid", ""), auth_token=data.get("auth_token", ""),
                from_number=data.get("from_number", ""), messaging_service_sid=data.get("messaging_service_sid", ""),
                **common,
            )
        return Response(ChannelOutputSerializer(channel).data, status=status.HTTP_201_CREATED)


class ChannelDetailView(BranchScopedAPIView):
    """PATCH /api/messaging/channels/<id>/"""

    permission_classes = [IsOrganizationAdmin]
    scoped_queryset = staticmethod(channels_administered)
    serializer_class = ChannelUpdateInputSerializer

    @extend_schema(
        operation_id="messaging_channels_update",
        summary="Change a channel (org admins)",
        description="Its intake branch, daily limit, `active`, or a new secret (write-only).",
        request=ChannelUpdateInputSerializer,
        responses={200: ChannelOutputSerializer, **error_responses(400, *ACCESS_ERRORS, 404)},
        tags=TAGS,
    )
    def patch(self, request, pk: int):
        channel = self.get_scoped_object(pk)
        serializer = ChannelUpdateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        channel = channel_update(channel=channel, actor=request.user, **serializer.validated_data)
        return Response(ChannelOutputSerializer(channel).data)
