"""A password change revokes the user's API tokens and other sessions; `POST /api/auth/logoutall/`
revokes every token and session of the caller."""

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse
from knox.models import AuthToken
from rest_framework.test import APIClient, APITestCase

from organizations.models import UserSession
from organizations.tests.factories import BranchFactory, UserFactory, branch_user

NEW_PASSWORD = "an0ther-Long-secret"
LOCAL_CACHE = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "sign-out-tests"}}


def token_client(token: str) -> APIClient:
    return APIClient(HTTP_AUTHORIZATION=f"Token {token}")


def session_client(user) -> APIClient:
    client = APIClient()
    client.login(username=user.username, password="pass-12345")
    return client


class SignOutTestCase(APITestCase):
    def setUp(self):
        cache.clear()
        self.addCleanup(cache.clear)
        self.user = branch_user(BranchFactory(), user=UserFactory(username="signed_in_a"))
        self.other = branch_user(BranchFactory(), user=UserFactory(username="bystander"))

    def me(self, client) -> int:
        return client.get(reverse("organizations:me")).status_code


class PasswordChangeTests(SignOutTestCase):
    def test_the_admin_password_change_keeps_this_session_and_ends_the_others_and_the_tokens(self):
        _, token = AuthToken.objects.create(self.user)
        _, other_token = AuthToken.objects.create(self.other)
        changer, elsewhere = session_client(self.user), session_client(self.user)
        self.assertEqual((self.me(changer), self.me(elsewhere), self.me(token_client(token))), (200, 200, 200))

        response = changer.post(
            reverse("admin:password_change"),
            {"old_password": "pass-12345", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
            format="multipart",
        )
        self.assertEqual(response.status_code, 302, getattr(response, "context", None) and response.context.get("form").errors)

        self.assertEqual(self.me(changer), 200)  # Django's update_session_auth_hash keeps the changer's session
        self.assertEqual(self.me(elsewhere), 401)  # the session hash no longer matches the password
        self.assertEqual(self.me(token_client(token)), 401)
        self.assertFalse(AuthToken.objects.filter(user=self.user).exists())
        self.assertEqual(self.me(token_client(other_token)), 200)  # other users keep theirs

    def test_a_password_set_by_any_code_revokes_the_tokens(self):
        _, token = AuthToken.objects.create(self.user)
        user = get_user_model().objects.get(pk=self.user.pk)
        user.set_password(NEW_PASSWORD)
        user.save()
        self.assertEqual(self.me(token_client(token)), 401)

    def test_saving_a_user_without_a_new_password_keeps_the_tokens(self):
        _, token = AuthToken.objects.create(self.user)
        user = get_user_model().objects.get(pk=self.user.pk)
        user.first_name = "Same password"
        user.save()
        self.assertEqual(self.me(token_client(token)), 200)

    @override_settings(CACHES=LOCAL_CACHE, AUTH_CACHE_SECONDS=300)
    def test_the_token_cache_does_not_serve_a_token_revoked_by_a_password_change(self):
        cache.clear()
        _, token = AuthToken.objects.create(self.user)
        client = token_client(token)
        self.assertEqual(self.me(client), 200)
        with self.assertNumQueries(0):  # answered from the cache: the entry exists
            from organizations.authentication import TokenAuthentication

            TokenAuthentication().authenticate_credentials(token.encode())
        user = get_user_model().objects.get(pk=self.user.pk)
        user.set_password(NEW_PASSWORD)
        user.save()
        self.assertEqual(self.me(client), 401)


class LogoutAllTests(SignOutTestCase):
    url = reverse("organizations:logoutall")

    def test_with_a_token_every_token_and_session_of_the_caller_is_revoked(self):
        _, first = AuthToken.objects.create(self.user)
        _, second = AuthToken.objects.create(self.user)
        _, other_token = AuthToken.objects.create(self.other)
        browser, other_browser = session_client(self.user), session_client(self.other)

        self.assertEqual(token_client(first).post(self.url).status_code, 204)

        self.assertEqual((self.me(token_client(first)), self.me(token_client(second)), self.me(browser)), (401, 401, 401))
        self.assertEqual((self.me(token_client(other_token)), self.me(other_browser)), (200, 200))
        self.assertFalse(UserSession.objects.filter(user_id=self.user.pk).exists())

    def test_with_a_session_it_needs_the_csrf_token_and_ends_that_session_too(self):
        _, token = AuthToken.objects.create(self.user)
        browser = APIClient(enforce_csrf_checks=True)
        csrf = browser.get(reverse("organizations:session")).data["csrf_token"]
        signed_in = browser.post(
            reverse("organizations:session"), {"username": "signed_in_a", "password": "pass-12345"}, HTTP_X_CSRFTOKEN=csrf
        )
        self.assertEqual(signed_in.status_code, 200)
        self.assertEqual(browser.post(self.url).status_code, 403)  # no CSRF token
        self.assertEqual(self.me(token_client(token)), 200)

        self.assertEqual(browser.post(self.url, HTTP_X_CSRFTOKEN=signed_in.data["csrf_token"]).status_code, 204)
        self.assertEqual((self.me(browser), self.me(token_client(token))), (401, 401))

    def test_signed_out_it_is_a_401(self):
        self.assertEqual(APIClient().post(self.url).status_code, 401)

    def test_sessions_remember_their_user_through_a_sign_in(self):
        session_client(self.user)
        self.assertEqual(UserSession.objects.filter(user_id=self.user.pk).count(), 1)
