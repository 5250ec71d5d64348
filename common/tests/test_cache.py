"""The resilient cache: a dead or hung Redis is a miss, never an error; the outage is logged once."""

import socket
import uuid
from unittest import mock

from django.test import SimpleTestCase

from common.cache import ResilientRedisCache


def make_cache(location, **options):
    return ResilientRedisCache(location, {"OPTIONS": {"RETRY_AFTER": 60, **options}, "KEY_PREFIX": uuid.uuid4().hex})


class DeadRedisTests(SimpleTestCase):
    def setUp(self):
        # A port nobody listens on: every connection is refused.
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        self.port = probe.getsockname()[1]
        probe.close()
        self.cache = make_cache(f"redis://127.0.0.1:{self.port}/0")

    def test_reads_miss_and_writes_are_dropped(self):
        with self.assertLogs("common.cache", "ERROR"):
            self.assertIsNone(self.cache.get("k"))
        self.assertEqual(self.cache.get("k", "fallback"), "fallback")
        self.assertIsNone(self.cache.set("k", 1))
        self.assertFalse(self.cache.add("k", 1))
        self.assertEqual(self.cache.get_many(["a", "b"]), {})
        self.assertFalse(self.cache.has_key("k"))
        self.assertEqual(self.cache.get_or_set("k", 5), 5)
        with self.assertRaises(ValueError):  # a counter that cannot be read is a missing key
            self.cache.incr("k")

    def test_outage_is_logged_once_and_not_retried_within_the_back_off(self):
        with self.assertLogs("common.cache", "ERROR") as logs:
            self.cache.get("k")
        self.assertEqual(len(logs.records), 1)
        with mock.patch("django.core.cache.backends.redis.RedisCacheClient.get") as client_get:
            with self.assertNoLogs("common.cache", "ERROR"):
                for _ in range(5):
                    self.assertIsNone(self.cache.get("k"))
        client_get.assert_not_called()

    def test_ping_raises_for_the_readiness_probe(self):
        with self.assertRaises(Exception):
            self.cache.ping()


class HungRedisTests(SimpleTestCase):
    """A Redis that accepts connections but never answers: the short socket timeout turns it into a miss."""

    def setUp(self):
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(8)  # never accepted, never answered
        self.addCleanup(self.server.close)
        port = self.server.getsockname()[1]
        self.cache = make_cache(f"redis://127.0.0.1:{port}/0", socket_timeout=0.1, socket_connect_timeout=0.1)

    def test_hung_server_is_a_miss(self):
        with self.assertLogs("common.cache", "ERROR"):
            self.assertEqual(self.cache.get("k", "fallback"), "fallback")


class LiveRedisTests(SimpleTestCase):
    """Against the local Redis (skipped when none runs): the backend is an ordinary cache."""

    def setUp(self):
        self.cache = make_cache("redis://127.0.0.1:6379/12")
        try:
            self.cache.ping()
        except Exception:
            self.skipTest("no Redis on 127.0.0.1:6379")
        self.addCleanup(self.cache.delete_many, ["k", "n"])

    def test_round_trip(self):
        self.cache.set("k", {"a": 1}, 30)
        self.assertEqual(self.cache.get("k"), {"a": 1})
        self.cache.set("n", 1, 30)
        self.assertEqual(self.cache.incr("n"), 2)

    def test_one_redis_client_serves_every_call(self):
        first = self.cache._cache.get_client(write=True)
        self.cache.set("k", 1, 30)
        self.cache.get_many(["k", "n"])
        self.assertIs(self.cache._cache.get_client(), first)
        self.assertIs(self.cache._cache.get_client("k", write=True).connection_pool, first.connection_pool)
