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
from rest_framework.throttling import SimpleRateThrottle

from common.api.throttling import _SignInThrottle
from organizations.backends import LoginThrottled
from organizations.middleware import LoginThrottledMiddleware
from organizations.tests.factories import BranchFactory, UserFactory, branch_user

LOCAL_CACHE = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "sign-in-limits"}}
WINDOW = 1_000_020.0  # a moment inside one window of every period used here (minute and hour)


def rates(**overrides):
    return mock.patch.dict(SimpleRateThrottle.THROTTLE_RATES, overrides)


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
