"""An import's lifecycle through the API and the commands: revert's rules and scope, runs cut short,
stuck imports resumed or failed, and old uploads purged (issue 21's findings)."""

import io
from datetime import timedelta
from unittest import mock

from celery.exceptions import SoftTimeLimitExceeded
from django.core.management import call_command
from django.utils import timezone
from django.urls import reverse

from leads.models import FollowUpHistory, Lead
from leads.tests.factories import LeadFactory
from transfers import services
from transfers.models import LeadImport, LeadImportChunk, LeadImportError
from transfers.services import lead_import_run
from transfers.tests.test_imports import ImportAPITestCase, csv_file


class RevertWorkedOnDuringTheImportTests(ImportAPITestCase):
    def queue(self, *lines, user=None):
        self.login(user or self.user_a1)
        response = self.client.post(
            reverse("transfers:import-create"),
            {"file": csv_file(*lines), "branch": self.branch_a1.pk, "mode": "upsert"},
            format="multipart",
        )  # on-commit callbacks are not run here: the import waits for the steps below
        self.assertStatus(response, 202)
        return response.json()["id"]

    def test_a_lead_edited_and_followed_up_while_later_chunks_ran_is_not_deleted(self):
        import_id = self.queue("Ayesha Khan,0300 1112223,AB1234567,,,,,", "Bilal Ahmed,0300 1112224,AB1234568,,,,,")
        with mock.patch.object(services, "CHUNK_ROWS", 1):
            self.assertTrue(services._prepare(import_id))
        self.assertTrue(services._process_next_chunk(import_id))  # the first chunk is written…
        first = Lead.objects.get(passport_number="AB1234567")
        # …and worked on by the branch while the second chunk waits.
        self.assertStatus(self.client.patch(self.url("update", first.pk), {"area": "DHA"}, format="json"), 200)
        self.assertStatus(self.client.post(self.url("followup"), {"lead": first.pk, "remarks": "Called."}), 201)
        lead_import_run(import_id=import_id)
        self.assertEqual(self.report(import_id)["status"], "done")
        response = self.client.post(reverse("transfers:import-revert", args=[import_id]))
        self.assertStatus(response, 409)
        self.assertIn(f"#{first.pk}", response.json()["detail"])
        self.assertTrue(Lead.objects.filter(pk=first.pk, area="DHA").exists())
        self.assertTrue(Lead.objects.filter(passport_number="AB1234568").exists())

    def test_a_lead_only_followed_up_during_the_import_counts_as_worked_on(self):
        import_id = self.queue("Ayesha Khan,0300 1112223,AB1234567,,,,,", "Bilal Ahmed,0300 1112224,AB1234568,,,,,")
        with mock.patch.object(services, "CHUNK_ROWS", 1):
            services._prepare(import_id)
        services._process_next_chunk(import_id)
        first = Lead.objects.get(passport_number="AB1234567")
        FollowUpHistory.objects.create(lead=first, remarks="Called from the desk.")  # no change to the lead itself
        lead_import_run(import_id=import_id)
        self.assertStatus(self.client.post(reverse("transfers:import-revert", args=[import_id])), 409)

    def test_a_multi_chunk_import_nobody_touched_reverts_in_bulk_with_history(self):
        import_id = self.queue(
            "Ayesha Khan,0300 1112223,AB1234567,,,,,Called",
            "Bilal Ahmed,0300 1112224,AB1234568,,,,,",
            f"Renamed,,{self.lead.passport_number},,Johar Town,,,Spoke today",
        )
        with mock.patch.object(services, "CHUNK_ROWS", 1):
            services._prepare(import_id)
        lead_import_run(import_id=import_id)
        created = list(Lead.objects.filter(passport_number__in=["AB1234567", "AB1234568"]).values_list("pk", flat=True))
        self.assertEqual(len(created), 2)
        self.assertStatus(self.client.post(reverse("transfers:import-revert", args=[import_id])), 200)
        self.assertFalse(Lead.objects.filter(pk__in=created).exists())
        self.assertFalse(FollowUpHistory.objects.filter(lead_id__in=[*created, self.lead.pk]).exists())
        self.lead.refresh_from_db()
        self.assertEqual((self.lead.customer_name, self.lead.area), ("Muhammad Asif", "Gulberg"))
        reason = f"Revert of import #{import_id}"
        deleted = Lead.history.filter(id__in=created, history_type="-", history_change_reason=reason)
        self.assertEqual(deleted.count(), 2)
        self.assertEqual(self.lead.history.first().history_change_reason, reason)
        self.assertEqual(FollowUpHistory.history.filter(history_type="-", history_change_reason=reason).count(), 2)


class RevertAfterMergeTests(ImportAPITestCase):
    def merge(self, into, *merge):
        self.login(self.user_a1)
        return self.client.post(reverse("leads:merge"), {"into": into.pk, "merge": [lead.pk for lead in merge]}, format="json")

    def test_a_created_lead_merged_away_makes_revert_a_409(self):
        report = self.run_import(csv_file("Ayesha Khan,0300 1112223,,,,,,", "Bilal Ahmed,0300 1112224,,,,,,"))
        created = Lead.objects.get(contact_number="+923001112223")
        keeper = LeadFactory(branch=self.branch_a1, passport_number="")
        self.assertStatus(self.merge(keeper, created), 200)
        response = self.client.post(reverse("transfers:import-revert", args=[report['id']]))
        self.assertStatus(response, 409)
        self.assertIn("merged", response.json()["detail"])
        self.assertIn(f"#{created.pk}", response.json()["detail"])
        self.assertTrue(Lead.objects.filter(contact_number="+923001112224").exists())
        self.assertIsNone(LeadImport.objects.get(pk=report["id"]).reverted_at)

    def test_a_created_lead_merged_into_makes_revert_a_409(self):
        report = self.run_import(csv_file("Ayesha Khan,0300 1112223,,,,,,"))
        created = Lead.objects.get(contact_number="+923001112223")
        self.assertStatus(self.merge(created, LeadFactory(branch=self.branch_a1, passport_number="")), 200)
        self.assertStatus(self.client.post(reverse("transfers:import-revert", args=[report['id']])), 409)
        self.assertTrue(Lead.objects.filter(pk=created.pk).exists())

    def test_an_updated_lead_merged_away_makes_revert_a_409(self):
        report = self.run_import(csv_file(f"Renamed,,{self.lead.passport_number},,Johar Town,,,"))
        self.assertEqual(report["updated"], 1)
        keeper = LeadFactory(branch=self.branch_a1, passport_number="")
        self.assertStatus(self.merge(keeper, self.lead), 200)
        response = self.client.post(reverse("transfers:import-revert", args=[report['id']]))
        self.assertStatus(response, 409)
        self.assertIn("merged", response.json()["detail"])


class ImportScopeOfTheReaderTests(ImportAPITestCase):
    """An org admin's import into A1 that touched A2 leads, read and reverted by A1's user."""

    def setUp(self):
        self.a2_lead = LeadFactory(branch=self.branch_a2, customer_name="Secret Customer", contact_number="+923005550001")
        self.a2_updated = LeadFactory(branch=self.branch_a2, customer_name="Other Secret", area="Saddar")
        report = self.run_import(
            csv_file(
                "Ayesha Khan,0300 5550001,AB1234567,,,,,",  # created in A1, same phone as the A2 lead
                f"Renamed,,{self.a2_updated.passport_number},,Clifton,,,",  # updates the A2 lead
            ),
            user=self.admin_a,
        )
        self.assertEqual((report["created"], report["updated"]), (1, 1))
        self.import_id = report["id"]
        [hint] = report["duplicates"]
        self.assertEqual(hint["possible_duplicates"][0]["id"], self.a2_lead.pk)  # the admin sees it

    def test_the_branch_user_reads_the_report_without_leads_it_cannot_open(self):
        report = self.report(self.import_id, user=self.user_a1)
        [hint] = report["duplicates"]
        self.assertEqual(hint["possible_duplicates"], [])
        self.assertEqual(hint["known_at_branches"], [self.branch_a2.name])
        self.assertEqual(hint["lead"], Lead.objects.get(passport_number="AB1234567").pk)
        self.assertNotIn("Secret Customer", str(report))
        self.assertNotIn(f"'id': {self.a2_lead.pk}", str(report))

    def test_the_branch_user_cannot_revert_it_and_the_org_admin_can(self):
        self.login(self.user_a1)
        self.assertStatus(self.client.post(reverse("transfers:import-revert", args=[self.import_id])), 404)
        self.a2_updated.refresh_from_db()
        self.assertEqual((self.a2_updated.customer_name, self.a2_updated.area), ("Renamed", "Clifton"))
        self.assertTrue(Lead.objects.filter(passport_number="AB1234567").exists())
        self.login(self.admin_a)
        self.assertStatus(self.client.post(reverse("transfers:import-revert", args=[self.import_id])), 200)
        self.a2_updated.refresh_from_db()
        self.assertEqual((self.a2_updated.customer_name, self.a2_updated.area), ("Other Secret", "Saddar"))

    def test_a_branch_user_reverts_an_import_that_stayed_in_its_branches(self):
        report = self.run_import(csv_file("Zara Malik,0300 7770001,ZM1234567,,,,,"), user=self.admin_a)
        self.login(self.user_a1)
        self.assertStatus(self.client.post(reverse("transfers:import-revert", args=[report['id']])), 200)
        self.assertFalse(Lead.objects.filter(passport_number="ZM1234567").exists())


class RunCutShortTests(ImportAPITestCase):
    def queue(self, rows: int) -> int:
        lines = [f"Person {n},0300 {1000000 + n},PP{n:07d},,,,," for n in range(rows)]
        self.login(self.user_a1)
        response = self.client.post(
            reverse("transfers:import-create"), {"file": csv_file(*lines), "branch": self.branch_a1.pk, "mode": "create"},
            format="multipart",
        )
        return response.json()["id"]

    def test_a_run_cut_by_the_time_limit_is_queued_again_and_finishes(self):
        import_id = self.queue(3)
        real, calls = services.leads_import_rows, []

        def first_call_is_cut(**kwargs):
            calls.append(1)
            if len(calls) == 1:
                raise SoftTimeLimitExceeded()
            return real(**kwargs)

        with mock.patch.object(services, "leads_import_rows", side_effect=first_call_is_cut):
            with self.captureOnCommitCallbacks(execute=True):
                lead_import_run(import_id=import_id)
        report = self.report(import_id)
        self.assertEqual((report["status"], report["created"]), ("done", 3))
        self.assertEqual(len(calls), 2)

    def test_a_run_cut_every_time_without_progress_is_failed(self):
        import_id = self.queue(3)
        with mock.patch.object(services, "leads_import_rows", side_effect=SoftTimeLimitExceeded()):
            with self.captureOnCommitCallbacks(execute=True):
                lead_import_run(import_id=import_id)
        report = self.report(import_id)
        self.assertEqual(report["status"], "failed")
        self.assertIn("time limit", report["failure"])
        self.assertEqual(LeadImport.objects.get(pk=import_id).attempts, 3)


class ResumeImportsCommandTests(ImportAPITestCase):
    def queue(self, rows: int = 3) -> int:
        lines = [f"Person {n},0300 {1000000 + n},PP{n:07d},,,,," for n in range(rows)]
        self.login(self.user_a1)
        response = self.client.post(
            reverse("transfers:import-create"), {"file": csv_file(*lines), "branch": self.branch_a1.pk, "mode": "create"},
            format="multipart",
        )  # the process "dies" before its on-commit hook: the import stays queued
        return response.json()["id"]

    def age(self, import_id, minutes):
        LeadImport.objects.filter(pk=import_id).update(progress_at=timezone.now() - timedelta(minutes=minutes))

    def resume(self, *args):
        out = io.StringIO()
        call_command("resume_imports", *args, stdout=out)
        return out.getvalue()

    def test_a_stuck_import_is_resumed_from_its_next_chunk(self):
        import_id = self.queue()
        with mock.patch.object(services, "CHUNK_ROWS", 1):
            services._prepare(import_id)
        services._process_next_chunk(import_id)  # one chunk written, then the worker was killed
        self.age(import_id, 16)
        fresh = self.queue()  # queued a minute ago: still in someone's hands
        self.age(fresh, 1)
        self.assertIn("Would resume 1", self.resume("--dry-run"))
        self.assertEqual(self.report(import_id)["status"], "running")
        self.assertIn("Resumed 1 import(s)", self.resume())
        report = self.report(import_id)
        self.assertEqual((report["status"], report["processed"], report["created"]), ("done", 3, 3))
        self.assertEqual(self.report(fresh)["status"], "queued")
        self.assertIn("Resumed 0 import(s)", self.resume())  # nothing is stale now: nothing taken twice

    def test_an_import_resumed_too_often_without_progress_is_failed(self):
        import_id = self.queue()
        self.age(import_id, 60)
        LeadImport.objects.filter(pk=import_id).update(attempts=2)
        with mock.patch.object(services, "lead_import_run") as run:
            output = self.resume()
        run.assert_not_called()
        self.assertIn("failed 1", output)
        report = self.report(import_id)
        self.assertEqual(report["status"], "failed")
        self.assertIn("without progress", report["failure"])
        self.assertStatus(self.client.post(reverse("transfers:import-revert", args=[import_id])), 409)

    def test_a_claim_taken_by_another_run_is_skipped(self):
        import_id = self.queue()
        self.age(import_id, 60)
        real_update, moved = type(LeadImport.objects.all()).update, []

        def another_run_moves_first(queryset, **kwargs):
            if not moved:  # the other cron run claims it between our read and our conditional UPDATE
                moved.append(real_update(LeadImport.objects.filter(pk=import_id), progress_at=timezone.now()))
            return real_update(queryset, **kwargs)

        with mock.patch("django.db.models.query.QuerySet.update", autospec=True, side_effect=another_run_moves_first):
            with mock.patch.object(services, "_dispatch") as dispatch:
                resumed, failed = services.lead_imports_resume()
        dispatch.assert_not_called()
        self.assertEqual((resumed, failed), ([], []))
        self.assertEqual(self.report(import_id)["status"], "queued")


class PurgeImportsCommandTests(ImportAPITestCase):
    def purge(self, *args):
        out = io.StringIO()
        call_command("purge_imports", *args, stdout=out)
        return out.getvalue()

    def make_old(self, import_id, days):
        past = timezone.now() - timedelta(days=days)
        LeadImport.objects.filter(pk=import_id).update(created_at=past, finished_at=past)

    def test_old_dry_runs_and_failures_go_and_finished_imports_keep_what_revert_needs(self):
        dry = self.run_import(csv_file("Ayesha Khan,0300 1112223,AB1234567,,,,,"), dry_run=True)["id"]
        self.assertNotEqual(bytes(LeadImport.objects.get(pk=dry).content), b"")
        real = self.run_import(csv_file("Bilal Ahmed,0300 1112224,AB1234568,,,,,"))["id"]
        failed = self.run_import(csv_file("Bad,12,,,,,,"))["id"]
        LeadImport.objects.filter(pk=failed).update(status="failed", failure="Stopped")
        recent_dry = self.run_import(csv_file("Zara Malik,0300 1112225,,,,,,"), dry_run=True)["id"]
        for import_id in (dry, real, failed):
            self.make_old(import_id, 91)
        self.assertIn("Would delete 2", self.purge("--dry-run"))
        self.assertEqual(LeadImport.objects.count(), 4)
        output = self.purge()
        self.assertIn("Deleted 2", output)
        self.assertEqual(set(LeadImport.objects.values_list("pk", flat=True)), {real, recent_dry})
        self.assertFalse(LeadImportError.objects.filter(lead_import_id=failed).exists())
        self.assertNotEqual(bytes(LeadImport.objects.get(pk=recent_dry).content), b"")
        self.assertTrue(LeadImportChunk.objects.filter(lead_import_id=real).exists())
        self.assertStatus(self.client.post(reverse("transfers:import-revert", args=[real])), 200)
        self.assertFalse(Lead.objects.filter(passport_number="AB1234568").exists())

    def test_the_retention_comes_from_the_setting_and_the_option(self):
        dry = self.run_import(csv_file("Ayesha Khan,0300 1112223,,,,,,"), dry_run=True)["id"]
        self.make_old(dry, 10)
        with self.settings(LEADS_IMPORT_RETENTION_DAYS=30):
            self.assertIn("Deleted 0", self.purge())
        with self.settings(LEADS_IMPORT_RETENTION_DAYS=7):
            self.assertIn("Deleted 1", self.purge())
        self.assertFalse(LeadImport.objects.filter(pk=dry).exists())
