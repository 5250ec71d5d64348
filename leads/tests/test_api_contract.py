"""The public paths of ../shared/CONTRACT.md, pinned literally, and the OpenAPI schema's validity."""

import json
import re
import tempfile
from pathlib import Path

import yaml
from django.core.management import call_command
from django.test import SimpleTestCase
from django.urls import resolve, reverse

from leads.tests.api_base import LeadsAPITestCase

CONTRACT_PATHS = {
    # url name: (public path, arguments)
    "create": ("/api/leads/create/", ()),
    "list": ("/api/leads/list/", ()),
    "detail": ("/api/leads/detail/7/", (7,)),
    "update": ("/api/leads/update/7/", (7,)),
    "followup": ("/api/leads/followup/", ()),
    "loan-promise": ("/api/leads/loan-promise/", ()),
    "search": ("/api/leads/search/", ()),
    "convert": ("/api/leads/convert/7/", (7,)),
    "lost": ("/api/leads/lost/7/", (7,)),
    "followup-today": ("/api/leads/followup/today/", ()),
    "overdue-loans": ("/api/leads/overdue-loans/", ()),
    # Paths this API adds next to the contract's, in the same style.
    "lead-followups": ("/api/leads/detail/7/followups/", (7,)),
    "lead-loan-commitments": ("/api/leads/detail/7/loan-commitments/", (7,)),
    "loan-promise-clear": ("/api/leads/loan-promise/7/clear/", (7,)),
    "loan-promise-cancel": ("/api/leads/loan-promise/7/cancel/", (7,)),
}


class ContractPathTests(SimpleTestCase):
    def test_every_contract_path_resolves_to_its_named_view(self):
        for name, (path, args) in CONTRACT_PATHS.items():
            with self.subTest(path=path):
                self.assertEqual(reverse(f"leads:{name}", args=args), path)
                self.assertEqual(resolve(path).view_name, f"leads:{name}")

    def test_non_numeric_ids_in_paths_do_not_resolve(self):
        for path in ("/api/leads/detail/abc/", "/api/leads/convert/-1/", "/api/leads/lost/1.5/"):
            with self.subTest(path=path):
                self.assertEqual(self.client.get(path).status_code, 404)


class ContractOverHttpTests(LeadsAPITestCase):
    """The literal paths answer as the contract's table says (statuses only; details live elsewhere)."""

    def test_literal_paths_answer_with_the_contract_statuses(self):
        self.login(self.user_a1)
        created = self.client.post(
            "/api/leads/create/",
            {"customer_name": "Ayesha Khan", "contact_number": "0301 2345678", "branch": self.branch_a1.pk},
        )
        self.assertStatus(created, 201)
        lead_id = created.data["id"]
        self.assertStatus(self.client.get("/api/leads/list/"), 200)
        self.assertStatus(self.client.get(f"/api/leads/detail/{lead_id}/"), 200)
        self.assertStatus(self.client.patch(f"/api/leads/update/{lead_id}/", {"area": "Gulberg"}), 200)
        self.assertStatus(
            self.client.post("/api/leads/followup/", {"lead": lead_id, "remarks": "Called."}), 201
        )
        promise = self.client.post(
            "/api/leads/loan-promise/", {"lead": lead_id, "amount": "1000.00", "promised_clear_date": "2030-01-01"}
        )
        self.assertStatus(promise, 201)
        self.assertStatus(
            self.client.post("/api/leads/loan-promise/", {"id": promise.data["id"], "amount": "900.00"}), 200
        )
        search = self.client.get("/api/leads/search/", {"contact": "+923012345678"})
        self.assertStatus(search, 200)
        # "a list", paginated like every other list: {"count", "next", "previous", "results"}.
        self.assertEqual([row["id"] for row in search.data["results"]], [lead_id])
        self.assertStatus(self.client.get("/api/leads/search/"), 400)
        self.assertStatus(self.client.get("/api/leads/followup/today/"), 200)
        self.assertStatus(self.client.get("/api/leads/overdue-loans/"), 200)
        self.assertStatus(self.client.put(f"/api/leads/convert/{lead_id}/", {}), 200)
        self.assertStatus(self.client.put(f"/api/leads/convert/{lead_id}/", {}), 200)
        self.assertStatus(self.client.put(f"/api/leads/lost/{lead_id}/", {"lost_reason": "Changed mind"}), 409)

    def test_lists_are_paginated_in_the_contract_shape(self):
        self.login(self.user_a1)
        for path in (
            "/api/leads/list/",
            "/api/leads/followup/today/",
            "/api/leads/overdue-loans/",
            f"/api/leads/detail/{self.lead.pk}/followups/",
            f"/api/leads/detail/{self.lead.pk}/loan-commitments/",
        ):
            with self.subTest(path=path):
                response = self.client.get(path)
                self.assertStatus(response, 200)
                self.assertEqual(set(response.data), {"count", "next", "previous", "results"})


class SchemaTests(SimpleTestCase):
    def test_schema_validates_without_warnings(self):
        with tempfile.TemporaryDirectory() as tmp:
            target = Path(tmp) / "schema.yml"
            call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
            schema = yaml.safe_load(target.read_text())
        operations = {
            (method.upper(), path): operation
            for path, item in schema["paths"].items()
            if path.startswith("/api/leads/")
            for method, operation in item.items()
        }
        self.assertIn(("POST", "/api/leads/create/"), operations)
        for (method, path), operation in operations.items():
            with self.subTest(operation=f"{method} {path}"):
                self.assertTrue(operation.get("summary"))
                self.assertTrue({"401", "403"} <= set(operation["responses"]), operation["responses"].keys())
                if "{id}" in path:
                    self.assertIn("404", operation["responses"])
                if method in {"POST", "PUT", "PATCH"} and not path.endswith(("/clear/", "/cancel/", "/revert/")):
                    self.assertIn("requestBody", operation)
                    self.assertIn("400", operation["responses"])
        bad_request = operations[("POST", "/api/leads/create/")]["responses"]["400"]
        self.assertEqual(bad_request["content"]["application/json"]["schema"], {"$ref": "#/components/schemas/ValidationError"})
        self.assertEqual(json.dumps(schema["components"]["schemas"]["ErrorDetail"]["required"]), '["detail"]')

    def test_request_body_examples_fit_their_schemas(self):
        # Fuzzers and generated clients start from these examples; one the schema refuses is dropped.
        from jsonschema import Draft4Validator, RefResolver

        with tempfile.TemporaryDirectory() as tmp:
            target = Path(tmp) / "schema.json"
            call_command("spectacular", "--format", "openapi-json", "--file", str(target))
            schema = json.loads(target.read_text())
        checked = 0
        for path, item in schema["paths"].items():
            for method, operation in item.items():
                for media_type, content in operation.get("requestBody", {}).get("content", {}).items():
                    for name, example in content.get("examples", {}).items():
                        with self.subTest(operation=f"{method.upper()} {path}", media_type=media_type, example=name):
                            validator = Draft4Validator(content["schema"], resolver=RefResolver("", schema))
                            errors = [error.message for error in validator.iter_errors(example["value"])]
                            self.assertEqual(errors, [])
                            checked += 1
        self.assertGreaterEqual(checked, 6)

    def test_amount_patterns_match_what_the_fields_accept(self):
        from booking.serializers import BookingAmountField
        from leads.serializers.loans import POSITIVE_AMOUNT_PATTERN, PositiveAmountField

        booking_pattern = r"^\d{1,10}(?:\.\d{1,2})?$"
        values = ("0", "0.00", "0.01", ".5", "1", "10.5", "2500.00", "9999999999.99", "-1", "", "1.234", "12345678901")
        for pattern, field in ((POSITIVE_AMOUNT_PATTERN, PositiveAmountField()), (booking_pattern, BookingAmountField())):
            for value in values:
                with self.subTest(pattern=pattern, value=value):
                    try:
                        field.run_validation(value)
                        accepted = True
                    except Exception:
                        accepted = False
                    if re.match(pattern, value):
                        self.assertTrue(accepted, "the schema allows what the field refuses")

    def test_docs_pages_are_served_without_a_cdn(self):
        for path in ("/api/docs/", "/api/redoc/"):
            with self.subTest(path=path):
                response = self.client.get(path)
                self.assertEqual(response.status_code, 200)
                html = response.content.decode()
                self.assertNotIn("cdn.jsdelivr.net", html)
                self.assertNotIn("unpkg.com", html)
                self.assertIn("/static/drf_spectacular_sidecar/", html)
