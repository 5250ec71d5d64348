"""The benchmark only ever works on a database it created or marked; and it reads wrk's report right."""

import sqlite3
import tempfile
from pathlib import Path

from django.test import SimpleTestCase

from benchmarks.database import MARKER_TABLE, PROTECTED_SQLITE_FILES, NotABenchmarkDatabase, claim
from benchmarks.http import parse_wrk


class ClaimTests(SimpleTestCase):
    def setUp(self):
        self.folder = tempfile.TemporaryDirectory()
        self.addCleanup(self.folder.cleanup)
        self.path = Path(self.folder.name) / "bench.sqlite3"

    def tables(self) -> set:
        with sqlite3.connect(self.path) as conn:
            return {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}

    def test_a_new_file_is_created_and_marked(self):
        self.assertTrue(claim(f"sqlite:///{self.path}"))
        self.assertIn(MARKER_TABLE, self.tables())

    def test_a_marked_database_is_reused(self):
        claim(f"sqlite:///{self.path}")
        with sqlite3.connect(self.path) as conn:
            conn.execute("CREATE TABLE leads_lead (id INTEGER PRIMARY KEY)")
        self.assertFalse(claim(f"sqlite:///{self.path}"))

    def test_a_database_with_tables_and_no_marker_is_refused_and_left_alone(self):
        with sqlite3.connect(self.path) as conn:
            conn.execute("CREATE TABLE leads_lead (id INTEGER PRIMARY KEY)")
            conn.execute("INSERT INTO leads_lead (id) VALUES (1)")
        with self.assertRaises(NotABenchmarkDatabase):
            claim(f"sqlite:///{self.path}")
        self.assertEqual(self.tables(), {"leads_lead"})

    def test_the_projects_own_database_is_refused(self):
        with self.assertRaises(NotABenchmarkDatabase):
            claim(f"sqlite:///{PROTECTED_SQLITE_FILES[0]}")

    def test_other_engines_are_refused(self):
        with self.assertRaises(NotABenchmarkDatabase):
            claim("mysql://user@127.0.0.1:3306/leads")


WRK_OUTPUT = """Running 30s test @ http://127.0.0.1:8020
  2 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    25.10ms    5.20ms  80.00ms   70.00%
    Req/Sec   640.00     50.00   800.00     75.00%
  Latency Distribution
     50%   24.50ms
     75%   28.00ms
     90%   32.00ms
     99%    1.20s
  38400 requests in 30.00s, 40.00MB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 4
Requests/sec:   1280.00
Transfer/sec:      1.33MB
"""


class ParseWrkTests(SimpleTestCase):
    def test_reads_throughput_latency_and_every_kind_of_error(self):
        figures = parse_wrk(WRK_OUTPUT)
        self.assertEqual(figures["requests"], 38400)
        self.assertEqual(figures["requests_per_second"], 1280.0)
        self.assertEqual(figures["latency_p50_ms"], 24.5)
        self.assertEqual(figures["latency_p99_ms"], 1200.0)
        self.assertEqual(figures["socket_errors"], 3)
        self.assertEqual(figures["non_2xx"], 4)

    def test_a_clean_run_has_no_errors(self):
        clean = WRK_OUTPUT.replace("  Socket errors: connect 0, read 2, write 0, timeout 1\n", "").replace(
            "  Non-2xx or 3xx responses: 4\n", ""
        )
        figures = parse_wrk(clean)
        self.assertEqual((figures["socket_errors"], figures["non_2xx"]), (0, 0))
