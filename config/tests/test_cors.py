"""The SPA on another origin: CORS for the configured origins only, on the API only; CSRF trusts them."""

from django.test import TestCase, override_settings
from django.urls import reverse
from rest_framework.test import APIClient

from organizations.tests.factories import BranchFactory, UserFactory, branch_user

SPA = "https://app.example.com"
OTHER = "https://evil.example.net"


@override_settings(CORS_ALLOWED_ORIGINS=[SPA], CSRF_TRUSTED_ORIGINS=[SPA])
class CorsTests(TestCase):
    def preflight(self, path, origin, method="POST"):
        return self.client.options(
            path,
            HTTP_ORIGIN=origin,
            HTTP_ACCESS_CONTROL_REQUEST_METHOD=method,
            HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization,content-type,x-csrftoken",
        )

    def test_preflight_from_the_spa_origin_is_allowed_with_credentials(self):
        response = self.preflight(reverse("organizations:session"), SPA)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Access-Control-Allow-Origin"], SPA)
        self.assertEqual(response["Access-Control-Allow-Credentials"], "true")
        self.assertIn("POST", response["Access-Control-Allow-Methods"])
        allowed_headers = response["Access-Control-Allow-Headers"]
        for header in ("authorization", "content-type", "x-csrftoken"):
            self.assertIn(header, allowed_headers)

    def test_preflight_from_another_origin_gets_no_cors_headers(self):
        response = self.preflight(reverse("organizations:session"), OTHER)
        self.assertNotIn("Access-Control-Allow-Origin", response)
        self.assertNotIn("Access-Control-Allow-Credentials", response)

    def test_simple_request_from_the_spa_origin_carries_the_allow_origin_header(self):
        response = self.client.get(reverse("organizations:session"), HTTP_ORIGIN=SPA)
        self.assertEqual(response["Access-Control-Allow-Origin"], SPA)

    def test_admin_is_not_opened_to_cross_origin_calls(self):
        response = self.preflight("/admin/login/", SPA)
        self.assertNotIn("Access-Control-Allow-Origin", response)

    def test_session_login_from_the_spa_origin_passes_csrf_with_its_token(self):
        # An HTTPS cross-origin POST passes Django's origin/referer checks only for trusted origins.
        branch_user(BranchFactory(), user=UserFactory(username="spa_user"))
        client = APIClient(enforce_csrf_checks=True)
        url = reverse("organizations:session")
        token = client.get(url, secure=True).data["csrf_token"]
        for origin, expected in ((OTHER, 403), (SPA, 200)):
            with self.subTest(origin=origin):
                response = client.post(
                    url, {"username": "spa_user", "password": "pass-12345"}, format="json", secure=True,
                    HTTP_ORIGIN=origin, HTTP_X_CSRFTOKEN=token, HTTP_REFERER=f"{origin}/login",
                )
                self.assertEqual(response.status_code, expected, response.content)
