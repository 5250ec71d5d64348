"""Token API calls skip the browser middleware; everything else keeps it; the JSON renderer is orjson's."""

import json
from decimal import Decimal
from unittest import mock

from django.contrib.sessions.backends.db import SessionStore
from django.urls import reverse
from django.utils.translation import gettext_lazy
from knox.models import AuthToken
from rest_framework.renderers import JSONRenderer
from rest_framework.test import APIClient, APITestCase
from drf_orjson_renderer.renderers import ORJSONRenderer

from leads.tests.factories import LeadFactory
from organizations.tests.factories import BranchFactory, UserFactory, branch_user


class BrowserMiddlewareTests(APITestCase):
    def setUp(self):
        self.branch = BranchFactory()
        self.lead = LeadFactory(branch=self.branch)
        self.user = branch_user(self.branch, user=UserFactory(username="mw_token"))
        _, self.token = AuthToken.objects.create(self.user)

    def sessions_opened(self, call) -> int:
        with mock.patch.object(SessionStore, "__init__", autospec=True, side_effect=SessionStore.__init__) as opened:
            response = call()
        self.assertLess(response.status_code, 500)
        return opened.call_count

    def test_a_token_read_opens_no_session(self):
        client = APIClient(HTTP_AUTHORIZATION=f"Token {self.token}")
        self.assertEqual(self.sessions_opened(lambda: client.get(reverse("leads:list"))), 0)

    def test_a_session_read_still_uses_the_session(self):
        client = APIClient()
        client.force_login(self.user)
        self.assertGreater(self.sessions_opened(lambda: client.get(reverse("leads:list"))), 0)

    def test_a_token_call_with_another_users_session_cookie_is_the_token_user(self):
        other = branch_user(BranchFactory(), user=UserFactory(username="mw_session"))
        client = APIClient(HTTP_AUTHORIZATION=f"Token {self.token}")
        client.force_login(other)
        self.assertEqual(client.get(reverse("organizations:me")).data["username"], "mw_token")

    def test_session_sign_in_with_a_token_header_still_works(self):
        client = APIClient(HTTP_AUTHORIZATION=f"Token {self.token}")
        response = client.post(reverse("organizations:session"), {"username": "mw_token", "password": "pass-12345"})
        self.assertEqual(response.status_code, 200, response.content)

    def test_a_token_write_still_records_its_user_in_the_history(self):
        client = APIClient(HTTP_AUTHORIZATION=f"Token {self.token}")
        response = client.patch(reverse("leads:update", args=[self.lead.pk]), {"remarks": "called"}, format="json")
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(self.lead.history.latest().history_user, self.user)


class RendererTests(APITestCase):
    def test_orjson_renders_what_drfs_json_renderer_renders(self):
        data = {
            "count": 2, "next": None, "results": [
                {"id": 1, "customer_name": "Zainab Bibi — عائشہ", "amount": "1500.00", "ok": True, "tags": []},
                {"id": 2, "customer_name": 'Quote "x"\n', "score": 1.5, "lazy": gettext_lazy("Not found.")},
            ],
        }
        self.assertEqual(ORJSONRenderer().render(data), JSONRenderer().render(data))
        self.assertEqual(json.loads(ORJSONRenderer().render({"amount": Decimal("12.50")})), {"amount": "12.50"})

    def test_api_answers_are_rendered_by_orjson(self):
        user = branch_user(BranchFactory())
        self.client.force_authenticate(user)
        response = self.client.get(reverse("leads:list"))
        self.assertIsInstance(response.accepted_renderer, ORJSONRenderer)
        self.assertEqual(response["Content-Type"], "application/json")
