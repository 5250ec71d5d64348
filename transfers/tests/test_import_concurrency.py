"""Two workers on one import (PostgreSQL: real row locks): every row is worked exactly once."""

import threading

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import TransactionTestCase, skipUnlessDBFeature

from leads.models import Lead
from organizations.tests.factories import BranchFactory, UserFactory, branch_user
from transfers.models import LeadImport, LeadImportError
from transfers.services import lead_import_run, lead_import_start


@skipUnlessDBFeature("has_select_for_update_skip_locked")
class TwoWorkersTests(TransactionTestCase):
    def test_two_workers_share_the_chunks_without_doing_any_twice(self):
        branch = BranchFactory()
        user = branch_user(branch, user=UserFactory(username="importer"))
        body = "customer_name,contact_number,passport_number\n" + "".join(
            f"Person {n},0300 {2000000 + n},CC{n:07d}\n" for n in range(3000)
        )
        lead_import = lead_import_start(
            user=user, branch=branch, mode="upsert", dry_run=False, file_name="r.csv", content=body.encode()
        )
        worked = []

        def worker():
            try:
                lead_import_run(import_id=lead_import.pk)
                worked.append(True)
            finally:
                connection.close()

        threads = [threading.Thread(target=worker) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=300)
        lead_import = LeadImport.objects.get(pk=lead_import.pk)
        self.assertEqual(len(worked), 2)
        self.assertEqual(lead_import.status, "done", lead_import.failure)
        self.assertEqual((lead_import.total, lead_import.processed, lead_import.created), (3000, 3000, 3000))
        self.assertFalse(LeadImportError.objects.filter(lead_import=lead_import).exists())
        self.assertEqual(Lead.objects.filter(passport_number__startswith="CC").count(), 3000)
