"""Where an import runs: never in the upload's request; and what the upload answers when the broker is down."""

import threading

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, TransactionTestCase, override_settings
from django.urls import reverse
from rest_framework.test import APIClient

from config.celery import app
from leads.models import Lead
from organizations.tests.factories import BranchFactory, UserFactory, branch_user
from transfers import services
from transfers.background import wait_for_background_work
from transfers.models import LeadImport

BODY = b"customer_name,contact_number,passport_number\nAyesha Khan,0300 1112223,AB1234567\n"


class ImportBackgroundTestCase(TransactionTestCase):
    def setUp(self):
        self.branch = BranchFactory()
        self.client = APIClient()
        self.client.force_authenticate(branch_user(self.branch, user=UserFactory(username="importer")))

    def upload(self):
        return self.client.post(
            reverse("transfers:import-create"),
            {"file": SimpleUploadedFile("r.csv", BODY), "branch": self.branch.pk, "mode": "upsert"},
            format="multipart",
        )


@override_settings(LEADS_IMPORT_RUN_INLINE=False)
class WithoutABrokerTests(ImportBackgroundTestCase):
    def test_the_upload_answers_before_the_run_which_happens_on_a_background_thread(self):
        real, ran_on, release = services.lead_import_run, [], threading.Event()

        def held_run(**kwargs):
            ran_on.append(threading.current_thread().name)
            release.wait(timeout=60)  # the upload must answer while the run is still held here
            real(**kwargs)

        services.lead_import_run, restore = held_run, services.lead_import_run
        self.addCleanup(setattr, services, "lead_import_run", restore)
        response = self.upload()
        self.assertEqual(response.status_code, 202, response.content)
        self.assertEqual(LeadImport.objects.get(pk=response.json()["id"]).status, "queued")
        release.set()
        self.assertTrue(wait_for_background_work(timeout=60))
        self.assertEqual(len(ran_on), 1)
        self.assertTrue(ran_on[0].startswith("leads-background"), ran_on)
        self.assertEqual(LeadImport.objects.get(pk=response.json()["id"]).status, "done")
        self.assertTrue(Lead.objects.filter(passport_number="AB1234567").exists())


class BrokerDownTests(ImportBackgroundTestCase):
    """CELERY_BROKER_URL names a port where nothing listens (configured as the broker test does)."""

    def setUp(self):
        super().setUp()
        self.saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager")}
        app.conf.update(broker_url="amqp://guest:guest@127.0.0.1:9//", task_always_eager=False)
        self._reset_app_caches()

    def tearDown(self):
        app.conf.update(self.saved)
        self._reset_app_caches()

    def _reset_app_caches(self):
        for name in ("queues", "router", "_producer_pool"):
            app.amqp.__dict__.pop(name, None)
        app._pool = None

    def test_the_upload_is_a_503_with_retry_after_and_the_import_is_not_left_queued(self):
        response = self.upload()
        self.assertEqual(response.status_code, 503, response.content)
        self.assertEqual(response["Retry-After"], str(services.QUEUE_RETRY_AFTER))
        self.assertIn("job queue", response.json()["detail"])
        lead_import = LeadImport.objects.get()
        self.assertEqual(lead_import.status, "failed")
        self.assertIn("did not answer", lead_import.failure)
        self.assertEqual(bytes(lead_import.content), b"")
        self.assertFalse(Lead.objects.filter(passport_number="AB1234567").exists())

    def test_the_admins_upload_says_so_on_the_page_instead_of_a_500(self):
        user = UserFactory(username="admin-importer")
        branch_user(self.branch, user=user)
        browser = Client()  # the admin's form post, not the API client's JSON
        browser.force_login(user)
        response = browser.post(
            reverse("admin:transfers_leadimport_add"),
            {"file": SimpleUploadedFile("r.csv", BODY), "branch": self.branch.pk, "mode": "upsert", "dry_run": "on"},
            follow=True,
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "The job queue does not answer; the import was not started.")
        self.assertEqual(LeadImport.objects.get().status, "failed")
