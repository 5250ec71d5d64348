"""/healthz and /readyz: no sign-in, no data; readiness names what failed."""

from unittest import mock

from django.db import OperationalError
from django.core.cache import cache
from django.test import TestCase, override_settings


# Redis on a port nobody listens on: every connection is refused.
DEAD_REDIS = override_settings(
    CACHES={"default": {"BACKEND": "common.cache.ResilientRedisCache", "LOCATION": "redis://127.0.0.1:1/0"}}
)


class HealthTests(TestCase):
    def setUp(self):
        # Sign-in attempts count against the login throttle: start and leave the counters empty.
        cache.clear()
        self.addCleanup(cache.clear)

    def test_healthz_answers_200_without_sign_in(self):
        response = self.client.get("/healthz")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json(), {"status": "ok"})

    def test_readyz_answers_200_when_database_and_cache_answer(self):
        response = self.client.get("/readyz")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json(), {"status": "ok"})

    @override_settings(ALLOWED_HOSTS=["leads.example.com"], SECURE_SSL_REDIRECT=True)
    def test_probes_skip_host_validation_and_https_redirect(self):
        # A load balancer calls the instance by address over plain HTTP.
        for path in ("/healthz", "/readyz"):
            with self.subTest(path=path):
                self.assertEqual(self.client.get(path, HTTP_HOST="10.0.0.7:8000").status_code, 200)

    def test_readyz_is_503_naming_the_database_when_it_does_not_answer(self):
        with mock.patch("django.db.backends.utils.CursorWrapper.execute", side_effect=OperationalError("gone")):
            with self.assertLogs("common.health", "WARNING"):
                response = self.client.get("/readyz")
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response.json(), {"status": "unavailable", "failed": ["database"]})

    @DEAD_REDIS
    def test_readyz_is_503_naming_the_cache_when_redis_is_down(self):
        with self.assertLogs("common.health", "WARNING"):
            response = self.client.get("/readyz")
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response.json(), {"status": "unavailable", "failed": ["cache"]})

    @DEAD_REDIS
    def test_api_keeps_serving_while_redis_is_down(self):
        # Sign-in, the schema and an authenticated call all go through the cache (throttles).
        with self.assertLogs("common.cache", "ERROR"):
            self.assertEqual(self.client.get("/api/schema/").status_code, 200)
            response = self.client.post(
                "/api/auth/token/", {"username": "nobody", "password": "wrong"}, content_type="application/json"
            )
        self.assertEqual(response.status_code, 401)  # wrong password: the ordinary answer, not a 500
