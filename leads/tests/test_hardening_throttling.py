"""Throttling: strict on logins (per client address) and searches (per user), a general per-user rate,
counted in the shared cache; an over-limit request is a 429 with Retry-After."""

from unittest import mock

from django.core.cache import cache
from django.urls import reverse
from rest_framework import status
from rest_framework.test import APIClient, APITestCase
from rest_framework.throttling import SimpleRateThrottle

from leads.tests.factories import LeadFactory
from organizations.tests.factories import BranchFactory, UserFactory, branch_user


def rates(**overrides):
    # DRF's throttles keep a reference to the rates dict taken at import; patch that dict itself.
    return mock.patch.dict(SimpleRateThrottle.THROTTLE_RATES, overrides)


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


class LoginThrottleTests(ThrottlingTestCase):
    def attempt(self, password="wrong", **extra):
        return self.client.post(
            reverse("organizations:token"), {"username": "throttle_user", "password": password}, **extra
        )

    def test_token_endpoint_answers_429_after_the_login_limit(self):
        with rates(login="3/minute"):
            statuses = [self.attempt().status_code for _ in range(3)]
            self.assertEqual(statuses, [401, 401, 401])
            # Even the right password is refused once the address is over its limit.
            self.assert_throttled(self.attempt(password="pass-12345"))

    def test_login_limit_is_per_client_address(self):
        with rates(login="2/minute"):
            for _ in range(2):
                self.attempt(REMOTE_ADDR="10.0.0.1")
            self.assert_throttled(self.attempt(REMOTE_ADDR="10.0.0.1"))
            self.assertEqual(self.attempt(password="pass-12345", REMOTE_ADDR="10.0.0.2").status_code, 200)

    def test_session_login_shares_the_login_limit(self):
        url = reverse("organizations:session")
        with rates(login="2/minute"):
            self.attempt()
            self.client.post(url, {"username": "throttle_user", "password": "wrong"})
            self.assert_throttled(self.client.post(url, {"username": "throttle_user", "password": "pass-12345"}))
            # Reading the session state and CSRF token is not a login attempt.
            self.assertEqual(self.client.get(url).status_code, status.HTTP_200_OK)


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
