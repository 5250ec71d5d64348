"""SQLite, the default database, under concurrent writers: no "database is locked".

Eight threads, each with its own connection to one SQLite file configured as the settings
configure it, run transactions that read and then write (what every service does: lock-then-check
reads the row, then saves). Without immediate transactions two of them upgrading a read to a write
at once fail at once with "database is locked" (the busy timeout does not apply to that case).
"""

import tempfile
import threading
from functools import partial
from pathlib import Path

from django.conf import settings
from django.db.backends.sqlite3.base import DatabaseWrapper
from django.test import SimpleTestCase

from common.testing.concurrency import errors, run_together
from config.settings import SQLITE_OPTIONS

WRITERS = 8
TRANSACTIONS_PER_WRITER = 25


def sqlite_connection(path: Path, options: dict) -> DatabaseWrapper:
    settings_dict = {
        **settings.DATABASES["default"],
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(path),
        "OPTIONS": options,
        "TEST": {},
        "ATOMIC_REQUESTS": False,
        "AUTOCOMMIT": True,
        "CONN_MAX_AGE": 0,
        "CONN_HEALTH_CHECKS": False,
        "TIME_ZONE": None,
    }
    return DatabaseWrapper(settings_dict, alias=f"sqlite-{threading.get_ident()}")


def run_writers(path: Path, options: dict) -> list[BaseException]:
    """WRITERS threads, each on its own connection, run their transactions at once; the exceptions raised."""

    def writer(number: int):
        connection = sqlite_connection(path, options)
        try:
            for step in range(TRANSACTIONS_PER_WRITER):
                connection.ensure_connection()
                with _atomic(connection):
                    with connection.cursor() as cursor:
                        cursor.execute("SELECT COALESCE(MAX(n), 0) FROM counter")
                        (latest,) = cursor.fetchone()
                        cursor.execute("INSERT INTO counter (n, writer) VALUES (%s, %s)", [latest + 1, number])
        finally:
            connection.close()

    return errors(run_together(*(partial(writer, n) for n in range(WRITERS)), timeout=120))


class _atomic:
    """BEGIN … COMMIT on one raw wrapper, as Django's atomic() does for the default connection."""

    def __init__(self, connection):
        self.connection = connection

    def __enter__(self):
        # What atomic() does on SQLite: BEGIN <transaction_mode> (IMMEDIATE with the settings).
        self.connection.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            self.connection.commit()
        else:
            self.connection.rollback()
        self.connection.set_autocommit(True)


class SQLiteConcurrentWritersTests(SimpleTestCase):
    databases = {"default"}  # lets the test open connections of its own (to its own file)

    def setUp(self):
        directory = tempfile.TemporaryDirectory()
        self.addCleanup(directory.cleanup)
        self.path = Path(directory.name) / "concurrency.sqlite3"
        setup = sqlite_connection(self.path, SQLITE_OPTIONS)
        with setup.cursor() as cursor:
            cursor.execute("CREATE TABLE counter (n INTEGER NOT NULL UNIQUE, writer INTEGER NOT NULL)")
        setup.close()

    def test_settings_use_wal_and_immediate_transactions(self):
        connection = sqlite_connection(self.path, SQLITE_OPTIONS)
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            self.assertEqual(cursor.fetchone()[0], "wal")
        connection.close()
        self.assertEqual(SQLITE_OPTIONS["transaction_mode"], "IMMEDIATE")

    def test_eight_concurrent_read_then_write_transactions_all_commit(self):
        errors = run_writers(self.path, SQLITE_OPTIONS)
        self.assertEqual(errors, [])
        check = sqlite_connection(self.path, SQLITE_OPTIONS)
        with check.cursor() as cursor:
            cursor.execute("SELECT COUNT(*), MAX(n) FROM counter")
            self.assertEqual(cursor.fetchone(), (WRITERS * TRANSACTIONS_PER_WRITER,) * 2)
        check.close()
