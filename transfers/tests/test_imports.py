"""Imports through the public API: modes, each error kind, the report, dry runs, revert."""

import io
from unittest import mock
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from leads.models import FollowUpHistory, Lead, LeadStatus
from leads.tests.api_base import LeadsAPITestCase
from leads.tests.factories import LeadFactory, LoanCommitmentFactory
from transfers.models import LeadImport
from transfers import services
from transfers.services import lead_import_run

HEADER = "Customer Name,Contact Number,Passport Number,CNIC,Area,Lead Status,Next Followup Date,followup_remarks\n"


def csv_file(*lines: str, header: str = HEADER, name: str = "register.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, (header + "".join(line + "\n" for line in lines)).encode(), "text/csv")


def xlsx_file(rows: list[list], name: str = "register.xlsx") -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), "application/octet-stream")


class ImportAPITestCase(LeadsAPITestCase):
    def upload(self, upload, *, mode="upsert", dry_run=False, branch=None, user=None):
        self.login(user or self.user_a1)
        data = {"file": upload, "branch": (branch or self.branch_a1).pk, "mode": mode, "dry_run": str(dry_run).lower()}
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(reverse("transfers:import-create"), data, format="multipart")
        return response

    def report(self, import_id, user=None):
        self.login(user or self.user_a1)
        response = self.client.get(reverse("transfers:import-detail", args=[import_id]))
        self.assertStatus(response, 200)
        return response.json()

    def run_import(self, upload, **kwargs):
        response = self.upload(upload, **kwargs)
        self.assertStatus(response, 202)
        self.assertEqual(set(response.json()), {"id", "status"})
        return self.report(response.json()["id"], user=kwargs.get("user"))


class ImportModesTests(ImportAPITestCase):
    def test_create_mode_creates_new_rows_and_skips_matches(self):
        report = self.run_import(
            csv_file(
                "Ayesha Khan,0300 1112223,ab 1234567,,Gulberg,,,",
                f"Someone Else,0300 9998887,{self.lead.passport_number},,,,,",
            ),
            mode="create",
        )
        self.assertEqual(report["status"], "done")
        self.assertEqual(
            {k: report[k] for k in ("total", "processed", "created", "updated", "skipped", "failed")},
            {"total": 2, "processed": 2, "created": 1, "updated": 0, "skipped": 1, "failed": 0},
        )
        lead = Lead.objects.get(passport_number="AB1234567")
        self.assertEqual((lead.contact_number, lead.branch, lead.created_by), ("+923001112223", self.branch_a1, self.user_a1))
        self.lead.refresh_from_db()
        self.assertEqual(self.lead.customer_name, "Muhammad Asif")

    def test_update_mode_updates_matches_and_skips_the_rest(self):
        report = self.run_import(
            csv_file(
                f"Muhammad Asif Khan,,{self.lead.passport_number},,Johar Town,,,",
                "New Person,0300 1112223,XY7654321,,,,,",
            ),
            mode="update",
        )
        self.assertEqual((report["created"], report["updated"], report["skipped"], report["failed"]), (0, 1, 1, 0))
        self.lead.refresh_from_db()
        self.assertEqual((self.lead.customer_name, self.lead.area), ("Muhammad Asif Khan", "Johar Town"))
        self.assertFalse(Lead.objects.filter(passport_number="XY7654321").exists())

    def test_upsert_matches_by_passport_then_cnic_then_contact(self):
        by_cnic = LeadFactory(branch=self.branch_a1, passport_number="", cnic="35202-1111111-1")
        by_contact = LeadFactory(branch=self.branch_a1, passport_number="", cnic="", contact_number="+923004445556")
        report = self.run_import(
            csv_file(
                f"Renamed One,,{self.lead.passport_number},,,,,",
                "Renamed Two,,,3520211111111,,,,",
                "Renamed Three,03004445556,,,,,,",
                "Brand New,0300 7778889,,,,,,",
            )
        )
        self.assertEqual((report["created"], report["updated"], report["failed"]), (1, 3, 0), report["errors"])
        names = set(Lead.objects.filter(pk__in=[self.lead.pk, by_cnic.pk, by_contact.pk]).values_list("customer_name", flat=True))
        self.assertEqual(names, {"Renamed One", "Renamed Two", "Renamed Three"})

    def test_reimporting_the_same_file_in_upsert_creates_nothing(self):
        upload = "Ayesha Khan,0300 1112223,AB1234567,,Gulberg,,,\nBilal Ahmed,0321 5556667,,35202-2222222-2,,,,"
        first = self.run_import(csv_file(upload))
        second = self.run_import(csv_file(upload))
        self.assertEqual(first["created"], 2)
        self.assertEqual((second["created"], second["updated"], second["skipped"]), (0, 0, 2))
        self.assertEqual(Lead.objects.filter(customer_name__in=["Ayesha Khan", "Bilal Ahmed"]).count(), 2)

    def test_xlsx_with_numeric_cells_and_dates(self):
        past = timezone.localdate() - timedelta(days=400)
        report = self.run_import(
            xlsx_file(
                [
                    ["customer_name", "CONTACT NUMBER", "cnic", "next_followup_date", "Followup Remarks"],
                    ["Zara Ali", 3001112223, 3520233333333, past, "Met at the 2023 expo."],
                ]
            )
        )
        self.assertEqual(report["created"], 1, report["errors"])
        lead = Lead.objects.get(customer_name="Zara Ali")
        # Historical follow-up dates are accepted on this path only; the remark became a follow-up.
        self.assertEqual((lead.contact_number, lead.cnic), ("+923001112223", "35202-3333333-3"))
        self.assertEqual(FollowUpHistory.objects.get(lead=lead).remarks, "Met at the 2023 expo.")
        self.assertEqual(lead.lead_status, LeadStatus.CONTACTED)

    def test_dry_run_reports_the_same_counts_and_writes_nothing(self):
        upload = "Ayesha Khan,0300 1112223,AB1234567,,,,,\nBad Phone,12,,,,,,"
        before = Lead.objects.count()
        report = self.run_import(csv_file(upload), dry_run=True)
        self.assertEqual((report["dry_run"], report["created"], report["failed"]), (True, 1, 1))
        self.assertEqual(report["errors"][0]["row"], 3)
        self.assertEqual(Lead.objects.count(), before)


class ImportErrorTests(ImportAPITestCase):
    def test_each_kind_of_row_error_names_row_field_and_message(self):
        other_branch = LeadFactory(branch=self.branch_a2, passport_number="", cnic="", contact_number="+923006667778")
        converted = LeadFactory(branch=self.branch_a1, passport_number="CV1234567", lead_status=LeadStatus.CONVERTED)
        twin_a = LeadFactory(branch=self.branch_a1, passport_number="", cnic="35202-4444444-4")
        LeadFactory(branch=self.branch_a1, passport_number="", cnic=twin_a.cnic)
        report = self.run_import(
            csv_file(
                "Bad Phone,12345,,,,,,",  # 2
                "Bad Passport,0300 1112223,#$%,,,,,",  # 3
                "Bad Status,0300 1112224,,,,sleeping,,",  # 4
                "Bad Date,0300 1112225,,,,,31-31-2020,",  # 5
                ",0300 1112226,,,,,,",  # 6: no name to create with
                "Final Status,0300 1112227,,,,converted,,",  # 7
                "Hidden Match,0300 6667778,,,,,,",  # 8: another branch's lead
                f"Was Converted,,{converted.passport_number},,,interested,,",  # 9
                f"Two Matches,,,{twin_a.cnic},,,,",  # 10
                "Repeat,0300 1112229,RP1234567,,,,,",  # 11
                "Repeat Again,0300 1112229,RP1234567,,,,,",  # 12
                "Good Row,0300 1112230,,,,,,",  # 13
            )
        )
        errors = {(e["row"], e["field"]) for e in report["errors"]}
        self.assertEqual(
            errors,
            {
                (2, "contact_number"),
                (3, "passport_number"),
                (4, "lead_status"),
                (5, "next_followup_date"),
                (6, "customer_name"),
                (7, "lead_status"),
                (8, "contact_number"),
                (9, "lead_status"),
                (10, "cnic"),
                (12, "passport_number"),
            },
        )
        self.assertEqual((report["created"], report["failed"]), (2, 10))
        hidden = next(e for e in report["errors"] if e["row"] == 8)
        # Only the other branch's name, nothing about its lead.
        self.assertIn(self.branch_a2.name, hidden["message"])
        self.assertNotIn(other_branch.customer_name, str(report))

    def test_bad_files_are_a_400_on_file(self):
        cases = {
            "unknown column": csv_file("x,0300 1112223", header="customer_name,contact_number,shoe_size\n"),
            "missing column": csv_file("x", header="customer_name\n"),
            "repeated column": csv_file("x,y,z", header="customer_name,contact_number,Contact Number\n"),
            "empty": SimpleUploadedFile("empty.csv", b"", "text/csv"),
            "not xlsx": SimpleUploadedFile("book.xlsx", b"customer_name\n", "application/octet-stream"),
        }
        for label, upload in cases.items():
            with self.subTest(label):
                response = self.upload(upload)
                self.assertStatus(response, 400)
                self.assertIn("file", response.json())
        self.assertFalse(LeadImport.objects.exists())

    def test_branch_outside_scope_and_bad_mode_are_400(self):
        self.assertIn("branch", self.upload(csv_file("a,0300 1112223"), branch=self.branch_a2).json())
        self.assertIn("mode", self.upload(csv_file("a,0300 1112223"), mode="merge").json())

    def test_dry_run_is_true_or_false_as_the_schema_says(self):
        # A multipart form sends the schema's boolean as the word; DRF's other spellings are refused.
        for spelling in ("1", "0", "yes", "on", "True"):
            with self.subTest(dry_run=spelling):
                self.login(self.user_a1)
                data = {"file": csv_file(), "branch": self.branch_a1.pk, "mode": "create", "dry_run": spelling}
                response = self.client.post(reverse("transfers:import-create"), data, format="multipart")
                self.assertStatus(response, 400)
                self.assertEqual(response.json(), {"dry_run": ["Must be true or false."]})
        self.assertEqual(LeadImport.objects.count(), 0)

    def test_report_of_another_branch_is_404(self):
        report = self.run_import(csv_file("Ayesha Khan,0300 1112223,,,,,,"))
        self.login(self.user_a2)
        self.assertStatus(self.client.get(reverse("transfers:import-detail", args=[report['id']])), 404)
        self.assertStatus(self.client.post(reverse("transfers:import-revert", args=[report['id']])), 404)
        self.login(self.admin_a)
        self.assertStatus(self.client.get(reverse("transfers:import-detail", args=[report['id']])), 200)


class ImportHintTests(ImportAPITestCase):
    def test_report_carries_duplicate_hints_within_the_callers_view(self):
        mine = LeadFactory(branch=self.branch_a1, contact_number="+923001112223")
        LeadFactory(branch=self.branch_a2, contact_number="+923001112223", customer_name="Secret Customer")
        LeadFactory(branch=self.branch_b1, contact_number="+923001112223")  # another organization: never
        report = self.run_import(csv_file("Ayesha Khan,0300 1112223,AB1234567,,,,,"))
        self.assertEqual(report["created"], 1)
        [hint] = report["duplicates"]
        self.assertEqual(hint["row"], 2)
        self.assertEqual(hint["possible_duplicates"], [{"id": mine.pk, "customer_name": mine.customer_name, "branch": self.branch_a1.pk}])
        self.assertEqual(hint["known_at_branches"], [self.branch_a2.name])
        self.assertNotIn("Secret Customer", str(report))


class ImportRevertTests(ImportAPITestCase):
    def test_revert_deletes_created_leads_and_restores_updated_fields(self):
        report = self.run_import(
            csv_file(
                "Ayesha Khan,0300 1112223,AB1234567,,,,,Called about Hajj",
                f"Renamed,,{self.lead.passport_number},,Johar Town,,,Spoke today",
            )
        )
        self.assertEqual((report["created"], report["updated"]), (1, 1))
        response = self.client.post(reverse("transfers:import-revert", args=[report['id']]))
        self.assertStatus(response, 200)
        self.assertIsNotNone(response.json()["reverted_at"])
        self.assertFalse(Lead.objects.filter(passport_number="AB1234567").exists())
        self.lead.refresh_from_db()
        self.assertEqual((self.lead.customer_name, self.lead.area, self.lead.lead_status), ("Muhammad Asif", "Gulberg", "new"))
        self.assertFalse(FollowUpHistory.objects.filter(lead=self.lead).exists())
        self.assertStatus(self.client.post(reverse("transfers:import-revert", args=[report['id']])), 409)

    def test_revert_is_409_when_a_created_lead_was_worked_on(self):
        report = self.run_import(csv_file("Ayesha Khan,0300 1112223,AB1234567,,,,,"))
        LoanCommitmentFactory(lead=Lead.objects.get(passport_number="AB1234567"))
        self.assertStatus(self.client.post(reverse("transfers:import-revert", args=[report['id']])), 409)
        self.assertTrue(Lead.objects.filter(passport_number="AB1234567").exists())

    def test_revert_is_409_after_an_api_edit_and_for_a_dry_run(self):
        report = self.run_import(csv_file("Ayesha Khan,0300 1112223,AB1234567,,,,,"))
        lead = Lead.objects.get(passport_number="AB1234567")
        self.assertStatus(self.client.patch(reverse("leads:update", args=[lead.pk]), {"area": "DHA"}), 200)
        self.assertStatus(self.client.post(reverse("transfers:import-revert", args=[report['id']])), 409)
        dry = self.run_import(csv_file("Other,0300 1112299,,,,,,"), dry_run=True)
        self.assertStatus(self.client.post(reverse("transfers:import-revert", args=[dry['id']])), 409)


class ImportRunTests(ImportAPITestCase):
    def queue(self, rows: int) -> int:
        lines = [f"Person {n},0300 {1000000 + n},PP{n:07d},,,,," for n in range(rows)]
        self.login(self.user_a1)
        # Queued without running (on-commit callbacks are not executed here).
        response = self.client.post(
            reverse("transfers:import-create"),
            {"file": csv_file(*lines), "branch": self.branch_a1.pk, "mode": "create"},
            format="multipart",
        )
        self.assertStatus(response, 202)
        return response.json()["id"]

    def test_progress_is_readable_and_a_stopped_run_resumes_without_counting_twice(self):
        chunk = services.CHUNK_ROWS
        rows = 2 * chunk + chunk // 2
        import_id = self.queue(rows)
        self.assertEqual(self.report(import_id)["status"], "queued")
        # A worker that splits the file and works one chunk, then dies holding the next one
        # (its transaction rolls back, so that chunk is simply still pending).
        self.assertTrue(services._prepare(import_id))
        self.assertTrue(services._process_next_chunk(import_id))
        report = self.report(import_id)
        self.assertEqual((report["status"], report["total"], report["processed"]), ("running", rows, chunk))
        # The redelivered task (or a second worker) finishes the rest.
        lead_import_run(import_id=import_id)
        lead_import_run(import_id=import_id)
        report = self.report(import_id)
        self.assertEqual(report["status"], "done")
        self.assertEqual((report["total"], report["processed"], report["created"]), (rows, rows, rows))
        self.assertEqual(Lead.objects.filter(passport_number__startswith="PP").count(), rows)

    def test_an_error_mid_import_fails_it_cleanly_with_whole_chunks_counted(self):
        chunk = services.CHUNK_ROWS
        import_id = self.queue(2 * chunk + 1)
        real = services.leads_import_rows
        calls = []

        def second_chunk_breaks(**kwargs):
            calls.append(1)
            if len(calls) == 2:
                raise RuntimeError("database went away")
            return real(**kwargs)

        with mock.patch.object(services, "leads_import_rows", side_effect=second_chunk_breaks):
            lead_import_run(import_id=import_id)
        report = self.report(import_id)
        self.assertEqual(report["status"], "failed")
        self.assertIn("RuntimeError", report["failure"])
        self.assertEqual((report["processed"], report["created"]), (chunk, chunk))
        self.assertEqual(Lead.objects.filter(passport_number__startswith="PP").count(), chunk)
