"""Intake endpoints: sources (org admins), enquiries (`intake/`, by key) and Meta Lead Ads' webhook."""

import ipaddress
import json
import logging
from collections.abc import Mapping
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpResponseRedirect
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import AuthenticationFailed, NotFound, ParseError, PermissionDenied, ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny, BasePermission
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle

from common.api.parsers import JSONParser, read_raw_body
from common.api.schema import ACCESS_ERRORS, error_responses
from common.api.throttling import OneRoundTripThrottlesMixin
from common.meta_webhooks import meta_signature_valid, meta_subscription_check_schema, meta_subscription_response
from intake.cors import origin_allowed
from intake.parsers import IntakeFormParser, IntakeJSONParser
from intake.selectors import intake_source_for_key, intake_sources_administered
from intake.serializers import (
    IntakeFormInputSerializer,
    IntakeInputSerializer,
    IntakeReceivedSerializer,
    IntakeSourceCreatedSerializer,
    IntakeSourceCreateInputSerializer,
    IntakeSourceOutputSerializer,
    MetaWebhookSerializer,
)
from intake.services import Enquiry, intake_accept, intake_source_create, intake_source_revoke, meta_leads_record
from intake.services.sources import administers_any_organization
from intake.throttling import IntakeAddressThrottle, IntakeKeyThrottle

logger = logging.getLogger("leads.intake")
TAGS = ["intake"]
E413 = "The body is larger than the intake accepts (`INTAKE_MAX_BODY_BYTES`)."


class IsOrgAdmin(BasePermission):
    """Signed in as staff or as an org admin of some organization; else 403 (401 when anonymous)."""

    message = "Only organization admins manage intake sources."

    def has_permission(self, request, view):
        return administers_any_organization(request.user)


class IntakeSourceAPIView(OneRoundTripThrottlesMixin, GenericAPIView):
    permission_classes = [IsOrgAdmin]
    filter_backends: list = []

    def get_queryset(self):
        return intake_sources_administered(user=self.request.user)

    # The browsable API builds its forms from these (as BranchScopedAPIView does): the operation's input, unbound.
    def get_serializer_class(self):
        return self.serializer_class or serializers.Serializer

    def get_serializer(self, *args, **kwargs):
        return self.get_serializer_class()(context=self.get_serializer_context())

    def get_source(self, pk: int):
        found = list(self.get_queryset().filter(pk=pk).order_by()[:1])
        if not found:
            raise NotFound()
        return found[0]


class IntakeSourceListCreateView(IntakeSourceAPIView):
    """GET, POST /api/leads/intake-sources/"""

    serializer_class = IntakeSourceCreateInputSerializer

    @extend_schema(
        operation_id="leads_intake_sources_list",
        summary="Intake sources of your organizations",
        responses={200: IntakeSourceOutputSerializer(many=True), **error_responses(*ACCESS_ERRORS)},
        tags=TAGS,
    )
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(
            IntakeSourceOutputSerializer(page, many=True, context={"request": request}).data
        )

    @extend_schema(
        operation_id="leads_intake_sources_create",
        summary="Create an intake source; its key is in this answer only",
        request=IntakeSourceCreateInputSerializer,
        examples=[
            OpenApiExample(
                "A website's enquiry form", request_only=True,
                value={"name": "Website form", "branch": 1, "allowed_origins": ["https://www.example.com"],
                       "asks_consent": True},
            )
        ],
        responses={201: IntakeSourceCreatedSerializer, **error_responses(400, *ACCESS_ERRORS)},
        tags=TAGS,
    )
    def post(self, request):
        serializer = IntakeSourceCreateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        created = intake_source_create(actor=request.user, **serializer.validated_data)
        body = IntakeSourceCreatedSerializer(created.source, context={"request": request, "key": created.key}).data
        return Response(body, status=status.HTTP_201_CREATED)


class IntakeSourceDetailView(IntakeSourceAPIView):
    """GET /api/leads/intake-sources/<id>/"""

    @extend_schema(
        operation_id="leads_intake_sources_retrieve",
        summary="One intake source (its key is never shown again)",
        responses={200: IntakeSourceOutputSerializer, **error_responses(*ACCESS_ERRORS, 404)},
        tags=TAGS,
    )
    def get(self, request, pk: int):
        return Response(IntakeSourceOutputSerializer(self.get_source(pk), context={"request": request}).data)


class IntakeSourceRevokeView(IntakeSourceAPIView):
    """POST /api/leads/intake-sources/<id>/revoke/"""

    @extend_schema(
        operation_id="leads_intake_sources_revoke",
        summary="Revoke an intake source's key (its posts are 401 from now on); again changes nothing",
        request=None,
        responses={200: IntakeSourceOutputSerializer, **error_responses(*ACCESS_ERRORS, 404)},
        tags=TAGS,
    )
    def post(self, request, pk: int):
        source = intake_source_revoke(source=self.get_source(pk), actor=request.user)
        return Response(IntakeSourceOutputSerializer(source, context={"request": request}).data)


IDEMPOTENCY_KEY_MAX = 100


def _client_address(request) -> str | None:
    """The client's address as the throttles see it (`NUM_PROXIES`), when it is one."""
    ident = BaseThrottle().get_ident(request)
    try:
        return str(ipaddress.ip_address((ident or "").strip()))
    except ValueError:
        return None


def _is_form(request) -> bool:
    return (request.content_type or "").split(";")[0].strip().lower() == "application/x-www-form-urlencoded"


class IntakeView(OneRoundTripThrottlesMixin, GenericAPIView):
    """POST /api/leads/intake/: an enquiry from a website's form or a script, opened by an intake source's key."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [IntakeAddressThrottle, IntakeKeyThrottle]
    parser_classes = [IntakeJSONParser, IntakeFormParser]
    serializer_class = IntakeInputSerializer

    def get_authenticate_header(self, request):
        return 'IntakeKey realm="intake"'  # a 401 stays a 401 (DRF makes it a 403 without a challenge)

    @staticmethod
    def presented_key(request):
        key = request.headers.get("x-intake-key")
        if key is None and _is_form(request):
            key = request.data.get("intake_key")
        return key

    @staticmethod
    def idempotency_key(request) -> str:
        """The `Idempotency-Key` header (printable ASCII, at most 100 characters), or ""; a bad one is a 400."""
        given = request.headers.get("idempotency-key")
        if given is None:
            return ""
        given = given.strip()
        if not given or len(given) > IDEMPOTENCY_KEY_MAX or not all(" " <= ch <= "~" for ch in given):
            raise ValidationError({"Idempotency-Key": [
                f"An idempotency key is 1 to {IDEMPOTENCY_KEY_MAX} printable ASCII characters."]})
        return given

    @extend_schema(
        operation_id="leads_intake_create",
        summary="Post an enquiry (a new lead, or a follow-up on the customer's lead)",
        description=(
            "Opened by an intake source's key: the `X-Intake-Key` header, or (an HTML form's post, "
            "form-encoded) the `intake_key` field. The enquiry is validated and stored, and answered at once "
            "with `{\"received\": true}`; the lead (a new one, or a follow-up on a returning customer's) is made "
            "in the background. The answer is the same when the honeypot `website` was filled (then nothing is "
            "processed) or a retried post repeats an `Idempotency-Key` (then nothing new is stored). A form post is sent on (303) to `next` (a page of "
            "one of the source's allowed origins) or the source's thank-you page, when there is one. Limited "
            "per key and per client address (`DJANGO_THROTTLE_INTAKE`). Cross-origin calls only from the "
            "source's allowed origins."
        ),
        auth=[],
        parameters=[
            OpenApiParameter("X-Intake-Key", OpenApiTypes.STR, OpenApiParameter.HEADER, required=False,
                             description="The intake source's key (ik_…)."),
            OpenApiParameter("Idempotency-Key", OpenApiTypes.STR, OpenApiParameter.HEADER, required=False,
                             description="Any string of up to 100 printable characters, unique per post: a retried "
                                         "post with the same key is answered as received and stores nothing new."),
        ],
        request={
            "application/json": IntakeInputSerializer,
            "application/x-www-form-urlencoded": IntakeFormInputSerializer,
        },
        examples=[
            OpenApiExample(
                "An enquiry", request_only=True, media_type="application/json",
                value={"customer_name": "Ayesha Siddiqui", "contact_number": "0300 1234567", "area": "Gulberg",
                       "remarks": "Umrah in March, family of four.", "messaging_consent": True,
                       "utm_source": "facebook", "utm_campaign": "umrah-march"},
            )
        ],
        responses={
            201: IntakeReceivedSerializer,
            303: OpenApiResponse(description="A form post received: on to `next` or the source's thank-you page."),
            **error_responses(
                400, 401, 403, 413, 429,
                e401="No key, or a wrong or revoked one.",
                e403="Posted from a page whose origin the source does not allow.",
                e413=E413,
            ),
        },
        tags=TAGS,
    )
    def post(self, request):
        source = intake_source_for_key(self.presented_key(request))
        if source is None:
            raise AuthenticationFailed("Invalid or revoked intake key.")
        if not origin_allowed(source, request):
            raise PermissionDenied("This intake source does not take posts from this origin.")
        is_form = _is_form(request)
        serializer_class = IntakeFormInputSerializer if is_form else IntakeInputSerializer
        body = request.data if isinstance(request.data, Mapping) else {}
        honeypot = body.get("website")
        if not (isinstance(honeypot, str) and honeypot.strip()):
            serializer = serializer_class(data=request.data)
            serializer.is_valid(raise_exception=True)
            data = {name: value for name, value in serializer.validated_data.items()
                    if name not in ("website", "intake_key", "next")}
            enquiry = Enquiry(**data)
        else:
            enquiry = None  # stored as spam, never processed
            logger.info("Intake source %s: honeypot filled, not processed.", source.pk,
                        extra={"event": "intake.honeypot", "source_id": source.pk})
        intake_accept(source=source, enquiry=enquiry, client_address=_client_address(request),
                      idempotency_key=self.idempotency_key(request))
        target = self._redirect_target(source, request) if is_form else ""
        if target:
            return HttpResponseRedirect(target, status=status.HTTP_303_SEE_OTHER)
        return Response({"received": True}, status=status.HTTP_201_CREATED)

    @staticmethod
    def _redirect_target(source, request) -> str:
        """`next` when it is a page of one of the source's allowed origins (never an open redirect), else the
        source's thank-you page, else nothing."""
        wanted = request.data.get("next")
        if isinstance(wanted, str) and wanted:
            try:
                parts = urlsplit(wanted)
            except ValueError:
                parts = None
            if parts is not None and parts.scheme in ("http", "https") and (
                f"{parts.scheme}://{parts.netloc}".lower() in source.allowed_origins
            ):
                return wanted
        return source.redirect_url


class MetaWebhookView(GenericAPIView):
    """GET, POST /api/leads/intake/meta/: Meta Lead Ads' subscription check and `leadgen` changes."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes: list = []
    serializer_class = MetaWebhookSerializer  # the browsable API's form; the view reads the raw body itself
    # The body is read raw (its signature is on the bytes) and decoded by the view; this names the media type.
    parser_classes = [JSONParser]

    def get_authenticate_header(self, request):
        return 'X-Hub-Signature-256 realm="meta"'

    @meta_subscription_check_schema(operation_id="leads_intake_meta_verify", tags=TAGS)
    def get(self, request):
        return meta_subscription_response(request)

    @extend_schema(
        operation_id="leads_intake_meta_webhook",
        summary="Meta Lead Ads changes, signed with X-Hub-Signature-256; each lead is fetched in the background",
        auth=[],
        parameters=[OpenApiParameter("X-Hub-Signature-256", OpenApiTypes.STR, OpenApiParameter.HEADER,
                                     required=True, description="sha256=<HMAC-SHA256 of the raw body, app secret>")],
        request=MetaWebhookSerializer,
        responses={
            200: IntakeReceivedSerializer,
            **error_responses(400, 401, 413, e401="No, a malformed or a wrong signature: nothing is stored.",
                              e413="The body is larger than META_WEBHOOK_MAX_BYTES."),
        },
        tags=TAGS,
    )
    def post(self, request):
        body = read_raw_body(request, limit=settings.META_WEBHOOK_MAX_BYTES)
        if not meta_signature_valid(
            body=body, header=request.headers.get("x-hub-signature-256"), app_secret=settings.META_APP_SECRET
        ):
            raise AuthenticationFailed("Missing or wrong X-Hub-Signature-256.")
        try:
            payload = json.loads(body)
        except ValueError:
            raise ParseError("The body is not JSON.") from None
        values = []
        entries = payload.get("entry") if isinstance(payload, dict) else None
        for entry in entries if isinstance(entries, list) else []:
            changes = entry.get("changes") if isinstance(entry, dict) else None
            for change in changes if isinstance(changes, list) else []:
                if isinstance(change, dict) and change.get("field") == "leadgen" and isinstance(change.get("value"), dict):
                    values.append(change["value"])
        meta_leads_record(values=values)
        return Response({"received": True})
