"""The browsable API: every endpoint renders in a browser, and every write offers a usable form.

Opening an API URL in a browser (`Accept: text/html`, signed in with a session) used to be a 500
on every write endpoint (no serializer for the form). The API takes JSON only, so the form is
DRF's raw-data form, prefilled with the operation's fields as JSON.
"""

import re

from drf_spectacular.generators import SchemaGenerator

from leads.tests.api_base import LeadsAPITestCase
from leads.tests.factories import LoanCommitmentFactory

WRITE_METHODS = {"post", "put", "patch"}


class BrowsableAPITests(LeadsAPITestCase):
    def setUp(self):
        self.client.force_login(self.user_a1)
        self.commitment = LoanCommitmentFactory(lead=self.lead)
        self.schema = SchemaGenerator().get_schema(request=None, public=True)

    def concrete(self, path: str) -> str:
        object_id = self.commitment.pk if "loan-promise" in path else self.lead.pk
        return re.sub(r"\{[^}]+\}", str(object_id), path)

    def test_every_endpoint_renders_html_and_every_write_has_a_form(self):
        for path, operations in self.schema["paths"].items():
            url = self.concrete(path)
            with self.subTest(path=path):
                response = self.client.get(url, HTTP_ACCEPT="text/html")
                self.assertLess(response.status_code, 500, "" if response.streaming else response.content[:2000])
                if response.status_code in (401, 403, 404) or response.streaming:
                    # Not this user's (logout takes a token; an import id that does not exist) or a
                    # download (export/): no page with forms to check.
                    continue
                self.assertTrue(response["Content-Type"].startswith("text/html"), response["Content-Type"])
                body = response.content.decode()
                for method in WRITE_METHODS & set(operations):
                    form_method = "post" if method == "post" else "put"
                    self.assertIn(f'id="{form_method}-generic-content-form"', body, f"{method.upper()} {path}")

    def test_the_raw_form_is_prefilled_with_the_operation_fields_as_json(self):
        response = self.client.get(self.url("create"), HTTP_ACCEPT="text/html")
        body = response.content.decode()
        for field in ("customer_name", "contact_number", "branch"):
            self.assertIn(f"&quot;{field}&quot;", body)
        self.assertIn('value="application/json"', body)

    def test_the_form_posts_json_and_creates_the_lead(self):
        # What the raw-data form submits: the JSON text with its content type, and the session's CSRF token.
        response = self.client.post(
            self.url("create"),
            data='{"customer_name": "Browser User", "contact_number": "0300 1112223", "branch": %d}' % self.branch_a1.pk,
            content_type="application/json",
            HTTP_ACCEPT="text/html",
        )
        self.assertEqual(response.status_code, 201)
        self.assertIn("Browser User", response.content.decode())
