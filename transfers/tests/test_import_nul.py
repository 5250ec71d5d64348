"""A NUL byte in a cell fails its row naming the field, never the whole import (PostgreSQL refuses
NUL in text and in the JSON an import's chunks are kept as), and what PostgreSQL quotes in an error
never reaches the log. Run on SQLite and on PostgreSQL (DATABASE_URL)."""

import io
import logging
from unittest import skipUnless

from django.db import DatabaseError, connection, transaction

from common.log_redaction import RedactPersonalDataFilter
from leads.models import Lead
from transfers.files import NUL_MESSAGE
from transfers.tests.test_imports import ImportAPITestCase, csv_file


class NulByteTests(ImportAPITestCase):
    def test_a_nul_in_a_cell_is_a_row_error_on_its_field(self):
        report = self.run_import(
            csv_file(
                "Ayesha\x00Khan,0300 1112223,,,Gulberg,,,",  # 2
                "Bilal Ahmed,0300 1112224,,,Model\x00Town,,,call\x00back",  # 3
                "Good Row,0300 1112225,,,,,,",  # 4
            )
        )
        self.assertEqual(report["status"], "done", report.get("failure"))
        self.assertEqual((report["created"], report["failed"]), (1, 2))
        self.assertEqual(
            sorted((e["row"], e["field"], e["message"]) for e in report["errors"]),
            [
                (2, "customer_name", NUL_MESSAGE),
                (3, "area", NUL_MESSAGE),
                (3, "followup_remarks", NUL_MESSAGE),
            ],
        )
        self.assertFalse(Lead.objects.filter(contact_number__in=["+923001112223", "+923001112224"]).exists())
        self.assertTrue(Lead.objects.filter(customer_name="Good Row").exists())


@skipUnless(connection.vendor == "postgresql", "PostgreSQL's own error context")
class PostgresErrorContextTests(ImportAPITestCase):
    def test_a_real_error_context_with_a_name_and_a_phone_is_scrubbed(self):
        stream = io.StringIO()
        handler = logging.StreamHandler(stream)
        handler.addFilter(RedactPersonalDataFilter())
        logger = logging.getLogger("leads.tests.pg_context")
        logger.addHandler(handler)
        logger.propagate = False
        try:
            with transaction.atomic():
                try:
                    with connection.cursor() as cursor:
                        cursor.execute(
                            "SELECT %s::jsonb", ['[[2, {"customer_name": "Zainab Akhtar\\u0000", "contact_number": "0300123"}]]']
                        )
                except DatabaseError:
                    logger.exception("Import %s failed", 3)
                    transaction.set_rollback(True)
        finally:
            logger.removeHandler(handler)
        text = stream.getvalue()
        self.assertIn("CONTEXT:", text)  # the error did carry PostgreSQL's context
        self.assertIn("unsupported Unicode escape sequence", text)
        for secret in ("Zainab", "Akhtar", "0300123"):
            self.assertNotIn(secret, text)
