"""The admin's import door: upload a preview (dry run), read its report, confirm it, revert it."""

from django.core.files.uploadedfile import SimpleUploadedFile

from leads.models import Lead
from leads.tests.api_base import LeadsAPITestCase
from transfers.models import LeadImport

CSV = b"customer_name,contact_number,passport_number\nAyesha Khan,0300 1112223,AB1234567\nBad,12,\n"


class ImportAdminTests(LeadsAPITestCase):
    def setUp(self):
        self.client.force_login(self.user_a1)

    def upload(self, content=CSV):
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(
                "/admin/transfers/leadimport/add/",
                {"file": SimpleUploadedFile("r.csv", content), "branch": self.branch_a1.pk, "mode": "upsert", "dry_run": "on"},
                format="multipart",
            )

    def test_preview_then_confirm_then_revert(self):
        response = self.upload()
        self.assertEqual(response.status_code, 302, response.content[:2000])
        preview = LeadImport.objects.get()
        self.assertEqual((preview.dry_run, preview.status, preview.created, preview.failed), (True, "done", 1, 1))
        self.assertFalse(Lead.objects.filter(passport_number="AB1234567").exists())
        page = self.client.get(f"/admin/transfers/leadimport/{preview.pk}/change/")
        self.assertContains(page, "contact_number")  # the report's error line for row 3

        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(
                "/admin/transfers/leadimport/",
                {"action": "confirm_preview", "index": 0, "_selected_action": [preview.pk]},
                format="multipart",
            )
        real = LeadImport.objects.get(dry_run=False)
        self.assertEqual((real.status, real.created), ("done", 1))
        self.assertTrue(Lead.objects.filter(passport_number="AB1234567").exists())

        self.client.post(
            "/admin/transfers/leadimport/",
            {"action": "revert", "index": 0, "_selected_action": [real.pk]},
            format="multipart",
        )
        self.assertFalse(Lead.objects.filter(passport_number="AB1234567").exists())

    def test_a_bad_header_is_shown_on_the_file_field(self):
        response = self.upload(b"customer_name,shoe_size\nx,y\n")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Unknown columns: shoe_size")
        self.assertFalse(LeadImport.objects.exists())

    def test_another_branchs_import_is_not_shown(self):
        self.upload()
        self.client.force_login(self.user_a2)
        response = self.client.get(f"/admin/transfers/leadimport/{LeadImport.objects.get().pk}/change/")
        self.assertIn(response.status_code, (302, 404))
