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
