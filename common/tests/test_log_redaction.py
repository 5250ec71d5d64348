"""No personal data in the logs: passports, CNICs and phone numbers never reach a log line.

The filter (common/log_redaction.py) scrubs messages, arguments, exceptions and requests; the write
and error paths, run with the project's real logging setup, leave none in text or JSON logs; passport
shapes beyond the Pakistani one and what PostgreSQL quotes in an error are scrubbed too, while
references and paths survive.
"""

import io
import json
import logging

from django.test import SimpleTestCase, TestCase
from django.utils import timezone
from rest_framework.test import APIClient

from common.log_redaction import RedactPersonalDataFilter, redact
from leads import services
from organizations.tests.factories import BranchFactory, UserFactory, branch_user

PASSPORT = "AB1234567"
CNIC = "35202-1234567-1"
PHONE = "+923001234567"
SECRETS = (PASSPORT, CNIC, "3520212345671", PHONE, "03001234567", "0300 1234567", "ab1234567")


def console_handler() -> logging.Handler:
    # The handler LOGGING configures (test runners may add their own capture handlers beside it).
    (handler,) = [
        h for h in logging.getLogger("leads").handlers
        if any(isinstance(f, RedactPersonalDataFilter) for f in h.filters)
    ]
    return handler


class CapturedConsole:
    """Point the project's real console handler (its formatter and filters) at a buffer."""

    def __enter__(self):
        self.handler = console_handler()
        self.buffer = io.StringIO()
        self.previous = self.handler.setStream(self.buffer)
        return self.buffer

    def __exit__(self, *exc):
        self.handler.setStream(self.previous)


class RedactionFilterTests(TestCase):
    def record(self, msg, *args, **attrs):
        record = logging.LogRecord("leads.test", logging.WARNING, __file__, 1, msg, args, None)
        for name, value in attrs.items():
            setattr(record, name, value)
        RedactPersonalDataFilter().filter(record)
        return record

    def test_message_and_arguments_are_scrubbed(self):
        record = self.record("lead %s passport=%s cnic=%s phone=%s", 42, PASSPORT, CNIC, "0300 1234567")
        self.assertEqual(record.getMessage(), "lead 42 passport=[redacted] cnic=[redacted] phone=[redacted]")

    def test_ids_dates_and_amounts_survive(self):
        text = "lead 42 branch 7 due 2026-11-27 08:10:00 amount 150000.00 page_size=100"
        self.assertEqual(redact(text), text)

    def test_phone_spellings_are_scrubbed(self):
        for phone in ("+923001234567", "03001234567", "0300 1234567", "0300-1234567", "+92 300 1234567"):
            with self.subTest(phone=phone):
                self.assertEqual(redact(f"call {phone} now"), "call [redacted] now")

    def test_exception_text_is_scrubbed(self):
        try:
            raise ValueError(f"duplicate key (organization_id, passport_number)=(1, {PASSPORT})")
        except ValueError:
            record = logging.LogRecord("leads", logging.ERROR, __file__, 1, "failed", (), __import__("sys").exc_info())
        RedactPersonalDataFilter().filter(record)
        self.assertIsNone(record.exc_info)
        self.assertIn("ValueError", record.exc_text)
        self.assertNotIn(PASSPORT, record.exc_text)

    def test_request_is_reduced_to_method_and_path(self):
        request = self.client.get("/").wsgi_request
        request.path = "/api/leads/search/"
        request.method = "GET"
        record = self.record("Bad Request: %s?passport=%s", "/api/leads/search/", PASSPORT, request=request)
        self.assertEqual(record.request, "GET /api/leads/search/")
        self.assertEqual(record.getMessage(), "Bad Request: /api/leads/search/?[query]")


class WritePathLogTests(TestCase):
    """Run the write paths and the error paths with the real logging setup; grep what was written."""

    def setUp(self):
        self.branch = BranchFactory()
        self.user = branch_user(self.branch, user=UserFactory(username="logs_user"))

    def exercise(self):
        lead = services.lead_create(
            branch=self.branch, customer_name="Ali", contact_number="0300 1234567", passport_number="ab 1234567",
            cnic="3520212345671", actor=self.user,
        )
        services.lead_update(lead=lead, actor=self.user, remarks="called back")
        services.followup_record(lead=lead, remarks="spoke", actor=self.user)
        services.loan_commitment_create(lead=lead, amount=1000, promised_clear_date=timezone.localdate(), actor=self.user)
        logging.getLogger("leads.test").warning("lookup by %s / %s / %s", PASSPORT, CNIC, PHONE)
        logging.getLogger("django.request").warning(
            "Bad Request: %s", f"/api/leads/search/?passport={PASSPORT}", extra={"status_code": 400}
        )
        client = APIClient()
        # Unauthenticated and malformed requests whose query strings and bodies carry identity values.
        client.get(f"/api/leads/search/?passport={PASSPORT}&contact={PHONE}")
        client.post("/api/auth/token/", {"username": PASSPORT, "password": CNIC}, format="json")
        client.post("/api/auth/token/", {"username": PHONE}, format="json")
        client.force_authenticate(self.user)
        client.get(f"/api/leads/detail/999999/?cnic={CNIC}")
        client.post("/api/leads/create/", {"passport_number": PASSPORT, "cnic": CNIC, "contact_number": "x"}, format="json")

    def assert_clean(self, output: str):
        self.assertIn("Unauthorized", output)  # the run did log; the check below is not vacuous
        self.assertIn("[redacted]", output)
        for value in SECRETS:
            self.assertNotIn(value, output)

    def test_text_logs_carry_no_identity_values(self):
        with CapturedConsole() as buffer:
            self.exercise()
        self.assert_clean(buffer.getvalue())

    def test_json_logs_carry_no_identity_values(self):
        from pythonjsonlogger.json import JsonFormatter

        handler = console_handler()
        previous = handler.formatter
        handler.setFormatter(JsonFormatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
        try:
            with CapturedConsole() as buffer:
                self.exercise()
        finally:
            handler.setFormatter(previous)
        output = buffer.getvalue()
        self.assert_clean(output)
        lines = [json.loads(line) for line in output.splitlines() if line.strip()]
        request_lines = [line for line in lines if line.get("request")]
        self.assertTrue(request_lines)
        self.assertTrue(all("?" not in line["request"] for line in request_lines))


class PassportShapesTests(SimpleTestCase):
    def test_passport_shapes_are_redacted(self):
        for passport in ("123456789", "ABC1234567", "abc 1234567", "C01X00T47", "X1234567A", "ab1234567"):
            with self.subTest(passport=passport):
                self.assertEqual(redact(f"passport {passport} refused"), "passport [redacted] refused")

    def test_references_paths_and_ids_survive(self):
        for text in (
            "Linked lead 20 to booking 7 (BK-VLDTH45P8L).",
            "uuid 3f2a9c1b-1234-5678-9abc-def012345678",
            "at leads/services/loans.py:123 in loan_commitment_update",
            "lead 42 branch 7 due 2026-11-27 08:10:00 amount 150000.00 page_size=100",
            "drf-spectacular-sidecar 2026.10.1 on python3.11",
        ):
            with self.subTest(text=text):
                self.assertEqual(redact(text), text)


class DatabaseErrorDetailsTests(SimpleTestCase):
    """What PostgreSQL quotes in an error (psycopg puts it in the exception's message) never reaches a log."""

    MESSAGE = (
        "unsupported Unicode escape sequence\n"
        "DETAIL:  \\u0000 cannot be converted to text.\n"
        'CONTEXT:  JSON data, line 1: [[2, {"customer_name": "Ayesha Khan\\u0000", "contact_number": "030012\n'
        "unnamed portal parameter $1 = '...'"
    )

    def log_of(self, log):
        import io
        import logging

        from common.log_redaction import RedactPersonalDataFilter

        stream = io.StringIO()
        handler = logging.StreamHandler(stream)
        handler.addFilter(RedactPersonalDataFilter())
        logger = logging.getLogger("leads.tests.redaction")
        logger.addHandler(handler)
        logger.propagate = False
        try:
            log(logger)
        finally:
            logger.removeHandler(handler)
        return stream.getvalue()

    def test_an_exception_chain_with_a_psycopg_context_is_scrubbed(self):
        import psycopg
        from django.db import DataError

        def log(logger):
            try:
                try:
                    raise psycopg.errors.UntranslatableCharacter(self.MESSAGE)
                except psycopg.Error as exc:
                    raise DataError(*exc.args) from exc  # as Django's error wrapper does
            except DataError:
                logger.exception("Import %s failed", 7)

        text = self.log_of(log)
        self.assertIn("Import 7 failed", text)
        self.assertIn("unsupported Unicode escape sequence", text)  # the error itself stays readable
        self.assertIn("CONTEXT:  [redacted]", text)
        self.assertIn("The above exception was the direct cause", text)
        for secret in ("Ayesha", "030012", "portal parameter"):
            self.assertNotIn(secret, text)

    def test_a_message_quoting_an_error_is_scrubbed(self):
        text = self.log_of(lambda logger: logger.error("write failed: %s", self.MESSAGE))
        self.assertNotIn("Ayesha", text)
        self.assertIn("write failed: unsupported Unicode escape sequence", text)

    def test_a_key_detail_and_a_statement_excerpt_are_scrubbed(self):
        message = (
            'duplicate key value violates unique constraint "lead_passport_org_uniq"\n'
            "DETAIL:  Key (organization_id, passport_number)=(1, AB1234567) already exists.\n"
            "LINE 1: ...INSERT INTO leads_lead VALUES ('Bilal Ahmed', '+9230\n"
            "                                           ^"
        )
        text = self.log_of(lambda logger: logger.error("%s", message))
        self.assertIn('duplicate key value violates unique constraint "lead_passport_org_uniq"', text)
        for secret in ("AB1234567", "Bilal", "+9230", "organization_id"):
            self.assertNotIn(secret, text)

    def test_ordinary_lines_survive(self):
        from common.log_redaction import redact_database_details

        text = "Import 7 failed\nTraceback (most recent call last):\n  File \"x.py\", line 3, in run\nValueError: bad"
        self.assertEqual(redact_database_details(text), text)
