"""The login limits hold on every sign-in form: the admin's login, the API's token and session sign-ins.

They are counted by the authentication backend (organizations/backends.py) that Django's
`authenticate()` asks, per client address, per account from one address and per account overall.
"""

from unittest import mock

from django.contrib.auth import authenticate
from django.core.cache import cache
from django.core.checks import run_checks
from django.http import HttpResponse
from django.test import RequestFactory, TestCase, override_settings
from django.urls import reverse
from rest_framework import status
from rest_framework.test import APITestCase

from common.api.throttling import _SignInThrottle
from organizations.backends import LoginThrottled
from organizations.middleware import LoginThrottledMiddleware
from organizations.tests.factories import BranchFactory, UserFactory, branch_user
from common.testing.throttling import rates

LOCAL_CACHE = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "sign-in-limits"}}
WINDOW = 1_000_020.0  # a moment inside one window of every period used here (minute and hour)



def clock(at: float):
    return mock.patch.object(_SignInThrottle, "timer", return_value=at)


@override_settings(CACHES=LOCAL_CACHE)
class AdminLoginLimitTests(TestCase):
    def setUp(self):
        cache.clear()
        self.addCleanup(cache.clear)
        self.member = branch_user(BranchFactory(), user=UserFactory(username="orgadmin_b"))

    def admin_login(self, password="wrong", address="10.1.1.1", username="orgadmin_b"):
        return self.client.post(
            reverse("admin:login"),
            {"username": username, "password": password, "next": reverse("admin:index")},
            REMOTE_ADDR=address,
        )

    def assert_signed_out(self):
        self.assertNotIn("_auth_user_id", self.client.session)
        self.assertEqual(self.client.get(reverse("admin:index")).status_code, 302)

    def test_wrong_passwords_reach_the_limit_and_then_the_right_one_is_refused_until_the_window_passes(self):
        with rates(login="5/minute", login_account="100/hour", login_account_ceiling="100/hour"), clock(WINDOW):
            answers = [self.admin_login().status_code for _ in range(5)]
            self.assertEqual(answers, [200] * 5)  # the form again: wrong password
            response = self.admin_login(password="pass-12345")
            self.assertEqual(response.status_code, 429)
            self.assertGreater(int(response["Retry-After"]), 0)
            self.assertContains(response, "Too many sign-in attempts. Try again in", status_code=429)
            self.assert_signed_out()
        with rates(login="5/minute", login_account="100/hour", login_account_ceiling="100/hour"), clock(WINDOW + 60):
            self.assertRedirects(self.admin_login(password="pass-12345"), reverse("admin:index"))

    def test_the_admin_form_and_the_api_share_one_count(self):
        with rates(login="100/minute", login_account="3/hour", login_account_ceiling="100/hour"), clock(WINDOW):
            self.admin_login()
            self.client.post(reverse("organizations:token"), {"username": "orgadmin_b", "password": "wrong"},
                             content_type="application/json", REMOTE_ADDR="10.1.1.1")
            self.admin_login()
            # Over the account's limit from this address: refused at both doors, even with the right password.
            self.assertEqual(self.admin_login(password="pass-12345").status_code, 429)
            token = self.client.post(
                reverse("organizations:token"), {"username": "orgadmin_b", "password": "pass-12345"},
                content_type="application/json", REMOTE_ADDR="10.1.1.1",
            )
            self.assertEqual(token.status_code, 429)
            self.assertGreater(int(token["Retry-After"]), 0)
            self.assert_signed_out()

    def test_an_attacker_does_not_lock_the_owner_out_of_the_admin(self):
        with rates(login="100/minute", login_account="20/hour", login_account_ceiling="200/hour"), clock(WINDOW):
            for _ in range(30):
                self.admin_login(address="10.6.6.6")
            self.assertEqual(self.admin_login(password="pass-12345", address="10.6.6.6").status_code, 429)
            self.assertRedirects(self.admin_login(password="pass-12345", address="10.2.2.2"), reverse("admin:index"))

    def test_the_production_rates_hold_on_the_admin_login(self):
        # The red team's 30 wrong passwords in a few seconds: the 11th attempt of the minute is refused.
        with rates(login="10/minute", login_account="20/hour", login_account_ceiling="200/hour"), clock(WINDOW):
            answers = [self.admin_login().status_code for _ in range(30)]
            self.assertEqual(answers, [200] * 10 + [429] * 20)
            self.assertEqual(self.admin_login(password="pass-12345").status_code, 429)
            self.assert_signed_out()


class LoginThrottleTests(APITestCase):
    """The per-address limit at the API's token and session sign-ins."""

    def setUp(self):
        cache.clear()
        self.addCleanup(cache.clear)
        branch_user(BranchFactory(), user=UserFactory(username="throttle_user"))

    def assert_throttled(self, response):
        self.assertEqual(response.status_code, status.HTTP_429_TOO_MANY_REQUESTS, response.content)
        self.assertGreater(int(response["Retry-After"]), 0)
        self.assertIn("throttled", response.data["detail"].lower())

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


@override_settings(CACHES=LOCAL_CACHE)
class BackendTests(TestCase):
    """The limits live in the backend, so any caller of `authenticate()` meets them."""

    def setUp(self):
        cache.clear()
        self.addCleanup(cache.clear)
        UserFactory(username="someone")

    def test_authenticate_raises_login_throttled_past_a_limit(self):
        request = RequestFactory().post("/any-sign-in-form/", REMOTE_ADDR="10.3.3.3")
        with rates(login="2/minute"), clock(WINDOW):
            self.assertIsNone(authenticate(request, username="someone", password="wrong"))
            self.assertIsNotNone(authenticate(request, username="someone", password="pass-12345"))
            with self.assertRaises(LoginThrottled) as refused:
                authenticate(request, username="someone", password="pass-12345")
        self.assertGreater(refused.exception.wait, 0)

    def test_a_view_that_does_not_catch_it_answers_429_not_500(self):
        request = RequestFactory().post("/any-sign-in-form/")
        response = LoginThrottledMiddleware(lambda r: HttpResponse())(request)
        self.assertEqual(response.status_code, 200)
        response = LoginThrottledMiddleware(lambda r: HttpResponse()).process_exception(request, LoginThrottled(wait=42))
        self.assertEqual(response.status_code, 429)
        self.assertEqual(response["Retry-After"], "42")

    def test_a_backend_outside_the_limits_fails_the_system_check(self):
        with override_settings(AUTHENTICATION_BACKENDS=["django.contrib.auth.backends.ModelBackend"]):
            ids = [message.id for message in run_checks()]
        self.assertIn("organizations.E001", ids)
        self.assertNotIn("organizations.E001", [message.id for message in run_checks()])
