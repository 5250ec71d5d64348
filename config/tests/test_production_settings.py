"""Production settings, checked the way operations start the service: a fresh process and its environment."""

import os
import secrets
import subprocess
import sys
from pathlib import Path
from unittest import SkipTest

from django.test import SimpleTestCase

BASE_DIR = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "DJANGO_ALLOWED_HOSTS": "leads.example.com",
    "DJANGO_SETTINGS_MODULE": "config.settings",
    "DJANGO_EMAIL_URL": "smtp+tls://mailer:secret@smtp.example.com:587",
    "DJANGO_DEFAULT_FROM_EMAIL": "leads@example.com",
    "CELERY_BROKER_URL": "amqp://guest:guest@127.0.0.1:5672//",  # settings only: nothing connects
}


def run_python(*args: str, **env_changes: str | None) -> subprocess.CompletedProcess:
    env = {**os.environ, **PRODUCTION}
    for name, value in env_changes.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return subprocess.run(
        [sys.executable, *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )


class DeployCheckTests(SimpleTestCase):
    def test_check_deploy_is_clean_with_production_environment(self):
        result = run_python("manage.py", "check", "--deploy", "--fail-level", "WARNING")
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("no issues", result.stdout)

    def test_check_deploy_warns_when_no_email_is_configured(self):
        result = run_python("manage.py", "check", "--deploy", "--fail-level", "WARNING", DJANGO_EMAIL_URL=None)
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("common.W001", result.stderr)

    def test_check_deploy_warns_when_no_broker_is_configured(self):
        result = run_python("manage.py", "check", "--deploy", "--fail-level", "WARNING", CELERY_BROKER_URL=None)
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("common.W002", result.stderr)

    def test_check_deploy_fails_when_https_hardening_is_switched_off(self):
        # The same command does catch a weakened setup, so the clean run above means something.
        result = run_python(
            "manage.py", "check", "--deploy", "--fail-level", "WARNING",
            DJANGO_SECURE_HSTS_SECONDS="0", DJANGO_SESSION_COOKIE_SECURE="false",
        )
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("security.W004", result.stderr)
        # The insecure session cookie: W012 names Django's SessionMiddleware by its exact path; with the
        # project's subclass (skipped by token API calls) Django reports it as W010 (sessions app).
        self.assertRegex(result.stderr, r"security\.W01[02]\b")

    def test_service_refuses_to_start_without_secret_key_when_debug_is_off(self):
        for entry in (("manage.py", "check"), ("-c", "import config.wsgi")):
            with self.subTest(entry=entry):
                result = run_python(*entry, DJANGO_SECRET_KEY=None)
                self.assertNotEqual(result.returncode, 0)
                self.assertIn("DJANGO_SECRET_KEY is required", result.stderr)

    def test_production_settings_come_from_the_environment(self):
        code = (
            "import django; django.setup(); from django.conf import settings as s; "
            "print(s.DEBUG, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
            "s.SECURE_HSTS_SECONDS, s.SECURE_PROXY_SSL_HEADER, s.ALLOWED_HOSTS, s.CORS_ALLOWED_ORIGINS, "
            "s.CSRF_TRUSTED_ORIGINS)"
        )
        result = run_python(
            "-c", code,
            DJANGO_CORS_ALLOWED_ORIGINS="https://app.example.com",
            DJANGO_CSRF_TRUSTED_ORIGINS="https://app.example.com",
        )
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(
            result.stdout.strip(),
            "False True True True 31536000 ('HTTP_X_FORWARDED_PROTO', 'https') ['leads.example.com'] "
            "['https://app.example.com'] ['https://app.example.com']",
        )

    def test_ssl_redirect_can_be_switched_off_for_a_plain_http_deployment(self):
        code = "import django; django.setup(); from django.conf import settings as s; print(s.SECURE_SSL_REDIRECT)"
        result = run_python("-c", code, DJANGO_SECURE_SSL_REDIRECT="false")
        self.assertEqual(result.stdout.strip(), "False", result.stderr)


class SharedCacheTests(SimpleTestCase):
    REDIS = "redis://127.0.0.1:6379/14"

    def test_redis_url_makes_the_cache_redis(self):
        code = "import django; django.setup(); from django.conf import settings as s; print(s.CACHES['default']['BACKEND'])"
        result = run_python("-c", code, REDIS_URL=self.REDIS)
        # Django's RedisCache, taught to treat an outage as misses (common/cache.py).
        self.assertEqual(result.stdout.strip(), "common.cache.ResilientRedisCache", result.stderr)

    def test_without_redis_url_the_cache_is_local_memory(self):
        code = "import django; django.setup(); from django.conf import settings as s; print(s.CACHES['default']['BACKEND'])"
        result = run_python("-c", code, REDIS_URL=None)
        self.assertEqual(result.stdout.strip(), "django.core.cache.backends.locmem.LocMemCache", result.stderr)

    def test_two_processes_share_throttle_state_through_redis(self):
        import redis

        try:
            redis.Redis.from_url(self.REDIS, socket_connect_timeout=1).ping()
        except redis.exceptions.RedisError:
            raise SkipTest("Redis is not running on 127.0.0.1:6379")
        key = f"hardening-{secrets.token_hex(4)}"
        write = f"import django; django.setup(); from django.core.cache import cache; cache.set('{key}', 42, 30)"
        read = f"import django; django.setup(); from django.core.cache import cache; print(cache.get('{key}'))"
        self.assertEqual(run_python("-c", write, REDIS_URL=self.REDIS).returncode, 0)
        result = run_python("-c", read, REDIS_URL=self.REDIS)
        self.assertEqual(result.stdout.strip(), "42", result.stderr)
