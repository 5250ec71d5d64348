"""The intake's body parsers: JSON (scripts) and form-encoded (an HTML form's post), both read only up to
`INTAKE_MAX_BODY_BYTES` (a larger body is a 413 before anything is decoded). No multipart: no files."""

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.http import QueryDict
from rest_framework import parsers
from rest_framework.exceptions import ParseError

from common.api.parsers import JSONParser, PayloadTooLarge, _BytesStream


def _read_limited(stream) -> bytes:
    limit = settings.INTAKE_MAX_BODY_BYTES
    body = stream.read(limit + 1) if stream is not None else b""
    if len(body) > limit:
        raise PayloadTooLarge()
    return body


class IntakeJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        return super().parse(_BytesStream(_read_limited(stream)), media_type, parser_context)


class IntakeFormParser(parsers.FormParser):
    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            return QueryDict(_read_limited(stream), encoding=encoding)
        except SuspiciousOperation as exc:  # more fields than DATA_UPLOAD_MAX_NUMBER_FIELDS
            raise ParseError("Form parse error - too many fields.") from exc
