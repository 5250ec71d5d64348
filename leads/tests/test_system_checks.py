"""System checks as `make run` meets them (migrate and runserver run the database checks too)."""

from io import StringIO

from django.core.management import call_command
from django.db import connection
from django.test import TestCase


class DatabaseChecksTests(TestCase):
    databases = {"default"}

    def test_the_checks_with_the_database_raise_no_warning_about_covering_indexes(self):
        # The covering indexes (Index(include=...)) serve PostgreSQL; SQLite builds them on their key
        # columns alone, as designed, which Django reports as models.W040 on every migrate.
        out, err = StringIO(), StringIO()
        call_command("check", databases=["default"], stdout=out, stderr=err)
        output = out.getvalue() + err.getvalue()
        self.assertIn("System check identified", output)
        self.assertNotIn("models.W040", output, f"on {connection.vendor}")
