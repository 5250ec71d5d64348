"""Browser sign-in for the SPA: a CSRF-protected session login at /api/auth/session/."""

from django.core.cache import cache
from django.urls import reverse
from rest_framework import status
from rest_framework.test import APIClient, APITestCase

from organizations.tests.factories import BranchFactory, UserFactory, branch_user


class SessionLoginTests(APITestCase):
    def setUp(self):
        cache.clear()
        self.user = branch_user(BranchFactory(), user=UserFactory(username="branch_s"))
        self.client = APIClient(enforce_csrf_checks=True)
        self.url = reverse("organizations:session")

    def csrf_token(self) -> str:
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, status.HTTP_200_OK)
        self.assertFalse(response.data["authenticated"])
        return response.data["csrf_token"]

    def login(self, password="pass-12345", csrf_token=None):
        headers = {"HTTP_X_CSRFTOKEN": csrf_token} if csrf_token else {}
        return self.client.post(self.url, {"username": "branch_s", "password": password}, **headers)

    def test_get_sets_the_csrf_cookie_and_reports_anonymous(self):
        response = self.client.get(self.url)
        self.assertIn("csrftoken", response.cookies)
        self.assertEqual(response.data["authenticated"], False)
        self.assertIsNone(response.data["username"])
        self.assertTrue(response.data["csrf_token"])

    def test_login_without_csrf_token_is_403(self):
        self.csrf_token()
        response = self.login()
        self.assertEqual(response.status_code, status.HTTP_403_FORBIDDEN)
        self.assertIn("CSRF", response.data["detail"])
        self.assertEqual(self.client.get(reverse("organizations:me")).status_code, status.HTTP_401_UNAUTHORIZED)

    def test_login_with_csrf_token_opens_a_session_for_the_api(self):
        response = self.login(csrf_token=self.csrf_token())
        self.assertEqual(response.status_code, status.HTTP_200_OK, response.content)
        self.assertEqual((response.data["authenticated"], response.data["username"]), (True, "branch_s"))
        self.assertIn("sessionid", response.cookies)
        me = self.client.get(reverse("organizations:me"))
        self.assertEqual(me.status_code, status.HTTP_200_OK)
        self.assertEqual(me.data["username"], "branch_s")

    def test_wrong_password_is_401_and_no_session(self):
        response = self.login(password="wrong", csrf_token=self.csrf_token())
        self.assertEqual(response.status_code, status.HTTP_401_UNAUTHORIZED)
        self.assertNotIn("sessionid", response.cookies)

    def test_missing_fields_are_400_naming_them(self):
        token = self.csrf_token()
        response = self.client.post(self.url, {}, HTTP_X_CSRFTOKEN=token)
        self.assertEqual(response.status_code, status.HTTP_400_BAD_REQUEST)
        self.assertEqual(set(response.data), {"username", "password"})

    def test_logout_needs_csrf_then_ends_the_session(self):
        new_token = self.login(csrf_token=self.csrf_token()).data["csrf_token"]
        self.assertEqual(self.client.delete(self.url).status_code, status.HTTP_403_FORBIDDEN)
        self.assertEqual(self.client.delete(self.url, HTTP_X_CSRFTOKEN=new_token).status_code, status.HTTP_204_NO_CONTENT)
        self.assertEqual(self.client.get(reverse("organizations:me")).status_code, status.HTTP_401_UNAUTHORIZED)

    def test_logout_without_a_session_is_401(self):
        self.assertEqual(self.client.delete(self.url).status_code, status.HTTP_401_UNAUTHORIZED)
