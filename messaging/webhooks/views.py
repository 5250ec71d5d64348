"""The providers' webhooks: Meta's WhatsApp (`/api/messaging/whatsapp/`) and Twilio's (`/api/messaging/twilio/`).

Each reads the raw body under a size limit, verifies the signature on those bytes before parsing,
then does the minimum in the request: status callbacks are one conditional UPDATE each, inbound
messages a short transaction each (messaging/services/inbound.py); whatever calls a provider (a STOP's
confirmation) goes through the outbox after commit. The organization is the one whose channel the
callback names (WhatsApp's `phone_number_id`; Twilio's `AccountSid` and number): nothing else is
ever looked at.
"""

import json
import logging
import threading
import time

from django.conf import settings
from django.http import HttpResponse, QueryDict
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import AuthenticationFailed, ParseError
from rest_framework.views import APIView
from rest_framework.parsers import FormParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from common.api.parsers import JSONParser, read_raw_body
from common.api.schema import ErrorDetailSerializer, error_responses
from messaging.encryption import SecretUnreadable, reveal
from messaging.models import Channel, ChannelKind
from messaging.services.inbound import inbound_message_receive
from messaging.services.statuses import message_status_apply_or_retry
from messaging.webhooks.payloads import is_twilio_inbound, twilio_inbound, twilio_status, whatsapp_changes
from messaging.webhooks.serializers import TwilioWebhookSerializer, WebhookReceivedSerializer, WhatsAppWebhookSerializer
from common.meta_webhooks import meta_signature_valid, meta_subscription_check_schema, meta_subscription_response
from messaging.webhooks.signatures import twilio_signature_valid

logger = logging.getLogger("messaging.webhooks")

TAGS = ["customer messages"]
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>'
TOO_LARGE = OpenApiResponse(ErrorDetailSerializer, description="The body is larger than MESSAGING_WEBHOOK_MAX_BYTES.")


# WhatsApp numbers rarely change owner: each process remembers which channel a phone number id names
# for a short while, saving a query on every status callback (the hot path). A channel's organization
# never changes, so a remembered channel can be stale only in its settings (intake branch): inbound
# messages read the channel afresh.
CHANNEL_MEMORY_SECONDS = 30
_remembered: dict[str, tuple[float, Channel | None]] = {}
_remembered_lock = threading.Lock()


def whatsapp_channel(phone_number_id: str) -> Channel | None:
    """The channel (any organization's, active or not) connected with this WhatsApp phone number id."""
    now = time.monotonic()
    hit = _remembered.get(phone_number_id)
    if hit is not None and hit[0] > now:
        return hit[1]
    channel = Channel.objects.filter(kind=ChannelKind.WHATSAPP, phone_number_id=phone_number_id).first()
    with _remembered_lock:
        if len(_remembered) > 1000:
            _remembered.clear()
        _remembered[phone_number_id] = (now + CHANNEL_MEMORY_SECONDS, channel)
    return channel


def forget_channels() -> None:
    with _remembered_lock:
        _remembered.clear()


def read_body(request) -> bytes:
    """The raw body, at most MESSAGING_WEBHOOK_MAX_BYTES (413 beyond)."""
    return read_raw_body(request, limit=settings.MESSAGING_WEBHOOK_MAX_BYTES)


class _WebhookView(APIView):
    """No session, token or throttle: the signature is the authentication. The views read the raw body
    themselves (`read_body`) and never `request.data`; the parser only names the media type (the schema,
    the browsable API's form)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes: list = []
    parser_classes = [JSONParser]


class WhatsAppWebhookView(_WebhookView):
    """GET, POST /api/messaging/whatsapp/: Meta's subscription check, and statuses and inbound messages."""

    def get_authenticate_header(self, request):
        return 'X-Hub-Signature-256 realm="whatsapp"'

    @meta_subscription_check_schema(operation_id="messaging_whatsapp_verify", tags=TAGS)
    def get(self, request):
        return meta_subscription_response(request)

    @extend_schema(
        operation_id="messaging_whatsapp_webhook",
        summary="WhatsApp statuses and inbound messages, signed with X-Hub-Signature-256 (the app secret)",
        auth=[],
        parameters=[OpenApiParameter("X-Hub-Signature-256", OpenApiTypes.STR, OpenApiParameter.HEADER,
                                     required=True, description="sha256=<HMAC-SHA256 of the raw body, app secret>")],
        request=WhatsAppWebhookSerializer,
        responses={
            200: WebhookReceivedSerializer,
            **error_responses(400, 401, e400="The signed body is not JSON.",
                              e401="No, a malformed or a wrong signature: nothing is stored."),
            413: TOO_LARGE,
        },
        tags=TAGS,
    )
    def post(self, request):
        body = read_body(request)
        if not meta_signature_valid(body=body, header=request.headers.get("x-hub-signature-256"),
                                    app_secret=settings.META_APP_SECRET):
            raise AuthenticationFailed("Missing or wrong X-Hub-Signature-256.")
        try:
            payload = json.loads(body)
        except ValueError:
            raise ParseError("The body is not JSON.") from None
        for change in whatsapp_changes(payload):
            channel = whatsapp_channel(change.phone_number_id)
            if channel is None:
                logger.warning("WhatsApp webhook for phone number id %s, which no organization connected; ignored.",
                               change.phone_number_id, extra={"event": "messaging.webhook_unknown_number"})
                continue
            for update in change.statuses:
                message_status_apply_or_retry(channel=channel, update=update)
            if change.messages:
                channel = Channel.objects.select_related("intake_branch").filter(pk=channel.pk).first()
                if channel is None:  # disconnected a moment ago
                    continue
            for inbound in change.messages:
                inbound_message_receive(channel=channel, inbound=inbound)
        return Response({"received": True})


def twilio_channel(params) -> Channel | None:
    """The SMS channel a Twilio request is about: its account, narrowed by our number or messaging service
    when several organizations' channels share one account. None when not exactly one fits."""
    account_sid = (params.get("AccountSid") or "").strip()
    if not account_sid:
        return None
    candidates = list(Channel.objects.select_related("intake_branch").filter(kind=ChannelKind.SMS, account_sid=account_sid))
    if len(candidates) > 1:
        numbers = {(params.get(name) or "").strip() for name in ("To", "From")} - {""}
        service = (params.get("MessagingServiceSid") or "").strip()
        candidates = [
            channel for channel in candidates
            if (channel.from_number and channel.from_number in numbers)
            or (service and channel.messaging_service_sid == service)
        ]
    return candidates[0] if len(candidates) == 1 else None


def twilio_request_url(request) -> str:
    """The URL Twilio requested: TWILIO_WEBHOOK_BASE_URL + the path when set (a proxy that rewrites the
    host or the path), else rebuilt from the request (scheme from X-Forwarded-Proto when trusted)."""
    base = settings.TWILIO_WEBHOOK_BASE_URL
    if base:
        return base + request.get_full_path()
    return request.build_absolute_uri()


class TwilioWebhookView(_WebhookView):
    """POST /api/messaging/twilio/: Twilio's status callbacks and inbound SMS, signed with X-Twilio-Signature."""

    parser_classes = [FormParser]

    def get_authenticate_header(self, request):
        return 'X-Twilio-Signature realm="twilio"'

    @extend_schema(
        operation_id="messaging_twilio_webhook",
        summary="Twilio status callbacks and inbound SMS, signed with X-Twilio-Signature (the account's auth token)",
        auth=[],
        parameters=[OpenApiParameter("X-Twilio-Signature", OpenApiTypes.STR, OpenApiParameter.HEADER, required=True,
                                     description="base64 HMAC-SHA1 of the URL and the sorted form fields")],
        request={"application/x-www-form-urlencoded": TwilioWebhookSerializer},
        responses={
            (200, "text/xml"): OpenApiResponse(OpenApiTypes.STR, description="Empty TwiML: `<Response/>`."),
            **error_responses(401, e401="No account we know, or no, a malformed or a wrong signature: nothing is stored."),
            413: TOO_LARGE,
        },
        tags=TAGS,
    )
    def post(self, request):
        body = read_body(request)
        try:
            params = QueryDict(body, encoding="utf-8")
        except (UnicodeDecodeError, ValueError):
            raise AuthenticationFailed("Missing or wrong X-Twilio-Signature.") from None
        channel = twilio_channel(params)
        signature = request.headers.get("x-twilio-signature")
        try:
            token = reveal(channel.secret) if channel is not None else ""
        except SecretUnreadable:
            logger.error("Twilio channel %s: its auth token cannot be decrypted; webhook refused.", channel.pk)
            token = ""
        if not twilio_signature_valid(url=twilio_request_url(request), params=params, header=signature, auth_token=token):
            raise AuthenticationFailed("Missing or wrong X-Twilio-Signature.")
        if is_twilio_inbound(params):
            inbound_message_receive(channel=channel, inbound=twilio_inbound(params))
        else:
            update = twilio_status(params)
            if update is not None:
                message_status_apply_or_retry(channel=channel, update=update)
        return HttpResponse(EMPTY_TWIML, content_type="text/xml; charset=utf-8")
