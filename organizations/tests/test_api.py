from datetime import timedelta

from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from knox.models import AuthToken
from rest_framework import status
from rest_framework.test import APITestCase

from organizations.tests.factories import BranchFactory, UserFactory, branch_user


class TokenAndMeTests(APITestCase):
    def setUp(self):
        self.branch = BranchFactory()
        self.user = branch_user(self.branch, user=UserFactory(username="branch_x"))

    def obtain_token(self, password="pass-12345"):
        return self.client.post(reverse("organizations:token"), {"username": "branch_x", "password": password})

    def test_token_login_then_me_lists_memberships(self):
        response = self.obtain_token()
        self.assertEqual(response.status_code, status.HTTP_200_OK, response.content)
        self.client.credentials(HTTP_AUTHORIZATION=f"Token {response.data['token']}")
        me = self.client.get(reverse("organizations:me"))
        self.assertEqual(me.status_code, status.HTTP_200_OK)
        self.assertEqual(me.data["username"], "branch_x")
        self.assertEqual(
            [(m["organization"], m["branch"], m["role"]) for m in me.data["memberships"]],
            [(self.branch.organization_id, self.branch.pk, "branch_user")],
        )

    def test_tokens_are_stored_hashed(self):
        token = self.obtain_token().data["token"]
        stored = AuthToken.objects.get(user=self.user)
        self.assertNotIn(token, (stored.digest, stored.token_key))

    def test_wrong_password_is_401(self):
        self.assertEqual(self.obtain_token(password="wrong").status_code, status.HTTP_401_UNAUTHORIZED)

    def test_missing_fields_are_400_naming_them(self):
        response = self.client.post(reverse("organizations:token"), {})
        self.assertEqual(response.status_code, status.HTTP_400_BAD_REQUEST)
        self.assertEqual(set(response.data), {"username", "password"})

    def test_anonymous_me_is_401(self):
        self.assertEqual(self.client.get(reverse("organizations:me")).status_code, status.HTTP_401_UNAUTHORIZED)

    def test_expired_token_is_401(self):
        token = self.obtain_token().data["token"]
        AuthToken.objects.filter(user=self.user).update(expiry=timezone.now() - timedelta(seconds=1))
        self.client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        self.assertEqual(self.client.get(reverse("organizations:me")).status_code, status.HTTP_401_UNAUTHORIZED)

    def test_logout_revokes_the_token(self):
        token = self.obtain_token().data["token"]
        self.client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        self.assertEqual(self.client.post(reverse("organizations:logout")).status_code, status.HTTP_204_NO_CONTENT)
        self.assertEqual(self.client.get(reverse("organizations:me")).status_code, status.HTTP_401_UNAUTHORIZED)

    @override_settings(REST_KNOX={"TOKEN_TTL": timedelta(hours=2), "AUTH_HEADER_PREFIX": "Token", "AUTO_REFRESH": False})
    def test_token_expiry_follows_the_configured_ttl(self):
        before = timezone.now()
        expiry = AuthToken.objects.get(pk=AuthToken.objects.create(self.user)[0].pk).expiry
        self.assertTrue(before + timedelta(hours=2) <= expiry <= timezone.now() + timedelta(hours=2))

    def test_logout_revokes_only_the_token_used(self):
        first, second = self.obtain_token().data["token"], self.obtain_token().data["token"]
        self.client.credentials(HTTP_AUTHORIZATION=f"Token {first}")
        self.client.post(reverse("organizations:logout"))
        self.client.credentials(HTTP_AUTHORIZATION=f"Token {second}")
        self.assertEqual(self.client.get(reverse("organizations:me")).status_code, status.HTTP_200_OK)

    def test_garbage_token_is_401(self):
        self.client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
        self.assertEqual(self.client.get(reverse("organizations:me")).status_code, status.HTTP_401_UNAUTHORIZED)
