"""No input answers 500: malformed bodies, wrong types, NUL bytes, huge numbers, odd query strings."""

import json

from django.utils import timezone

from leads.tests.api_base import LeadsAPITestCase
from leads.tests.factories import LoanCommitmentFactory

JUNK_VALUES = [None, True, 0, -1, 10**30, 1.5, "", " ", "\x00", "a\x00b", "x" * 10_000, [], [1], {}, {"a": 1}, "2026-02-30", "NaN", "\ud800"]


class MalformedInputTests(LeadsAPITestCase):
    def setUp(self):
        self.login(self.user_a1)
        self.commitment = LoanCommitmentFactory(lead=self.lead)
        self.writes = {
            "create": ("post", self.url("create")),
            "update": ("patch", self.url("update", self.lead.pk)),
            "followup": ("post", self.url("followup")),
            "loan-promise": ("post", self.url("loan-promise")),
            "convert": ("put", self.url("convert", self.lead.pk)),
            "lost": ("put", self.url("lost", self.lead.pk)),
        }

    def send_raw(self, method, url, body, content_type="application/json"):
        return getattr(self.client, method)(url, data=body, content_type=content_type)

    def test_malformed_bodies_are_400(self):
        bodies = ["{", "[1, 2]", '"text"', "null", "42", "\x00"]
        for name, (method, url) in self.writes.items():
            for body in bodies:
                with self.subTest(endpoint=name, body=body):
                    response = self.send_raw(method, url, body)
                    self.assertIn(response.status_code, (400,), response.content)

    def test_unsupported_media_type_is_415(self):
        for name, (method, url) in self.writes.items():
            with self.subTest(endpoint=name):
                response = self.send_raw(method, url, "<lead/>", content_type="application/xml")
                self.assertEqual(response.status_code, 415)

    def test_junk_in_every_field_is_never_a_500(self):
        fields = {
            "create": ["customer_name", "contact_number", "passport_number", "cnic", "branch", "lead_source",
                       "lead_status", "next_followup_date", "assigned_to", "area", "remarks"],
            "update": ["customer_name", "contact_number", "branch", "lead_status", "assigned_to", "lost_reason"],
            "followup": ["lead", "remarks", "contact_method", "followup_at", "next_followup_date"],
            "loan-promise": ["id", "lead", "booking", "amount", "promised_clear_date", "remarks"],
            "convert": ["booking"],
            "lost": ["lost_reason"],
        }
        valid = {
            "create": {"customer_name": "A", "contact_number": "03001234567", "branch": self.branch_a1.pk},
            "update": {},
            "followup": {"lead": self.lead.pk, "remarks": "r"},
            "loan-promise": {"lead": self.lead.pk, "amount": "5", "promised_clear_date": str(timezone.localdate())},
            "convert": {},
            "lost": {"lost_reason": "r"},
        }
        for name, names in fields.items():
            method, url = self.writes[name]
            for field in names:
                for value in JUNK_VALUES:
                    with self.subTest(endpoint=name, field=field, value=repr(value)[:20]):
                        body = json.dumps({**valid[name], field: value})
                        response = self.send_raw(method, url, body)
                        self.assertLess(response.status_code, 500, response.content[:300])

    def test_nul_bytes_in_text_fields_are_400_naming_the_field(self):
        cases = [
            ("create", {"customer_name": "Ali\x00", "contact_number": "03001234567", "branch": self.branch_a1.pk}, "customer_name"),
            ("update", {"remarks": "x\x00y"}, "remarks"),
            ("followup", {"lead": self.lead.pk, "remarks": "\x00"}, "remarks"),
            ("lost", {"lost_reason": "gone\x00"}, "lost_reason"),
            ("create", {"customer_name": "Ali", "contact_number": "0300\x001234567", "branch": self.branch_a1.pk}, "contact_number"),
        ]
        for name, body, field in cases:
            with self.subTest(endpoint=name, field=field):
                method, url = self.writes[name]
                response = self.send_raw(method, url, json.dumps(body))
                self.assertEqual(response.status_code, 400, response.content)
                self.assertIn(field, response.data)

    def test_lone_surrogates_in_text_are_400(self):
        body = '{"customer_name": "Ali \\ud800", "contact_number": "03001234567", "branch": %d}' % self.branch_a1.pk
        response = self.send_raw("post", self.url("create"), body)
        self.assertEqual(response.status_code, 400, response.content)
        self.assertIn("customer_name", response.data)

    def test_odd_query_strings_on_lists_are_never_a_500(self):
        urls = [self.url("list"), self.url("followup-today"), self.url("overdue-loans"), self.url("search"),
                self.url("lead-followups", self.lead.pk), self.url("lead-loan-commitments", self.lead.pk)]
        params = ["page=abc", "page=-1", "page_size=0", "page_size=99999999999999999999", "branch_id=%00",
                  "q=%00", "q=%ff%fe", "passport=%00", "contact=%ff", "ordering=-", "lead_status=",
                  "assigned_to=1e3", "created_at_after=9999-99-99", "cnic=" + "9" * 5000]
        for url in urls:
            for query in params:
                with self.subTest(url=url, query=query):
                    response = self.client.get(f"{url}?{query}")
                    self.assertLess(response.status_code, 500)

    def test_huge_ids_in_paths_are_404(self):
        huge = 10**30
        for path in (f"/api/leads/detail/{huge}/", f"/api/leads/update/{huge}/", f"/api/leads/loan-promise/{huge}/clear/"):
            with self.subTest(path=path):
                method = "PUT" if "clear" in path else "PATCH" if "update" in path else "GET"
                response = self.client.generic(method, path, "{}", content_type="application/json")
                self.assertEqual(response.status_code, 404)


class HostileValuesTests(LeadsAPITestCase):
    """Datetimes that cannot be placed in time and identity values in other scripts: 400 or one stored form."""

    def setUp(self):
        self.login(self.user_a1)

    def test_naive_and_out_of_range_followup_at_are_400_on_the_field(self):
        for value in ("0001-01-01T00:00:00", "0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59Z",
                      "2026-11-27T10:30:00", "1800-01-01T00:00:00Z"):
            with self.subTest(value=value):
                response = self.client.post(
                    self.url("followup"), {"lead": self.lead.pk, "remarks": "r", "followup_at": value}, format="json"
                )
                self.assertStatus(response, 400)
                self.assertEqual(list(response.data), ["followup_at"])

    def test_followup_at_with_an_offset_is_accepted(self):
        response = self.client.post(
            self.url("followup"), {"lead": self.lead.pk, "remarks": "r", "followup_at": "2026-01-02T10:30:00+05:00"},
            format="json",
        )
        self.assertStatus(response, 201)

    def test_cnic_in_urdu_digits_is_stored_in_ascii_and_found_by_an_ascii_search(self):
        response = self.client.post(
            self.url("create"),
            {"customer_name": "Urdu Digits", "contact_number": "۰۳۰۰ ۷۷۷۸۸۸۹", "cnic": "۳۵۲۰۲-۷۶۵۴۳۲۱-۹",
             "passport_number": "ｘｙ７６５４３２１", "branch": self.branch_a1.pk},
            format="json",
        )
        self.assertStatus(response, 201)
        self.assertEqual(
            (response.data["cnic"], response.data["contact_number"], response.data["passport_number"]),
            ("35202-7654321-9", "+923007778889", "XY7654321"),
        )
        found = self.client.get(self.url("search"), {"cnic": "3520276543219"})
        self.assertEqual([row["id"] for row in found.data["results"]], [response.data["id"]])

    def test_sharp_s_passport_is_400(self):
        response = self.client.post(
            self.url("create"),
            {"customer_name": "Sharp S", "contact_number": "0300 7778880", "passport_number": "ß1234567",
             "branch": self.branch_a1.pk},
            format="json",
        )
        self.assertStatus(response, 400)
        self.assertEqual(list(response.data), ["passport_number"])


class ListItemErrorsTests(LeadsAPITestCase):
    def test_errors_keyed_by_list_index_render_as_a_400(self):
        # DRF names a bad list item by its index (an int key); the JSON renderer must accept it.
        self.login(self.user_a1)
        response = self.client.post(self.url("merge"), {"into": self.lead.pk, "merge": [1, "AAA", None]}, format="json")
        self.assertStatus(response, 400)
        self.assertIn("merge", response.json())

    def test_a_search_page_past_the_end_is_404(self):
        self.login(self.user_a1)
        response = self.client.get(self.url("search"), {"passport": self.lead.passport_number, "page": 99})
        self.assertStatus(response, 404)
