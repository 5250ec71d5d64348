"""Throttles (common/api/throttling.py): atomic, one cache round trip, per-account logins, fail-open."""

import secrets
import threading
from unittest import SkipTest, mock

from django.core.cache import cache
from django.test import SimpleTestCase, override_settings
from django.urls import reverse
from rest_framework import status
from rest_framework.test import APIRequestFactory, APITestCase, force_authenticate
from rest_framework.throttling import SimpleRateThrottle

from common.api.throttling import UserRateThrottle
from leads.tests.factories import LeadFactory
from organizations.tests.factories import BranchFactory, UserFactory, branch_user

REDIS_URL = "redis://127.0.0.1:6379/0"
LOCAL_CACHE = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "throttle-tests"}}
UNREACHABLE = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}}


def rates(**overrides):
    return mock.patch.dict(SimpleRateThrottle.THROTTLE_RATES, overrides)


class _User:
    is_authenticated = True

    def __init__(self, pk):
        self.pk = pk


def burst(*, count: int, user_pk: int) -> int:
    """`count` throttle checks for one user from as many threads at once; how many were allowed."""
    request = APIRequestFactory().get("/")
    request.user = _User(user_pk)
    start, allowed, lock = threading.Barrier(count), [], threading.Lock()

    def check():
        throttle = UserRateThrottle()
        start.wait()
        answer = throttle.allow_request(request, None)
        with lock:
            allowed.append(answer)

    threads = [threading.Thread(target=check) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(allowed)


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


@override_settings(CACHES=LOCAL_CACHE)
class LoginPerAccountTests(APITestCase):
    def setUp(self):
        cache.clear()
        self.addCleanup(cache.clear)
        self.user = branch_user(BranchFactory(), user=UserFactory(username="target_user"))

    def attempt(self, username, address, password="wrong"):
        return self.client.post(
            reverse("organizations:token"), {"username": username, "password": password}, REMOTE_ADDR=address
        )

    def test_guesses_for_one_account_from_many_addresses_meet_the_account_ceiling(self):
        with rates(login="100/minute", login_account="100/minute", login_account_ceiling="3/minute"):
            for number in range(3):
                self.assertEqual(self.attempt("target_user", f"10.0.0.{number}").status_code, 401)
            response = self.attempt(" Target_User ", "10.0.0.99", password="pass-12345")
            self.assertEqual(response.status_code, status.HTTP_429_TOO_MANY_REQUESTS)
            self.assertGreater(int(response["Retry-After"]), 0)
            # Another account from the same addresses is not affected.
            branch_user(BranchFactory(), user=UserFactory(username="other_user"))
            self.assertEqual(self.attempt("other_user", "10.0.0.1", password="pass-12345").status_code, 200)

    def test_guesses_from_one_address_do_not_lock_the_owner_out_from_another(self):
        with rates(login="100/minute", login_account="3/minute", login_account_ceiling="100/minute"):
            for _ in range(5):
                self.attempt("target_user", "10.6.6.6")
            # The attacker's address is held back for this account, even with the right password ...
            self.assertEqual(self.attempt("target_user", "10.6.6.6", password="pass-12345").status_code, 429)
            # ... the owner, from their own address, signs in.
            self.assertEqual(self.attempt("target_user", "10.0.0.7", password="pass-12345").status_code, 200)
            response = self.client.post(
                reverse("organizations:session"), {"username": "target_user", "password": "pass-12345"},
                REMOTE_ADDR="10.0.0.8",
            )
            self.assertEqual(response.status_code, 200)

    def test_session_sign_in_counts_against_the_same_account_limits(self):
        with rates(login="100/minute", login_account="2/minute"):
            self.attempt("target_user", "10.0.0.1")
            self.client.post(reverse("organizations:session"), {"username": "target_user", "password": "wrong"}, REMOTE_ADDR="10.0.0.1")
            response = self.client.post(
                reverse("organizations:session"), {"username": "target_user", "password": "pass-12345"}, REMOTE_ADDR="10.0.0.1"
            )
            self.assertEqual(response.status_code, status.HTTP_429_TOO_MANY_REQUESTS)
        with rates(login="100/minute", login_account="100/minute", login_account_ceiling="2/minute"):
            cache.clear()
            self.attempt("target_user", "10.0.0.1")
            self.client.post(reverse("organizations:session"), {"username": "target_user", "password": "wrong"}, REMOTE_ADDR="10.0.0.2")
            response = self.client.post(
                reverse("organizations:session"), {"username": "target_user", "password": "pass-12345"}, REMOTE_ADDR="10.0.0.3"
            )
            self.assertEqual(response.status_code, status.HTTP_429_TOO_MANY_REQUESTS)

    def test_a_body_that_is_not_an_object_is_still_a_400(self):
        response = self.client.post(reverse("organizations:token"), data="[1, 2]", content_type="application/json")
        self.assertEqual(response.status_code, status.HTTP_400_BAD_REQUEST)


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
