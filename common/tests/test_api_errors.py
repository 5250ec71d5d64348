"""Findings of `make fuzz`, pinned: every API answer is JSON in a documented shape, never a 500."""

from django.test import RequestFactory, TestCase
from django.urls import reverse
from rest_framework.test import APITestCase

from leads.tests.factories import LeadFactory
from organizations import error_views
from organizations.tests.factories import BranchFactory, branch_user


class ApiErrorShapeTests(APITestCase):
    def setUp(self):
        self.branch = BranchFactory()
        self.user = branch_user(self.branch)
        self.lead = LeadFactory(branch=self.branch)
        self.client.force_authenticate(self.user)

    def test_api_path_matching_no_route_is_a_json_404(self):
        for path in ("/api/leads/detail/null,null/", "/api/leads/detail/abc/history/", "/api/nothing-here/"):
            with self.subTest(path=path):
                response = self.client.get(path)
                self.assertEqual(response.status_code, 404)
                self.assertEqual(response["Content-Type"], "application/json")
                self.assertEqual(response.json(), {"detail": "Not found."})

    def test_non_api_path_keeps_the_html_404(self):
        response = self.client.get("/no-such-page/")
        self.assertEqual(response.status_code, 404)
        self.assertTrue(response["Content-Type"].startswith("text/html"))

    def test_unhandled_error_under_api_is_a_json_500(self):
        response = error_views.server_error(RequestFactory().get("/api/leads/list/"))
        self.assertEqual((response.status_code, response["Content-Type"]), (500, "application/json"))
        html = error_views.server_error(RequestFactory().get("/admin/"))
        self.assertTrue(html["Content-Type"].startswith("text/html"))

    def test_options_is_405_not_a_500(self):
        for name in ("leads:create", "leads:followup", "leads:loan-promise"):
            with self.subTest(name=name):
                response = self.client.options(reverse(name), {"lead": self.lead.pk}, format="json")
                self.assertEqual(response.status_code, 405)
                self.assertIn("detail", response.json())

    def test_form_encoded_bodies_are_415(self):
        response = self.client.post(
            reverse("leads:followup"), {"lead": self.lead.pk, "remarks": "x", "next_followup_date": ""}, format="multipart"
        )
        self.assertEqual(response.status_code, 415)

    def test_malformed_json_is_400_with_detail(self):
        response = self.client.generic("POST", reverse("leads:followup"), "\x00", content_type="application/json")
        self.assertEqual(response.status_code, 400)
        self.assertIn("JSON parse error", response.json()["detail"])

    def test_empty_optional_query_values_mean_not_given(self):
        response = self.client.get(reverse("leads:list"), {"next_followup_date_before": "", "page_size": "", "page": ""})
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["count"], 1)

    def test_page_size_that_is_not_a_positive_integer_is_400_on_every_paginated_list(self):
        for name, args in (("leads:history", [self.lead.pk]), ("leads:list", []), ("leads:overdue-loans", [])):
            with self.subTest(name=name):
                response = self.client.get(reverse(name, args=args), {"page_size": "null"})
                self.assertEqual(response.status_code, 400)
                self.assertEqual(set(response.json()), {"page_size"})


class SchemaConventionTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = branch_user(BranchFactory())

    def setUp(self):
        self.client.force_login(self.user)
        self.schema = self.client.get(reverse("schema"), {"format": "json"}).json()

    def operations(self):
        for path, operations in self.schema["paths"].items():
            for method, operation in operations.items():
                yield f"{method.upper()} {path}", operation

    def test_paginated_operations_document_400_for_page_size(self):
        paginated = [
            (name, op) for name, op in self.operations()
            if any(p["name"] == "page_size" for p in op.get("parameters", []))
        ]
        self.assertGreaterEqual(len(paginated), 6)
        for name, operation in paginated:
            with self.subTest(operation=name):
                self.assertIn("400", operation["responses"])

    def test_optional_query_parameters_allow_the_empty_value(self):
        for name, operation in self.operations():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "query" and not parameter.get("required"):
                    with self.subTest(operation=name, parameter=parameter["name"]):
                        self.assertTrue(parameter.get("allowEmptyValue"))

    def test_request_bodies_are_json_only(self):
        for name, operation in self.operations():
            if "requestBody" in operation:
                with self.subTest(operation=name):
                    # A file upload is the one multipart body (the import's CSV or XLSX); the intake also takes
                    # an HTML form's post (form-encoded), which cannot send JSON.
                    expected = {
                        "leads_imports_create": ["multipart/form-data"],
                        "leads_intake_create": ["application/json", "application/x-www-form-urlencoded"],
                    }.get(operation["operationId"], ["application/json"])
                    self.assertEqual(list(operation["requestBody"]["content"]), expected)

    def test_history_operation_is_listed(self):
        self.assertIn("get", self.schema["paths"]["/api/leads/detail/{id}/history/"])


class StrictTextTests(APITestCase):
    """Text fields take JSON strings only (found by make fuzz: `{"lost_reason": 0}` was stored as "0")."""

    def setUp(self):
        self.branch = BranchFactory()
        self.client.force_authenticate(branch_user(self.branch))
        self.lead = LeadFactory(branch=self.branch)

    def test_numbers_and_booleans_in_text_fields_are_400_naming_the_field(self):
        cases = [
            ("leads:lost", [self.lead.pk], "put", {"lost_reason": 0}, "lost_reason"),
            ("leads:followup", [], "post", {"lead": self.lead.pk, "remarks": 12}, "remarks"),
            ("leads:update", [self.lead.pk], "patch", {"area": 1.5}, "area"),
            ("leads:create", [], "post", {"customer_name": 7, "contact_number": "03001234567", "branch": self.branch.pk}, "customer_name"),
        ]
        for name, args, method, body, field in cases:
            with self.subTest(name=name):
                response = getattr(self.client, method)(reverse(name, args=args), body, format="json")
                self.assertEqual(response.status_code, 400, response.content)
                self.assertIn(field, response.json())
        self.lead.refresh_from_db()
        self.assertNotEqual(self.lead.lead_status, "lost")
