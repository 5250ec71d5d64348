"""Passport shapes beyond the Pakistani one are scrubbed from logs; references and paths survive."""

from django.test import SimpleTestCase

from common.log_redaction import redact


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
