"""The Celery path for real: an import enqueued on commit, sent through RabbitMQ, worked by a worker.

A worker runs in a thread (celery.contrib.testing) on a queue named for this run only, so other
runs sharing the broker never take its jobs. Skipped, with the reason, when no broker answers.
"""

import os
import threading
import uuid

from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun, task_prerun
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TransactionTestCase
from django.urls import reverse
from kombu import Connection
from rest_framework.test import APIClient

from config.celery import app
from leads.models import Lead
from leads.tests.factories import LeadFactory
from organizations.tests.factories import BranchFactory, UserFactory, branch_user

BROKER_URL = os.environ.get("CELERY_TEST_BROKER_URL", "amqp://guest:guest@127.0.0.1:5672//")


def broker_unreachable_reason() -> str | None:
    try:
        with Connection(BROKER_URL, connect_timeout=2) as connection:
            connection.ensure_connection(max_retries=1)
    except Exception as exc:  # kombu raises the transport's own errors
        return f"no broker at {BROKER_URL} ({type(exc).__name__}); CI starts RabbitMQ (.ci/run)"
    return None


class CeleryBrokerImportTests(TransactionTestCase):
    def setUp(self):
        reason = broker_unreachable_reason()
        if reason:
            self.skipTest(reason)
        self.queue = f"leads-test-{uuid.uuid4().hex[:12]}"
        self.saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager", "task_default_queue")}
        app.conf.update(broker_url=BROKER_URL, task_always_eager=False, task_default_queue=self.queue)
        self._reset_app_caches()

    def tearDown(self):
        if hasattr(self, "saved"):
            app.conf.update(self.saved)
            self._reset_app_caches()

    def _reset_app_caches(self):
        # Queues, routes and the connection pool are built from the configuration on first use.
        for name in ("queues", "router", "_producer_pool"):
            app.amqp.__dict__.pop(name, None)
        app._pool = None  # a fresh pool for the new broker (kombu keeps the old one for its own users)

    def test_import_runs_on_a_worker_through_the_broker(self):
        branch = BranchFactory()
        user = branch_user(branch, user=UserFactory(username="importer"))
        existing = LeadFactory(branch=branch, passport_number="EX1234567")
        body = "customer_name,contact_number,passport_number\n"
        body += "Ayesha Khan,0300 1112223,AB1234567\nRenamed,0300 9990001,EX1234567\nBad,12,\n"
        client = APIClient()
        client.force_authenticate(user)
        ran_in = []

        def record_thread(sender=None, **kwargs):
            ran_in.append((sender.name, threading.current_thread() is threading.main_thread()))

        task_prerun.connect(record_thread, weak=False)
        self.addCleanup(task_prerun.disconnect, record_thread)
        finished = threading.Event()

        def record_end(sender=None, **kwargs):
            finished.set()

        task_postrun.connect(record_end, weak=False)
        self.addCleanup(task_postrun.disconnect, record_end)
        with start_worker(app, pool="solo", perform_ping_check=False, queues=[self.queue], shutdown_timeout=30):
            response = client.post(
                reverse("transfers:import-create"),
                {"file": SimpleUploadedFile("r.csv", body.encode()), "branch": branch.pk, "mode": "upsert"},
                format="multipart",
            )
            self.assertEqual(response.status_code, 202, response.content)
            # Wait for the task to end before reading the report: on SQLite's shared in-memory test
            # database a read racing the worker's write makes the worker's statement fail (SQLITE_LOCKED).
            # Up to 3 minutes on a loaded CI machine; a healthy run ends in about a second.
            self.assertTrue(finished.wait(timeout=180), "the worker never finished the import")
            report = client.get(reverse("transfers:import-detail", args=[response.json()["id"]])).json()
        # Worked by the worker's thread after a trip through the broker, not in the request.
        self.assertEqual(ran_in, [("transfers.run_lead_import", False)], report)
        self.assertEqual(report["status"], "done", report)
        self.assertEqual((report["created"], report["updated"], report["failed"]), (1, 1, 1))
        existing.refresh_from_db()
        self.assertEqual(existing.customer_name, "Renamed")
        self.assertTrue(Lead.objects.filter(passport_number="AB1234567").exists())
