"""Hostile JSON bodies are 4xx before the decoder recurses."""

from django.core.cache import cache
from django.test import TestCase, override_settings

from common.api.parsers import MAX_JSON_DEPTH, json_depth


class JsonDepthTests(TestCase):
    def setUp(self):
        # Sign-in attempts count against the login throttle: start and leave the counters empty.
        cache.clear()
        self.addCleanup(cache.clear)

    def test_depth_counts_arrays_and_objects_but_not_brackets_in_strings(self):
        self.assertEqual(json_depth(b'{"a": [1, {"b": 2}]}'), 3)
        self.assertEqual(json_depth(b'{"a": "[[[[{{{{\\"]]]"}'), 1)
        self.assertEqual(json_depth(b"42"), 0)

    def test_deeply_nested_bodies_are_400_on_every_json_endpoint_including_sign_in(self):
        body = "[" * 1000 + "]" * 1000
        for path in ("/api/auth/token/", "/api/leads/create/", "/api/bookings/"):
            with self.subTest(path=path):
                response = self.client.post(path, body, content_type="application/json")
                self.assertIn(response.status_code, (400, 401))  # anonymous writes may be refused first
        response = self.client.post("/api/auth/token/", body, content_type="application/json")
        self.assertEqual(response.status_code, 400)
        self.assertIn("nested deeper", response.json()["detail"])

    def test_nesting_at_the_limit_still_reaches_validation(self):
        body = '{"username": ' + "[" * (MAX_JSON_DEPTH - 1) + "]" * (MAX_JSON_DEPTH - 1) + ', "password": "x"}'
        response = self.client.post("/api/auth/token/", body, content_type="application/json")
        self.assertEqual(response.status_code, 400)
        self.assertIn("username", response.json())

    @override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=100)
    def test_bodies_above_the_upload_limit_are_413(self):
        body = '{"username": "' + "x" * 200 + '", "password": "x"}'
        response = self.client.post("/api/auth/token/", body, content_type="application/json")
        self.assertEqual(response.status_code, 413)
