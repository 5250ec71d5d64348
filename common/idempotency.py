"""`Idempotency-Key` for POSTs that create: a retry returns the first answer and creates nothing.

A client whose connection dropped after the server committed cannot tell whether its request
worked. With `Idempotency-Key: <unique string>` on the request, a retry with the same key (same
user, within 24 hours) answers the first response again (status and body, plus the header
`Idempotent-Replayed: true`) and writes nothing. The key is claimed by inserting a row (unique per
user and key) in the same transaction as the write, so two concurrent retries cannot both create:
the second waits for the first's transaction and then replays it. A key reused with a different
body or on another operation is a 422; a retry arriving while the first request is still being
answered is a 409 (retry in a moment). A request that fails (a 400, a 409) claims nothing: its
transaction rolls back with the key, so the corrected retry may use the same key.

Libraries looked at (django-idempotency-key, drf-idempotency, drf-idem): they record the key
in middleware or a cache around the view, outside the write's transaction, so a crash or a race
between the write and the record can still double-create; the claim here is the database's.
"""

import hashlib
import json
from datetime import timedelta

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils import timezone
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse
from rest_framework import exceptions, status
from rest_framework.response import Response

from common.api.schema import ErrorDetailSerializer
from common.models import IdempotencyKey

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
KEEP_FOR = timedelta(hours=24)
MAX_KEY_LENGTH = 255


IN_PROGRESS = 0  # claimed, the answer not stored yet


class InProgress(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "A request with this Idempotency-Key is still being processed; retry in a moment."
    default_code = "idempotency_key_in_progress"


class KeyReused(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = (
        "This Idempotency-Key was already used with a different request body or on another operation; "
        "use a new key for a new request."
    )
    default_code = "idempotency_key_reused"


def _fingerprint(request, operation: str) -> str:
    body = json.dumps(request.data, sort_keys=True, separators=(",", ":"), cls=DjangoJSONEncoder, default=str)
    return hashlib.sha256(f"{operation}\n{body}".encode()).hexdigest()


def _key(request) -> str | None:
    key = request.headers.get(HEADER)
    if key is None:
        return None
    if not (1 <= len(key) <= MAX_KEY_LENGTH) or not key.isascii() or not key.isprintable():
        raise exceptions.ValidationError(
            {HEADER: [f"Use 1 to {MAX_KEY_LENGTH} printable ASCII characters, e.g. a UUID."]}
        )
    return key


def _replay(claim: IdempotencyKey, fingerprint: str) -> Response:
    if claim.fingerprint != fingerprint:
        raise KeyReused()
    if claim.response_status == IN_PROGRESS:
        raise InProgress()
    response = Response(claim.response_body, status=claim.response_status)
    response[REPLAYED_HEADER] = "true"
    return response


def idempotent_create(request, *, operation: str, write, respond) -> Response:
    """`write()` at most once per Idempotency-Key; `respond(created)` builds the answer.

    `write()` runs in one transaction either way (it may re-read what it wrote there). Without the
    header the answer is `respond(created)`. With it, the key is claimed in the transaction
    of `write()`; the answer is built after the commit (on-commit work such as the booking's lead
    has run by then) and stored for replays.
    """
    key = _key(request)
    if key is None:
        with transaction.atomic():
            created = write()
        return respond(created)
    user, fingerprint = request.user, _fingerprint(request, operation)
    fresh_since = timezone.now() - KEEP_FOR
    claim = IdempotencyKey.objects.filter(user=user, key=key, created_at__gte=fresh_since).first()
    if claim is not None:
        return _replay(claim, fingerprint)
    try:
        with transaction.atomic():
            # An expired claim of the same key frees it; the user's other expired claims go with it.
            IdempotencyKey.objects.filter(user=user, created_at__lt=fresh_since).delete()
            claim = IdempotencyKey.objects.create(
                user=user, key=key, fingerprint=fingerprint, response_status=IN_PROGRESS, response_body={}
            )
            # A refused request (a 400 or 409 raised here) rolls back with its claim: the
            # corrected retry may reuse the key.
            created = write()
    except IntegrityError:
        # A concurrent request with the same key committed first (this one waited for it).
        claim = IdempotencyKey.objects.filter(user=user, key=key).first()
        if claim is None:
            raise
        return _replay(claim, fingerprint)
    response = respond(created)
    IdempotencyKey.objects.filter(pk=claim.pk).update(
        response_status=response.status_code, response_body=response.data
    )
    return response


def idempotency_parameter(example: str) -> OpenApiParameter:
    """The `Idempotency-Key` header, with an example key of its own per operation.

    A key is the caller's for one write: the same key on another operation is a 422, so operations
    must not share an example (a client or fuzzer copying it would be refused on the second).
    """
    return OpenApiParameter(
        HEADER,
        # What `_key` accepts: printable ASCII with at least one visible character (servers strip the spaces around it).
        {"type": "string", "minLength": 1, "maxLength": MAX_KEY_LENGTH, "pattern": r"^[ -~]*[!-~][ -~]*$"},
        location=OpenApiParameter.HEADER,
        required=False,
        description=(
            "A unique string per intended write (e.g. a UUID), 1-255 printable ASCII characters. A retry with "
            "the same key within 24 hours answers the first response again (with `Idempotent-Replayed: true`) "
            "and creates nothing; the same key with a different body or on another operation is a 422."
        ),
        examples=[OpenApiExample("A UUID", value=example)],
    )


IDEMPOTENCY_ERRORS = {
    409: OpenApiResponse(
        response=ErrorDetailSerializer,
        description="A request with the same Idempotency-Key is still being processed; retry in a moment.",
    ),
    422: OpenApiResponse(
        response=ErrorDetailSerializer,
        description="The Idempotency-Key was already used with a different body or on another operation.",
    )
}
