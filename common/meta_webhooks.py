"""Meta's webhooks, the part every app that receives them shares (Lead Ads in `intake`, WhatsApp in
`messaging`): one Meta app, one app secret and one verify token (`META_APP_SECRET`, `META_VERIFY_TOKEN`).

- `meta_signature_valid`: `X-Hub-Signature-256: sha256=<hex>`, HMAC-SHA256 of the raw body keyed with the
  app secret, compared in constant time; a missing secret verifies nothing.
- `meta_subscription_challenge`: Meta's subscription check (`hub.mode=subscribe`, `hub.verify_token`), the
  `hub.challenge` to echo, or PermissionDenied (403).
"""

import hashlib
import hmac
import re

from django.conf import settings
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import PermissionDenied

from common.api.schema import error_responses

_HEX64 = re.compile(r"[0-9a-f]{64}")
MAX_CHALLENGE_CHARS = 200


def meta_signature_valid(*, body: bytes, header: str | None, app_secret: str) -> bool:
    """True when `header` is `sha256=<hex>` of `body` under `app_secret`."""
    if not app_secret or not isinstance(header, str) or not header.startswith("sha256="):
        return False
    given = header[len("sha256="):].strip().lower()
    if not _HEX64.fullmatch(given):
        return False
    expected = hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, given)


def meta_signature(*, body: bytes, app_secret: str) -> str:
    """The header Meta would send for `body` (tests, benchmarks)."""
    return "sha256=" + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()


def meta_subscription_challenge(query_params) -> str:
    """The `hub.challenge` of a valid subscription check (`hub.mode=subscribe` and `hub.verify_token` equal to
    `META_VERIFY_TOKEN`, compared in constant time); anything else, or no token configured: PermissionDenied."""
    token = settings.META_VERIFY_TOKEN
    given = query_params.get("hub.verify_token", "")
    challenge = query_params.get("hub.challenge", "")
    if (
        query_params.get("hub.mode") != "subscribe" or not token or not challenge
        or len(challenge) > MAX_CHALLENGE_CHARS or not hmac.compare_digest(given.encode(), token.encode())
    ):
        raise PermissionDenied("Not a valid subscription check.")
    return challenge


def meta_subscription_response(request) -> HttpResponse:
    """The answer to Meta's subscription check: the challenge as plain text, or a 403."""
    return HttpResponse(meta_subscription_challenge(request.query_params), content_type="text/plain; charset=utf-8")


def meta_subscription_check_schema(*, operation_id: str, tags: list[str]):
    """The OpenAPI description of a `GET` answering Meta's subscription check (`meta_subscription_response`)."""
    return extend_schema(
        operation_id=operation_id,
        summary="Meta's subscription check: echoes hub.challenge when hub.verify_token is META_VERIFY_TOKEN",
        auth=[],
        parameters=[
            OpenApiParameter("hub.mode", OpenApiTypes.STR, enum=["subscribe"], required=True),
            OpenApiParameter("hub.verify_token", OpenApiTypes.STR, required=True),
            OpenApiParameter("hub.challenge", OpenApiTypes.STR, required=True),
        ],
        responses={
            (200, "text/plain"): OpenApiResponse(OpenApiTypes.STR, description="`hub.challenge`, as sent."),
            **error_responses(403, e403="Not a subscription, or a wrong verify token."),
        },
        tags=tags,
    )
