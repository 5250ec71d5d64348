"""The request body parser: JSON with size and nesting limits.

Python's JSON decoder recurses once per nesting level, so 1,000 brackets end in RecursionError
(a 500). The body is checked before it is decoded: larger than `DATA_UPLOAD_MAX_MEMORY_SIZE`,
or nested deeper than `MAX_JSON_DEPTH`, is a 400 (413 for size), never a decoder call.
"""

import re
from itertools import accumulate

from django.conf import settings
from rest_framework import parsers
from rest_framework.exceptions import APIException, ParseError

# No body this API takes nests deeper than 2 levels; 32 leaves room for clients' envelopes.
MAX_JSON_DEPTH = 32

_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKETS = re.compile(rb"[\[\]{}]")
_DEPTH_STEP = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}


class PayloadTooLarge(APIException):
    status_code = 413
    default_detail = "Request body is too large."
    default_code = "payload_too_large"


def read_raw_body(request, *, limit: int) -> bytes:
    """The raw body of a signed webhook, at most `limit` bytes: 413 beyond, judged before reading when the
    request declares its length (the signature is on these bytes, so they are read before any parser)."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        raise PayloadTooLarge()
    stream = request.stream
    body = stream.read(limit + 1) if stream is not None else b""
    if len(body) > limit:
        raise PayloadTooLarge()
    return body


def json_depth(body: bytes) -> int:
    """The deepest nesting of arrays and objects in `body` (brackets inside strings do not count)."""
    brackets = _BRACKETS.findall(_STRING.sub(b"", body))
    if not brackets:
        return 0
    return max(accumulate(_DEPTH_STEP[b[0]] for b in brackets))


class JSONParser(parsers.JSONParser):
    """DRF's JSONParser behind a size limit and a nesting-depth limit (both checked before decoding)."""

    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        body = stream.read(limit + 1) if stream is not None else b""
        if limit is not None and len(body) > limit:
            raise PayloadTooLarge()
        if json_depth(body) > MAX_JSON_DEPTH:
            raise ParseError(f"JSON parse error - nested deeper than {MAX_JSON_DEPTH} levels.")
        return super().parse(_BytesStream(body), media_type, parser_context)


class _BytesStream:
    def __init__(self, body: bytes):
        self._body = body

    def read(self, *args):
        body, self._body = self._body, b""
        return body
