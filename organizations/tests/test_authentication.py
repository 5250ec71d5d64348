from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from knox.models import AuthToken
from rest_framework import status
from rest_framework.test import APIRequestFactory, APITestCase

from organizations.authentication import TokenAuthentication
from organizations.tests.factories import BranchFactory, UserFactory, branch_user


class TokenAuthenticationTests(APITestCase):
    def setUp(self):
        self.user = branch_user(BranchFactory(), user=UserFactory(username="auth_x"))
        _, self.token = AuthToken.objects.create(self.user)

    def authenticate(self, token):
        request = APIRequestFactory().get("/", HTTP_AUTHORIZATION=f"Token {token}")
        return TokenAuthentication().authenticate(request)

    def test_a_valid_token_costs_one_query_with_the_user(self):
        with self.assertNumQueries(1):
            user, auth_token = self.authenticate(self.token)
            self.assertEqual(user.username, "auth_x")
        self.assertEqual(auth_token.user_id, self.user.pk)

    def test_an_authenticated_api_request_does_not_read_the_users_other_tokens(self):
        AuthToken.objects.create(self.user)
        self.client.credentials(HTTP_AUTHORIZATION=f"Token {self.token}")
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(reverse("organizations:me"))
        self.assertEqual(response.status_code, status.HTTP_200_OK)
        token_queries = [q["sql"] for q in queries if "knox_authtoken" in q["sql"]]
        self.assertEqual(len(token_queries), 1, token_queries)

    def test_an_expired_token_is_401_and_deleted(self):
        AuthToken.objects.filter(user=self.user).update(expiry=timezone.now() - timedelta(seconds=1))
        self.client.credentials(HTTP_AUTHORIZATION=f"Token {self.token}")
        self.assertEqual(self.client.get(reverse("organizations:me")).status_code, status.HTTP_401_UNAUTHORIZED)
        self.assertFalse(AuthToken.objects.filter(user=self.user).exists())

    def test_another_expired_token_is_still_refused(self):
        expired, expired_key = AuthToken.objects.create(self.user)
        AuthToken.objects.filter(pk=expired.pk).update(expiry=timezone.now() - timedelta(seconds=1))
        self.client.credentials(HTTP_AUTHORIZATION=f"Token {self.token}")
        self.assertEqual(self.client.get(reverse("organizations:me")).status_code, status.HTTP_200_OK)
        self.client.credentials(HTTP_AUTHORIZATION=f"Token {expired_key}")
        self.assertEqual(self.client.get(reverse("organizations:me")).status_code, status.HTTP_401_UNAUTHORIZED)

    def test_login_sweeps_the_users_expired_tokens(self):
        expired, _ = AuthToken.objects.create(self.user)
        AuthToken.objects.filter(pk=expired.pk).update(expiry=timezone.now() - timedelta(seconds=1))
        response = self.client.post(reverse("organizations:token"), {"username": "auth_x", "password": "pass-12345"})
        self.assertEqual(response.status_code, status.HTTP_200_OK, response.content)
        self.assertFalse(AuthToken.objects.filter(pk=expired.pk).exists())
        self.assertEqual(AuthToken.objects.filter(user=self.user).count(), 2)

    def test_an_inactive_users_token_is_401(self):
        self.user.is_active = False
        self.user.save(update_fields=["is_active"])
        self.client.credentials(HTTP_AUTHORIZATION=f"Token {self.token}")
        self.assertEqual(self.client.get(reverse("organizations:me")).status_code, status.HTTP_401_UNAUTHORIZED)

    def test_a_wrong_token_with_a_known_prefix_is_401(self):
        self.client.credentials(HTTP_AUTHORIZATION=f"Token {self.token[:15]}{'0' * (len(self.token) - 15)}")
        self.assertEqual(self.client.get(reverse("organizations:me")).status_code, status.HTTP_401_UNAUTHORIZED)
