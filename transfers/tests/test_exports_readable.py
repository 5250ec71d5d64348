"""`labels=readable` exports: titles and values a person reads, whose lead columns re-import."""

import csv
import io

from django.urls import reverse
from openpyxl import load_workbook

from leads.models import Lead, LeadSource, LeadStatus, LostReason
from leads.tests.api_base import LeadsAPITestCase
from leads.tests.factories import LeadFactory
from transfers.exports import HEADER, READABLE_HEADER, READABLE_TITLES, mask
from transfers.files import columns_of
from transfers.models import LeadExport
from transfers.rows import leads_import_rows
from transfers.vocabulary import COLUMN_BY_KEY, IMPORT_COLUMNS, ImportMode, RowAction, column_key


class ReadableExportTests(LeadsAPITestCase):
    def export(self, user, query):
        self.login(user)
        return self.client.get(reverse("transfers:export") + query)

    def csv_text(self, response):
        self.assertEqual(response.status_code, 200)
        return b"".join(response.streaming_content).decode("utf-8-sig")

    def csv_rows(self, response):
        return list(csv.DictReader(io.StringIO(self.csv_text(response))))

    def row_of(self, rows, lead, id_column="ID"):
        [row] = [row for row in rows if row[id_column] == str(lead.pk)]
        return row

    def setUp(self):
        self.lead.lead_status = LeadStatus.CONTACTED
        self.lead.lead_source = LeadSource.WALK_IN
        self.lead.save()
        reason = LostReason.objects.create(organization=self.alpha, code="too_far", label="Office too far")
        self.lost = LeadFactory(
            branch=self.branch_a1, lead_status=LeadStatus.LOST, lead_source=LeadSource.SOCIAL_MEDIA,
            lost_reason_category=reason,
        )

    def test_csv_has_readable_titles_and_values(self):
        rows = self.csv_rows(self.export(self.admin_a, "?format=csv&labels=readable"))
        self.assertEqual(list(rows[0]), READABLE_HEADER)
        self.assertIn("Customer name", READABLE_HEADER)
        self.assertIn("Next follow-up date", READABLE_HEADER)
        self.assertIn("Outstanding amount", READABLE_HEADER)
        row = self.row_of(rows, self.lead)
        self.assertEqual((row["Lead status"], row["Lead source"], row["Open"], row["Lost reason"]),
                         ("Contacted", "Walk-in", "Yes", ""))
        self.assertEqual(row["Next follow-up date"], str(self.lead.next_followup_date or ""))
        lost = self.row_of(rows, self.lost)
        self.assertEqual((lost["Lead status"], lost["Lead source"], lost["Open"], lost["Lost reason"]),
                         ("Lost", "Social media", "No", "Office too far"))

    def test_xlsx_has_readable_titles_and_values(self):
        response = self.export(self.admin_a, "?format=xlsx&labels=readable")
        self.assertEqual(response.status_code, 200)
        workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
        rows = list(workbook.worksheets[0].iter_rows(values_only=True))
        self.assertEqual(list(rows[0]), READABLE_HEADER)
        [lost] = [row for row in rows[1:] if row[0] == self.lost.pk]
        value = dict(zip(HEADER, lost))
        self.assertEqual((value["lead_status"], value["lead_source"], value["is_open"], value["lost_reason_code"]),
                         ("Lost", "Social media", "No", "Office too far"))

    def test_default_is_unchanged_and_empty_labels_is_the_default(self):
        for query in ("?format=csv", "?format=csv&labels="):
            with self.subTest(query=query):
                rows = self.csv_rows(self.export(self.admin_a, query))
                self.assertEqual(list(rows[0]), HEADER)
                row = self.row_of(rows, self.lost, id_column="id")
                self.assertEqual((row["lead_status"], row["lead_source"], row["is_open"], row["lost_reason_code"]),
                                 ("lost", "social_media", "False", "too_far"))

    def test_other_labels_are_a_400_on_labels(self):
        for query in ("?labels=pretty", "?format=xlsx&labels=READABLE"):
            with self.subTest(query=query):
                response = self.export(self.admin_a, query)
                self.assertEqual(response.status_code, 400)
                self.assertIn("labels", response.json())
        self.assertEqual(LeadExport.objects.count(), 0)

    def test_labels_is_not_recorded_as_a_filter(self):
        self.csv_text(self.export(self.admin_a, "?labels=readable&lead_status=lost"))
        self.assertEqual(LeadExport.objects.get().filters, {"lead_status": ["lost"]})

    def test_branch_users_still_get_identity_masked(self):
        row = self.row_of(self.csv_rows(self.export(self.user_a1, "?labels=readable")), self.lead)
        self.assertEqual((row["Passport number"], row["CNIC"]), (mask(self.lead.passport_number), mask(self.lead.cnic)))
        self.assertNotEqual(row["Passport number"], self.lead.passport_number)

    def test_every_import_columns_readable_title_maps_to_its_field(self):
        for name in IMPORT_COLUMNS:
            if name in READABLE_TITLES:
                with self.subTest(name=name):
                    self.assertEqual(COLUMN_BY_KEY[column_key(READABLE_TITLES[name])], name)
        self.assertEqual(column_key("Next follow-up date"), column_key("next_followup_date"))

    def test_readable_csv_reimports_in_upsert_creating_nothing(self):
        text = self.csv_text(self.export(self.admin_a, "?labels=readable"))
        header, *body = list(csv.reader(io.StringIO(text)))
        # The import knows the lead's own columns; ids, branch and money are not imported.
        keep = [index for index, title in enumerate(header) if column_key(title) in COLUMN_BY_KEY]
        self.assertIn(header.index("Lead status"), keep)
        self.assertIn(header.index("Next follow-up date"), keep)
        columns = columns_of([header[index] for index in keep], mode=ImportMode.UPSERT)
        rows = [(number, dict(zip(columns, [line[index] for index in keep]))) for number, line in enumerate(body, 2)]
        before = Lead.objects.count()
        outcomes = leads_import_rows(branch=self.branch_a1, mode=ImportMode.UPSERT, rows=rows, actor=self.admin_a)
        self.assertEqual(len(outcomes), Lead.objects.filter(organization=self.alpha).count())
        self.assertEqual({outcome.action for outcome in outcomes}, {RowAction.SKIPPED}, [o.errors for o in outcomes])
        self.assertEqual(Lead.objects.count(), before)
