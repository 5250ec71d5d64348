"""Keep personal data out of the logs: passports, CNICs and phone numbers never reach a log line.

Code in this project logs ids, never identity values. This filter, installed on every log
handler in settings, is the safety net for what others log: Django's request logger attaches
the request (whose repr carries the query string, e.g. `?passport=…`), runserver logs the
request line, and an exception's text may quote a value. Each record is rendered once, scrubbed,
and passed on as plain text.
"""

import logging
import re

REDACTED = "[redacted]"

_PATTERNS = (
    # CNIC: 13 digits, with or without the dashes (#####-#######-#).
    re.compile(r"(?<!\d)\d{5}-?\d{7}-?\d(?!\d)"),
    # Phone numbers: a run of 10+ digits, optionally with a leading + and spaces or dashes inside
    # (but not an ISO date followed by a time, "2026-11-27 08:10").
    re.compile(r"(?<![\w])(?!\d{4}-\d{2}-\d{2}\b)\+?\d(?:[\s-]?\d){9,14}(?!\d)"),
    # Passports: one to three letters followed by 6-8 digits (AB1234567, ABC1234567), any letter case.
    re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{1,3}\s?\d{6,8}(?![A-Za-z0-9])"),
    # Passports of nine digits (123456789); not inside a longer token, a path or a reference.
    re.compile(r"(?<![\w\-./])\d{9}(?![\w\-./])"),
    # Alphanumeric passports (C01X00T47, X1234567A): 8-9 letters and digits, at least two digits
    # and one letter, standing alone (booking references like BK-VLDTH45P8L, paths, module names
    # and UUID segments are joined to their neighbours by - . / _ and survive).
    re.compile(
        r"(?<![\w\-./])(?=[A-Za-z0-9]{8,9}(?![\w\-./]))(?=(?:[A-Za-z]*[0-9]){2})(?=[0-9]*[A-Za-z])"
        r"[A-Za-z0-9]{8,9}(?![\w\-./])"
    ),
)
_QUERY_STRING = re.compile(r"\?[^\s'\"]*")


def redact(text: str) -> str:
    """`text` with every passport-, CNIC- or phone-shaped value replaced by `[redacted]`."""
    for pattern in _PATTERNS:
        text = pattern.sub(REDACTED, text)
    return text


def _describe_request(request) -> str:
    # Method and path only: the query string and the body may carry identity values.
    method = getattr(request, "method", "")
    path = getattr(request, "path", "")
    return redact(f"{method} {path}".strip()) if (method or path) else "request"


class RedactPersonalDataFilter(logging.Filter):
    """Scrub identity values from a record's message, arguments, exception text and request."""

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record still gets logged, just unformatted
            message = str(record.msg)
        record.msg = redact(_QUERY_STRING.sub("?[query]", message))
        record.args = ()
        if record.exc_info:
            record.exc_text = redact(self._formatter.formatException(record.exc_info))
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        request = getattr(record, "request", None)
        if request is not None and not isinstance(request, str):
            record.request = _describe_request(request)
        return True
