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
# A database error's text beyond its first line quotes the data it choked on: PostgreSQL's DETAIL
# (`Key (passport_number)=(…)`), CONTEXT (`JSON data, line 1: [[2, {"customer_name": …`, a statement's
# parameters), HINT, QUERY, STATEMENT, WHERE and the `LINE n:` excerpt of a statement, each
# possibly followed by more lines. psycopg puts all of them in the exception's message.
_DATABASE_DETAIL = re.compile(r"^(\s*(?:DETAIL|HINT|CONTEXT|QUERY|STATEMENT|WHERE|LINE \d+):)", re.MULTILINE)
# Where a traceback's next part starts: the end of a database detail's continuation lines.
_TRACEBACK_PART = re.compile(r"^(?:Traceback |  File |The above exception|During handling|[\w.]+(?:Error|Exception|Warning|Violation)\b)")
# The fields of a psycopg error's diagnostics that quote data (the primary message does not).
_DIAG_FIELDS = ("message_detail", "message_hint", "context", "internal_query")


def redact(text: str) -> str:
    """`text` with every passport-, CNIC- or phone-shaped value replaced by `[redacted]`."""
    for pattern in _PATTERNS:
        text = pattern.sub(REDACTED, text)
    return text


def redact_database_details(text: str) -> str:
    """`text` with what follows a database error's DETAIL, CONTEXT, HINT… labels (and their
    continuation lines) replaced by `[redacted]`; the error's first line is kept."""
    if not _DATABASE_DETAIL.search(text):
        return text
    lines, inside = [], False
    for line in text.split("\n"):
        label = _DATABASE_DETAIL.match(line)
        if label:
            lines.append(f"{label.group(1)}  {REDACTED}")
            inside = True
            continue
        if inside and line.strip() and not _TRACEBACK_PART.match(line):
            continue  # a continuation of the detail above (more context, a caret under a statement)
        inside = False
        lines.append(line)
    return "\n".join(lines)


def _diagnostics(exc: BaseException | None) -> list[str]:
    """The data-quoting diagnostics of every database error in an exception's chain, longest first."""
    found, seen = [], set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        diag = getattr(exc, "diag", None)
        for name in _DIAG_FIELDS if diag is not None else ():
            value = getattr(diag, name, None)
            if isinstance(value, str) and len(value) >= 3:
                found.append(value)
        exc = exc.__cause__ or exc.__context__
    return sorted(set(found), key=len, reverse=True)


def _scrub(text: str, diagnostics: list[str]) -> str:
    for value in diagnostics:
        text = text.replace(value, REDACTED)
    return redact(redact_database_details(text))


def _describe_request(request) -> str:
    # Method and path only: the query string and the body may carry identity values.
    method = getattr(request, "method", "")
    path = getattr(request, "path", "")
    return redact(f"{method} {path}".strip()) if (method or path) else "request"


class RedactPersonalDataFilter(logging.Filter):
    """Scrub identity values from a record's message, arguments, exception text and request, and the
    data a database error quotes (its diagnostics, and the lines its message labels DETAIL, CONTEXT…)."""

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record still gets logged, just unformatted
            message = str(record.msg)
        diagnostics = _diagnostics(record.exc_info[1] if record.exc_info else None)
        args = record.args if isinstance(record.args, tuple) else (record.args,) if record.args else ()
        for arg in args:
            if isinstance(arg, BaseException):
                diagnostics += _diagnostics(arg)
        record.msg = _scrub(_QUERY_STRING.sub("?[query]", message), diagnostics)
        record.args = ()
        if record.exc_info:
            record.exc_text = _scrub(self._formatter.formatException(record.exc_info), diagnostics)
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = _scrub(record.exc_text, diagnostics)
        request = getattr(record, "request", None)
        if request is not None and not isinstance(request, str):
            record.request = _describe_request(request)
        return True
