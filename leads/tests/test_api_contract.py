"""The public paths of ../shared/CONTRACT.md, pinned literally, and the OpenAPI schema's validity."""

import json
import re
import tempfile
from pathlib import Path

import yaml
from django.core.management import call_command
from django.test import SimpleTestCase
from django.urls import resolve, reverse
from django.utils import timezone

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
            "/api/leads/loan-promise/", {"lead": lead_id, "amount": "1000.00", "promised_clear_date": str(timezone.localdate())}
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
        # Doors for the outside world, opened by an intake key or Meta's signature instead of a sign-in.
        public = {("POST", "/api/leads/intake/"), ("GET", "/api/leads/intake/meta/"), ("POST", "/api/leads/intake/meta/")}
        for (method, path), operation in operations.items():
            with self.subTest(operation=f"{method} {path}"):
                self.assertTrue(operation.get("summary"))
                if (method, path) not in public:
                    self.assertTrue({"401", "403"} <= set(operation["responses"]), operation["responses"].keys())
                if "{id}" in path:
                    self.assertIn("404", operation["responses"])
                if method in {"POST", "PUT", "PATCH"} and not path.endswith(("/clear/", "/cancel/", "/revert/", "/deactivate/", "/revoke/")):
                    self.assertIn("requestBody", operation)
                    self.assertIn("400", operation["responses"])
        bad_request = operations[("POST", "/api/leads/create/")]["responses"]["400"]
        self.assertEqual(bad_request["content"]["application/json"]["schema"], {"$ref": "#/components/schemas/ValidationError"})
        self.assertEqual(json.dumps(schema["components"]["schemas"]["ErrorDetail"]["required"]), '["detail"]')

    def test_request_body_examples_fit_their_schemas(self):
        # Fuzzers and generated clients start from these examples; one the schema refuses is dropped.
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
                            validator = schema_validator(schema, content["schema"])
                            errors = [error.message for error in validator.iter_errors(example["value"])]
                            self.assertEqual(errors, [])
                            checked += 1
        self.assertGreaterEqual(checked, 6)

    def test_create_offers_the_open_statuses_and_update_every_status(self):
        # A new lead starts open (converted and lost have their own endpoints); update takes a final
        # lead's own status back unchanged, so a GET-modify-PUT of a converted lead round-trips.
        with tempfile.TemporaryDirectory() as tmp:
            target = Path(tmp) / "schema.json"
            call_command("spectacular", "--format", "openapi-json", "--file", str(target))
            schemas = json.loads(target.read_text())["components"]["schemas"]

        def statuses(component):
            [reference] = schemas[component]["properties"]["lead_status"]["allOf"]
            return schemas[reference["$ref"].rsplit("/", 1)[-1]]["enum"]

        self.assertEqual(statuses("LeadCreateInputRequest"), ["new", "contacted", "interested"])
        self.assertEqual(statuses("LeadUpdateInputRequest"), ["new", "contacted", "interested", "converted", "lost"])

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


def request_validator(schema, path, method):
    """A JSON Schema validator for an operation's JSON request body, resolving the schema's components."""
    return schema_validator(schema, schema["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"])


def schema_validator(document, part):
    """A validator for `part` of the OpenAPI `document`, its `#/components/…` references resolved in it."""
    from jsonschema import Draft4Validator

    # The components travel with the part, so `#/…` resolves in the one document being validated.
    return Draft4Validator({**part, "components": document["components"]})


class RequiredAlternativesSchemaTests(SimpleTestCase):
    """Bodies whose required fields depend on each other list their accepted shapes, each a named component."""

    def setUp(self):
        with tempfile.TemporaryDirectory() as tmp:
            target = Path(tmp) / "schema.json"
            call_command("spectacular", "--format", "openapi-json", "--file", str(target))
            self.schema = json.loads(target.read_text())

    def test_loan_promise_and_lost_bodies_are_required_and_any_of_named_shapes(self):
        schemas = self.schema["components"]["schemas"]
        for path, method, component, shapes in (
            (
                "/api/leads/loan-promise/",
                "post",
                "LoanPromiseInputRequest",
                {"LoanCommitmentAddRequest": ["lead", "amount", "promised_clear_date"], "LoanCommitmentUpdateRequest": ["id"]},
            ),
            (
                "/api/leads/lost/{id}/",
                "put",
                "LeadLostInputRequest",
                {"LeadLostWithReasonRequest": ["lost_reason"], "LeadLostWithCodeRequest": ["lost_reason_code"]},
            ),
        ):
            with self.subTest(operation=f"{method.upper()} {path}"):
                body = self.schema["paths"][path][method]["requestBody"]
                self.assertTrue(body["required"])
                self.assertEqual(body["content"]["application/json"]["schema"], {"$ref": f"#/components/schemas/{component}"})
                # Only references: an inline `anyOf` of `required` lists is what generated clients type as Any.
                self.assertEqual(
                    schemas[component]["anyOf"], [{"$ref": f"#/components/schemas/{name}"} for name in shapes]
                )
                self.assertNotIn("oneOf", schemas[component])
                for name, required in shapes.items():
                    self.assertEqual(schemas[name]["type"], "object")
                    self.assertEqual(schemas[name]["required"], required)
                    self.assertLessEqual(set(required), set(schemas[name]["properties"]))
                    # A required field has nothing to default to.
                    self.assertFalse([field for field in required if "default" in schemas[name]["properties"][field]])
        # An addition takes no `id`: with one, the body is an update.
        self.assertNotIn("id", schemas["LoanCommitmentAddRequest"]["properties"])
        # A PATCH needs no field, so its body stays optional.
        self.assertNotIn("required", self.schema["paths"]["/api/leads/update/{id}/"]["patch"]["requestBody"])

    def test_non_blank_pattern_judges_whitespace_as_trimming_does(self):
        from common.api.fields import NON_BLANK_PATTERN

        validator = request_validator(self.schema, "/api/leads/lost/{id}/", "put")
        disagreeing = [
            hex(code)
            for code in range(0x110000)
            if not 0xD800 <= code <= 0xDFFF and (re.search(NON_BLANK_PATTERN, chr(code)) is None) != (chr(code).strip() == "")
        ]
        self.assertEqual(disagreeing, [])
        for text, accepted in (("Too expensive", True), (" \t\u3000\x1c\x85", False), ("\ufeff", True)):
            with self.subTest(text=text):
                self.assertEqual(validator.is_valid({"lost_reason": text}), accepted)


class RequiredAlternativesAgreementTests(LeadsAPITestCase):
    """The schema's shapes of the loan-promise and lost bodies accept exactly what the API accepts."""

    def setUp(self):
        self.login(self.user_a1)
        self.schema = self.client.get(reverse("schema"), {"format": "json"}).json()

    def assertSchemaAgrees(self, validator, body, response):
        accepted = 200 <= response.status_code < 300
        self.assertEqual(validator.is_valid(body), accepted, (response.status_code, getattr(response, "data", None)))

    def test_lost_needs_a_reason_in_words_or_a_code_other_than_other(self):
        from leads.tests.factories import LeadFactory

        validator = request_validator(self.schema, "/api/leads/lost/{id}/", "put")
        bodies = [
            {},
            {"lost_reason": ""},
            {"lost_reason": " \u3000 "},
            {"lost_reason": "Booked with a competitor"},
            {"lost_reason_code": "other"},
            {"lost_reason_code": " other "},
            {"lost_reason_code": "other", "lost_reason": "Went to Dubai instead"},
            {"lost_reason_code": "price"},
            {"lost_reason_code": "price", "lost_reason": ""},
            # Fits both shapes: accepted, so the schema says anyOf, not oneOf.
            {"lost_reason_code": "price", "lost_reason": "Cheaper elsewhere"},
        ]
        for body in bodies:
            with self.subTest(body=body):
                lead = LeadFactory(branch=self.branch_a1)
                self.assertSchemaAgrees(validator, body, self.client.put(self.url("lost", lead.pk), body, format="json"))

    def test_loan_promise_adds_with_lead_amount_and_date_or_updates_by_id(self):
        import datetime

        from django.utils import timezone

        from leads.tests.factories import LoanCommitmentFactory

        validator = request_validator(self.schema, "/api/leads/loan-promise/", "post")
        commitment = LoanCommitmentFactory(lead=self.lead)
        day = (timezone.localdate() + datetime.timedelta(days=7)).isoformat()
        bodies = [
            {},
            {"remarks": "Pays after Eid"},
            {"lead": self.lead.pk},
            {"lead": self.lead.pk, "amount": "100"},
            {"amount": "100", "promised_clear_date": day},
            {"lead": self.lead.pk, "amount": "100", "promised_clear_date": day},
            {"id": commitment.pk},
            {"id": commitment.pk, "amount": "90"},
            # Fits both shapes (an addition's three fields and an update's id): an update.
            {"id": commitment.pk, "lead": self.lead.pk, "amount": "80", "promised_clear_date": day},
        ]
        for body in bodies:
            with self.subTest(body=body):
                response = self.client.post(self.url("loan-promise"), body, format="json")
                self.assertSchemaAgrees(validator, body, response)
