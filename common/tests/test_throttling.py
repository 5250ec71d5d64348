"""Throttles (common/api/throttling.py): a general per-user rate and a stricter search rate, counted in the
shared cache (atomic, one round trip); an over-limit request is a 429 with Retry-After; fail-open while
the cache is down. The sign-in limits are organizations/tests/test_sign_in_limits.py."""

import secrets
from unittest import SkipTest, mock

from django.core.cache import cache
from django.test import SimpleTestCase, override_settings
from django.urls import reverse
from rest_framework import status
from rest_framework.test import APIRequestFactory, APITestCase, force_authenticate

from common.api.throttling import UserRateThrottle
from common.testing.concurrency import run_together
from leads.tests.factories import LeadFactory
from organizations.tests.factories import BranchFactory, UserFactory, branch_user
from common.testing.throttling import rates

REDIS_URL = "redis://127.0.0.1:6379/0"
LOCAL_CACHE = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "throttle-tests"}}
UNREACHABLE = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}}



class _User:
    is_authenticated = True

    def __init__(self, pk):
        self.pk = pk


def burst(*, count: int, user_pk: int) -> int:
    """`count` throttle checks for one user from as many threads at once; how many were allowed."""
    request = APIRequestFactory().get("/")
    request.user = _User(user_pk)
    return sum(run_together(*[lambda: UserRateThrottle().allow_request(request, None)] * count))


class AtomicBurstCases:
    def test_a_concurrent_burst_gets_exactly_the_rate(self):
        # A fixed clock: the whole burst falls in one window.
        with rates(user="60/minute"), mock.patch.object(UserRateThrottle, "timer", return_value=1_000_020.0):
            self.assertEqual(burst(count=100, user_pk=secrets.randbelow(10**9)), 60)

    def test_the_next_window_starts_again(self):
        user_pk = secrets.randbelow(10**9)
        with rates(user="5/minute"):
            with mock.patch.object(UserRateThrottle, "timer", return_value=1_000_020.0):
                self.assertEqual(burst(count=8, user_pk=user_pk), 5)
            with mock.patch.object(UserRateThrottle, "timer", return_value=1_000_080.0):
                self.assertEqual(burst(count=8, user_pk=user_pk), 5)


@override_settings(CACHES=LOCAL_CACHE)
class LocalMemoryAtomicBurstTests(AtomicBurstCases, SimpleTestCase):
    pass


class RedisAtomicBurstTests(AtomicBurstCases, SimpleTestCase):
    def setUp(self):
        import redis

        try:
            redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
        except redis.exceptions.RedisError:
            raise SkipTest("Redis is not running on 127.0.0.1:6379")
        caches = {"default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL,
            "KEY_PREFIX": f"test-throttle-{secrets.token_hex(6)}",
        }}
        override = override_settings(CACHES=caches)
        override.enable()
        self.addCleanup(override.disable)

    def test_one_check_is_one_round_trip(self):
        import redis

        request = APIRequestFactory().get("/")
        request.user = _User(secrets.randbelow(10**9))
        with mock.patch.object(redis.client.Pipeline, "execute", autospec=True, side_effect=redis.client.Pipeline.execute) as pipelined, \
                mock.patch.object(redis.Redis, "execute_command", autospec=True, side_effect=redis.Redis.execute_command) as single:
            self.assertTrue(UserRateThrottle().allow_request(request, None))
            self.assertTrue(UserRateThrottle().allow_request(request, None))
        self.assertEqual(pipelined.call_count, 2)
        self.assertEqual(single.call_count, 0)

    def test_a_views_rates_are_counted_in_one_round_trip_and_each_still_holds(self):
        import redis
        from rest_framework.permissions import AllowAny
        from rest_framework.response import Response
        from rest_framework.views import APIView

        from common.api.throttling import OneRoundTripThrottlesMixin, ScopedRateThrottle

        class SearchLike(OneRoundTripThrottlesMixin, APIView):
            permission_classes = [AllowAny]
            throttle_classes = [UserRateThrottle, ScopedRateThrottle]
            throttle_scope = "search"

            def get(self, request):
                return Response({})

        user = _User(secrets.randbelow(10**9))

        def call():
            request = APIRequestFactory().get("/")
            force_authenticate(request, user=user)
            return SearchLike.as_view()(request)

        with rates(user="100/minute", search="2/minute"), \
                mock.patch.object(redis.client.Pipeline, "execute", autospec=True, side_effect=redis.client.Pipeline.execute) as pipelined:
            answers = [call().status_code for _ in range(3)]
        self.assertEqual(answers, [200, 200, 429])  # the stricter rate refuses the third
        self.assertEqual(pipelined.call_count, 3)  # one round trip per request for both rates
        with rates(user="3/minute", search="100/minute"):
            self.assertEqual(call().status_code, 429)  # the user rate counted those three too


class ThrottlingTestCase(APITestCase):
    def setUp(self):
        cache.clear()
        self.addCleanup(cache.clear)
        self.branch = BranchFactory()
        self.user = branch_user(self.branch, user=UserFactory(username="throttle_user"))

    def assert_throttled(self, response):
        self.assertEqual(response.status_code, status.HTTP_429_TOO_MANY_REQUESTS, response.content)
        self.assertGreater(int(response["Retry-After"]), 0)
        self.assertIn("throttled", response.data["detail"].lower())


class UserRateThrottleTests(ThrottlingTestCase):
    def test_signed_in_user_gets_429_after_the_user_rate(self):
        self.client.force_authenticate(self.user)
        with rates(user="3/minute"):
            for _ in range(3):
                self.assertEqual(self.client.get(reverse("organizations:me")).status_code, 200)
            self.assert_throttled(self.client.get(reverse("organizations:me")))

    def test_user_rate_is_per_user(self):
        other = branch_user(self.branch)
        with rates(user="1/minute"):
            self.client.force_authenticate(self.user)
            self.client.get(reverse("organizations:me"))
            self.assert_throttled(self.client.get(reverse("organizations:me")))
            self.client.force_authenticate(other)
            self.assertEqual(self.client.get(reverse("organizations:me")).status_code, 200)

    def test_user_rate_covers_the_leads_api(self):
        self.client.force_authenticate(self.user)
        with rates(user="2/minute"):
            for _ in range(2):
                self.assertEqual(self.client.get(reverse("leads:list")).status_code, 200)
            self.assert_throttled(self.client.get(reverse("leads:list")))


class SearchThrottleTests(ThrottlingTestCase):
    def setUp(self):
        super().setUp()
        LeadFactory(branch=self.branch, passport_number="AB1234567")
        self.client.force_authenticate(self.user)

    def search(self, passport="AB1234567"):
        return self.client.get(reverse("leads:search"), {"passport": passport})

    def test_search_answers_429_after_the_search_limit(self):
        with rates(search="3/minute"):
            for number in range(3):
                self.assertEqual(self.search(passport=f"ZZ{number:07d}").status_code, 200)
            self.assert_throttled(self.search())

    def test_search_limit_is_stricter_than_and_separate_from_the_user_rate(self):
        with rates(search="2/minute", user="100/minute"):
            self.search()
            self.search()
            self.assert_throttled(self.search())
            # Other endpoints still answer: only searching (passport enumeration) is held back.
            self.assertEqual(self.client.get(reverse("leads:list")).status_code, 200)

    def test_enumerating_passports_anonymously_is_401_not_a_search(self):
        self.client.force_authenticate(None)
        with rates(search="1/minute"):
            self.assertEqual(self.search().status_code, status.HTTP_401_UNAUTHORIZED)


@override_settings(CACHES=UNREACHABLE)
class FailOpenTests(APITestCase):
    """While the cache is unreachable, throttles let requests through: no 500, no 429."""

    def setUp(self):
        patcher = mock.patch("common.api.throttling._last_warning", -1e9)  # the once-a-minute warning is due
        patcher.start()
        self.addCleanup(patcher.stop)
        self.branch = BranchFactory()
        LeadFactory(branch=self.branch, passport_number="AB1234567")
        self.user = branch_user(self.branch, user=UserFactory(username="fail_open_user"))

    def test_reads_and_searches_answer_while_the_cache_is_down(self):
        self.client.force_authenticate(self.user)
        with rates(user="1/minute", search="1/minute"), self.assertLogs("common.api.throttling", "WARNING"):
            for _ in range(3):
                self.assertEqual(self.client.get(reverse("leads:list")).status_code, 200)
                self.assertEqual(self.client.get(reverse("leads:search"), {"passport": "AB1234567"}).status_code, 200)

    def test_logins_answer_while_the_cache_is_down(self):
        with rates(login="1/minute", login_account="1/minute", login_account_ceiling="1/minute"):
            for _ in range(3):
                response = self.client.post(
                    reverse("organizations:token"), {"username": "fail_open_user", "password": "pass-12345"}
                )
                self.assertEqual(response.status_code, 200)


@override_settings(CACHES={"default": {
    "BACKEND": "common.cache.ResilientRedisCache", "LOCATION": "redis://127.0.0.1:1/0", "OPTIONS": {"RETRY_AFTER": 5},
}})
class FailOpenResilientCacheTests(FailOpenTests):
    """The same with the project's production backend (errors are misses, with a back-off)."""
