"""The token cache: token → user → branch scope from the shared cache, never past a revocation.

Each guarantee is checked with two separate clients (two request handlers sharing the cache, as
two gunicorn workers do), and with Redis, across a real second process.
"""

import json
import os
import secrets
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from unittest import SkipTest

import time_machine
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from knox.crypto import hash_token
from knox.models import AuthToken
from rest_framework import status
from rest_framework.test import APIClient, APITestCase

from leads.tests.factories import LeadFactory
from organizations import token_cache
from organizations.models import Membership
from organizations.tests.factories import BranchFactory, UserFactory, branch_user

BASE_DIR = Path(__file__).resolve().parents[2]
REDIS_URL = "redis://127.0.0.1:6379/0"
LOCAL_CACHE = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "token-cache-tests"}}


def redis_caches(prefix: str) -> dict:
    return {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL, "KEY_PREFIX": prefix}}


def require_redis():
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.RedisError:
        raise SkipTest("Redis is not running on 127.0.0.1:6379")


class TokenCacheCases:
    """The behaviour, run once on a local cache and once on Redis (subclasses set the cache)."""

    def setUp(self):
        self.branch = BranchFactory()
        self.lead = LeadFactory(branch=self.branch)
        self.user = branch_user(self.branch, user=UserFactory(username=f"cached_{secrets.token_hex(3)}"))
        _, self.token = AuthToken.objects.create(self.user)
        # Two clients: two request handlers, as two workers sharing the cache.
        self.first, self.second = APIClient(), APIClient()
        for client in (self.first, self.second):
            client.credentials(HTTP_AUTHORIZATION=f"Token {self.token}")

    def detail(self, client):
        return client.get(reverse("leads:detail", args=[self.lead.pk]))

    def test_a_cached_token_answers_without_the_token_and_scope_queries(self):
        self.assertEqual(self.detail(self.first).status_code, status.HTTP_200_OK)
        with self.assertNumQueries(3):  # the lead, its latest follow-ups, its latest commitments
            self.assertEqual(self.detail(self.second).status_code, status.HTTP_200_OK)

    def test_logout_on_one_client_refuses_the_token_on_the_other_at_once(self):
        self.assertEqual(self.detail(self.second).status_code, status.HTTP_200_OK)  # cached
        self.assertEqual(self.first.post(reverse("organizations:logout")).status_code, status.HTTP_204_NO_CONTENT)
        self.assertEqual(self.detail(self.second).status_code, status.HTTP_401_UNAUTHORIZED)

    def test_a_removed_membership_stops_reaching_the_branch_at_once(self):
        self.assertEqual(self.detail(self.second).status_code, status.HTTP_200_OK)
        Membership.objects.get(user=self.user).delete()
        self.assertEqual(self.detail(self.second).status_code, status.HTTP_403_FORBIDDEN)

    def test_a_membership_moved_to_another_branch_hides_the_old_branch_at_once(self):
        self.assertEqual(self.detail(self.second).status_code, status.HTTP_200_OK)
        membership = Membership.objects.get(user=self.user)
        membership.branch = BranchFactory(organization=self.branch.organization)
        membership.save()
        self.assertEqual(self.detail(self.second).status_code, status.HTTP_404_NOT_FOUND)

    def test_a_deactivated_user_is_refused_at_once(self):
        self.assertEqual(self.detail(self.second).status_code, status.HTTP_200_OK)
        self.user.is_active = False
        self.user.save()
        self.assertEqual(self.detail(self.second).status_code, status.HTTP_401_UNAUTHORIZED)

    def test_an_expired_token_is_refused_even_while_its_entry_lives(self):
        AuthToken.objects.filter(user=self.user).update(expiry=timezone.now() + timedelta(minutes=1))
        self.assertEqual(self.detail(self.second).status_code, status.HTTP_200_OK)  # cached, expiring in a minute
        later = timezone.now() + timedelta(minutes=2)
        with time_machine.travel(later, tick=False):
            self.assertEqual(self.detail(self.second).status_code, status.HTTP_401_UNAUTHORIZED)
        self.assertFalse(AuthToken.objects.filter(user=self.user).exists())

    def test_a_new_branch_of_an_org_admins_organization_is_reached_at_once(self):
        from organizations.tests.factories import org_admin

        admin = org_admin(self.branch.organization)
        _, token = AuthToken.objects.create(admin)
        self.second.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        self.assertEqual(self.detail(self.second).status_code, status.HTTP_200_OK)  # cached scope
        new_lead = LeadFactory(branch=BranchFactory(organization=self.branch.organization))
        response = self.second.get(reverse("leads:detail", args=[new_lead.pk]))
        self.assertEqual(response.status_code, status.HTTP_200_OK)

    def test_a_wrong_token_with_a_known_prefix_is_refused(self):
        self.assertEqual(self.detail(self.second).status_code, status.HTTP_200_OK)
        forged = self.token[:15] + ("0" if self.token[15] != "0" else "1") + self.token[16:]
        self.second.credentials(HTTP_AUTHORIZATION=f"Token {forged}")
        self.assertEqual(self.detail(self.second).status_code, status.HTTP_401_UNAUTHORIZED)


@override_settings(CACHES=LOCAL_CACHE, AUTH_CACHE_SECONDS=300)
class LocalTokenCacheTests(TokenCacheCases, APITestCase):
    def setUp(self):
        cache.clear()
        self.addCleanup(cache.clear)
        super().setUp()


class RedisTokenCacheTests(TokenCacheCases, APITestCase):
    def setUp(self):
        require_redis()
        # A prefix of this run's own: the Redis database is shared, so it is never flushed.
        self.prefix = f"test-token-cache-{secrets.token_hex(6)}"
        settings_override = override_settings(CACHES=redis_caches(self.prefix), AUTH_CACHE_SECONDS=300)
        settings_override.enable()
        self.addCleanup(settings_override.disable)
        super().setUp()

    def other_process_lookup(self) -> dict:
        """What a second Python process, sharing only the Redis cache, answers for the token."""
        code = (
            "import json, sys, django; django.setup()\n"
            "from django.test.utils import override_settings\n"
            f"with override_settings(CACHES={redis_caches(self.prefix)!r}, AUTH_CACHE_SECONDS=300):\n"
            "    from organizations.models import visible_branch_ids\n"
            "    from organizations.token_cache import Lookup\n"
            f"    found = Lookup({hash_token(self.token)!r}).hit()\n"
            "    print(json.dumps(None if found is None else {'user': found[0].pk, 'scope': visible_branch_ids(found[0])}))\n"
        )
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings_test", "DATABASE_URL": "sqlite:///:memory:"}
        env.pop("REDIS_URL", None)
        result = subprocess.run(
            [sys.executable, "-c", code], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=60
        )
        self.assertEqual(result.returncode, 0, result.stderr)
        return json.loads(result.stdout.strip().splitlines()[-1])

    def test_another_process_serves_the_token_from_the_cache_until_it_is_revoked(self):
        self.assertEqual(self.detail(self.first).status_code, status.HTTP_200_OK)
        # The other process has no access to this test's database: it answers from Redis alone.
        self.assertEqual(self.other_process_lookup(), {"user": self.user.pk, "scope": [self.branch.pk]})
        self.assertEqual(self.first.post(reverse("organizations:logout")).status_code, status.HTTP_204_NO_CONTENT)
        self.assertIsNone(self.other_process_lookup())

    def test_another_process_stops_serving_the_scope_when_the_membership_goes(self):
        self.assertEqual(self.detail(self.first).status_code, status.HTTP_200_OK)
        self.assertEqual(self.other_process_lookup()["scope"], [self.branch.pk])
        Membership.objects.get(user=self.user).delete()
        self.assertIsNone(self.other_process_lookup())


@override_settings(CACHES=LOCAL_CACHE, AUTH_CACHE_SECONDS=0)
class TokenCacheOffTests(APITestCase):
    def test_without_a_shared_cache_every_request_asks_the_database(self):
        self.assertFalse(token_cache.enabled())
        branch = BranchFactory()
        lead = LeadFactory(branch=branch)
        _, token = AuthToken.objects.create(branch_user(branch))
        self.client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        self.client.get(reverse("leads:detail", args=[lead.pk]))
        with self.assertNumQueries(5):  # token + user, scope, the lead, its follow-ups, its commitments
            self.assertEqual(self.client.get(reverse("leads:detail", args=[lead.pk])).status_code, 200)


@override_settings(
    CACHES={"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}},
    AUTH_CACHE_SECONDS=300,
)
class TokenCacheUnreachableTests(APITestCase):
    def test_an_unreachable_cache_falls_back_to_the_database(self):
        branch = BranchFactory()
        lead = LeadFactory(branch=branch)
        _, token = AuthToken.objects.create(branch_user(branch))
        self.client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        self.assertEqual(self.client.get(reverse("leads:detail", args=[lead.pk])).status_code, 200)
        self.assertEqual(self.client.post(reverse("organizations:logout")).status_code, 204)
        self.assertEqual(self.client.get(reverse("leads:detail", args=[lead.pk])).status_code, 401)
