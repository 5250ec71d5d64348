"""Two workers on one import (PostgreSQL: real row locks): every row is worked exactly once; two imports of
one file at once create each lead once."""

from functools import partial
from unittest import mock

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TransactionTestCase, skipUnlessDBFeature

from common.testing.concurrency import errors, meeting_point, run_together
from leads.models import Lead
from transfers import rows as imports_module
from organizations.tests.factories import BranchFactory, UserFactory, branch_user
from transfers.models import LeadImport, LeadImportError
from transfers import services
from transfers.services import lead_import_run, lead_import_start


@skipUnlessDBFeature("has_select_for_update_skip_locked")
class TwoWorkersTests(TransactionTestCase):
    def test_two_workers_share_the_chunks_without_doing_any_twice(self):
        branch = BranchFactory()
        user = branch_user(branch, user=UserFactory(username="importer"))
        body = "customer_name,contact_number,passport_number\n" + "".join(
            f"Person {n},0300 {2000000 + n},CC{n:07d}\n" for n in range(3000)
        )
        with mock.patch.object(services, "_dispatch"):  # queued only: the two workers below run it
            lead_import = lead_import_start(
                actor=user, branch=branch, mode="upsert", dry_run=False, file_name="r.csv", content=body.encode()
            )
        self.assertEqual(LeadImport.objects.get(pk=lead_import.pk).status, "queued")
        run = partial(lead_import_run, import_id=lead_import.pk)
        outcomes = run_together(run, run, timeout=300)  # two workers on the one import
        lead_import = LeadImport.objects.get(pk=lead_import.pk)
        self.assertEqual(errors(outcomes), [])
        self.assertEqual(lead_import.status, "done", lead_import.failure)
        self.assertEqual((lead_import.total, lead_import.processed, lead_import.created), (3000, 3000, 3000))
        self.assertFalse(LeadImportError.objects.filter(lead_import=lead_import).exists())
        self.assertEqual(Lead.objects.filter(passport_number__startswith="CC").count(), 3000)


@skipUnlessDBFeature("has_select_for_update_skip_locked")
class SameFileTwiceAtOnceTests(TransactionTestCase):
    def test_two_imports_of_one_file_at_once_create_each_phone_only_lead_once(self):
        branch = BranchFactory()
        user = branch_user(branch, user=UserFactory(username="importer"))
        body = "customer_name,contact_number\n" + "".join(f"Person {n},0300 {3000000 + n}\n" for n in range(20))
        with mock.patch.object(services, "_dispatch"):  # queued only: the threads below run them
            imports = [
                lead_import_start(
                    actor=user, branch=branch, mode="upsert", dry_run=False, file_name="r.csv", content=body.encode()
                )
                for _ in range(2)
            ]
        # Both runs look for their rows' leads before either writes: without a lock per organization
        # both find none and both create them. With it, the second waits here in vain (the barrier
        # breaks after its timeout) and then finds the first one's leads.
        meet = meeting_point(2, timeout=3)
        real_candidates = imports_module._candidates

        def candidates_then_meet(*args, **kwargs):
            found = real_candidates(*args, **kwargs)
            meet()
            return found

        with mock.patch.object(imports_module, "_candidates", side_effect=candidates_then_meet):
            outcomes = run_together(
                *(partial(lead_import_run, import_id=lead_import.pk) for lead_import in imports), timeout=120
            )
        self.assertEqual(errors(outcomes), [])
        counts = sorted(LeadImport.objects.filter(pk__in=[i.pk for i in imports]).values_list("status", "created", "skipped"))
        self.assertEqual(counts, [("done", 0, 20), ("done", 20, 0)])
        self.assertEqual(Lead.objects.filter(branch=branch).count(), 20)
