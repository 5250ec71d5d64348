"""Accept, then process: the request stores an `IntakeSubmission`; a task (eager without a broker) or the sweep
takes it in once; `Idempotency-Key` stores a retried post once."""

import threading
import unittest
from datetime import timedelta
from io import StringIO
from unittest import mock

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test import TestCase, TransactionTestCase, override_settings
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APITestCase

from common.testing.concurrency import run_together
from intake.models import IntakeSubmission, IntakeSubmissionStatus
from intake.services import accept, intake_submission_process, intake_submissions_sweep
from intake.tests.factories import IntakeSourceFactory, IntakeSubmissionFactory
from leads.models import FollowUpHistory, Lead
from organizations.tests.factories import UserFactory, org_admin

URL = "/api/leads/intake/"


class SubmissionTestCase(APITestCase):
    def setUp(self):
        cache.clear()
        self.addCleanup(cache.clear)
        self.source = IntakeSourceFactory(name="Website form")

    def post(self, body=None, *, source=None, **headers):
        body = {"customer_name": "Ayesha Siddiqui", "contact_number": "0300 1234567"} if body is None else body
        return self.client.post(URL, body, format="json", HTTP_X_INTAKE_KEY=(source or self.source).test_key,
                                **headers)


class AcceptThenProcessTests(SubmissionTestCase):
    def test_an_enquiry_is_stored_normalised_and_processed_into_a_lead(self):
        response = self.post({"customer_name": "Ayesha", "contact_number": "0300 1234567", "area": "Gulberg",
                              "utm_source": "facebook", "messaging_consent": True})
        self.assertEqual((response.status_code, response.json()), (201, {"received": True}))
        submission = IntakeSubmission.objects.get()
        lead = Lead.objects.get()
        self.assertEqual(submission.source, self.source)
        self.assertEqual(submission.contact_number, "+923001234567")
        self.assertEqual((submission.area, submission.utm_source, submission.messaging_consent),
                         ("Gulberg", "facebook", True))
        self.assertEqual(submission.client_address, "127.0.0.1")
        self.assertEqual(submission.status, IntakeSubmissionStatus.DONE)
        self.assertEqual((submission.lead, submission.created_lead, submission.attempts), (lead, True, 1))
        self.assertIsNotNone(submission.processed_at)

    def test_a_returning_customer_is_a_done_submission_naming_the_existing_lead(self):
        self.post()
        self.post({"customer_name": "Ayesha S.", "contact_number": "+92 300 1234567"})
        lead = Lead.objects.get()
        second = IntakeSubmission.objects.order_by("pk").last()
        self.assertEqual((second.status, second.lead, second.created_lead), (IntakeSubmissionStatus.DONE, lead, False))
        self.assertEqual(FollowUpHistory.objects.filter(lead=lead).count(), 1)

    def test_a_bad_field_is_400_and_stores_nothing(self):
        response = self.post({"customer_name": "A", "contact_number": "12"})
        self.assertEqual(response.status_code, 400)
        self.assertIn("contact_number", response.json()["errors"] if "errors" in response.json() else response.json())
        self.assertFalse(IntakeSubmission.objects.exists())

    def test_a_wrong_key_stores_nothing(self):
        response = self.client.post(URL, {"customer_name": "A", "contact_number": "0300 1234567"}, format="json",
                                    HTTP_X_INTAKE_KEY="ik_0000000000_" + "a" * 43)
        self.assertEqual(response.status_code, 401)
        self.assertFalse(IntakeSubmission.objects.exists())

    def test_the_honeypot_is_stored_as_spam_and_never_processed(self):
        self.assertEqual(self.post({"customer_name": "Bot", "contact_number": "0300 1234567",
                                    "website": "http://spam.example"}).status_code, 201)
        self.assertEqual(IntakeSubmission.objects.get().status, IntakeSubmissionStatus.SPAM)
        self.assertFalse(Lead.objects.exists())
        self.assertEqual(intake_submissions_sweep(older_than=timedelta(0)).seen, 0)

    @override_settings(CELERY_TASK_ALWAYS_EAGER=False)
    def test_with_a_broker_the_answer_only_stores_and_queues_the_task_on_commit(self):
        with mock.patch("intake.tasks.process_intake_submission.delay") as delay:
            with self.captureOnCommitCallbacks(execute=True) as callbacks:
                self.assertEqual(self.post().status_code, 201)
            submission = IntakeSubmission.objects.get()
            self.assertEqual(len(callbacks), 1)
            delay.assert_called_once_with(submission.pk)
        self.assertEqual(submission.status, IntakeSubmissionStatus.PENDING)
        self.assertFalse(Lead.objects.exists())
        # The worker's turn:
        intake_submission_process(submission_id=submission.pk)
        submission.refresh_from_db()
        self.assertEqual((submission.status, submission.lead), (IntakeSubmissionStatus.DONE, Lead.objects.get()))


class IdempotencyKeyTests(SubmissionTestCase):
    def test_the_same_key_twice_is_one_submission_and_one_lead(self):
        for _ in range(2):
            response = self.post(HTTP_IDEMPOTENCY_KEY="order-42")
            self.assertEqual((response.status_code, response.json()), (201, {"received": True}))
        self.assertEqual(IntakeSubmission.objects.get().idempotency_key, "order-42")
        self.assertEqual(Lead.objects.count(), 1)
        self.assertFalse(FollowUpHistory.objects.exists())

    def test_a_retry_with_another_body_but_the_same_key_stores_nothing_new(self):
        self.post(HTTP_IDEMPOTENCY_KEY="k1")
        self.post({"customer_name": "Someone Else", "contact_number": "0300 7654321"}, HTTP_IDEMPOTENCY_KEY="k1")
        self.assertEqual(IntakeSubmission.objects.count(), 1)
        self.assertEqual(Lead.objects.count(), 1)

    def test_different_keys_are_different_submissions(self):
        self.post(HTTP_IDEMPOTENCY_KEY="k1")
        self.post(HTTP_IDEMPOTENCY_KEY="k2")
        self.assertEqual(IntakeSubmission.objects.count(), 2)

    def test_different_sources_may_use_the_same_key(self):
        other = IntakeSourceFactory(name="Landing page")
        self.post(HTTP_IDEMPOTENCY_KEY="shared")
        self.post({"customer_name": "Bilal", "contact_number": "0321 5555555"}, source=other,
                  HTTP_IDEMPOTENCY_KEY="shared")
        self.assertEqual(sorted(IntakeSubmission.objects.values_list("source_id", flat=True)),
                         sorted([self.source.pk, other.pk]))
        self.assertEqual(Lead.objects.count(), 2)

    def test_a_malformed_key_is_400_naming_the_header_and_stores_nothing(self):
        for bad in ("x" * 101, "naïve"):
            with self.subTest(bad=bad):
                response = self.post(HTTP_IDEMPOTENCY_KEY=bad)
                self.assertEqual(response.status_code, 400)
                self.assertIn("Idempotency-Key", response.content.decode())
        self.assertFalse(IntakeSubmission.objects.exists())

    def test_the_constraint_itself_refuses_a_second_row(self):
        IntakeSubmissionFactory(source=self.source, idempotency_key="dup")
        from django.db import IntegrityError, transaction

        with self.assertRaises(IntegrityError), transaction.atomic():
            IntakeSubmissionFactory(source=self.source, idempotency_key="dup")
        IntakeSubmissionFactory(source=self.source)  # no key: as many as posted
        IntakeSubmissionFactory(source=self.source)


class FailureAndSweepTests(TestCase):
    def setUp(self):
        self.source = IntakeSourceFactory(name="Website form")

    def test_a_refused_enquiry_leaves_the_submission_failed_with_the_reason(self):
        submission = IntakeSubmissionFactory(source=self.source)
        refusal = ValidationError({"customer_name": ["Refused for the test."]})
        with mock.patch.object(accept, "intake_submit", side_effect=refusal):
            intake_submission_process(submission_id=submission.pk)
        submission.refresh_from_db()
        self.assertEqual(submission.status, IntakeSubmissionStatus.FAILED)
        self.assertIn("customer_name: Refused for the test.", submission.error)
        self.assertFalse(Lead.objects.exists())

    def test_a_revoked_source_fails_its_pending_submissions(self):
        submission = IntakeSubmissionFactory(source=self.source)
        self.source.revoked_at = timezone.now()
        self.source.save()
        intake_submission_process(submission_id=submission.pk)
        submission.refresh_from_db()
        self.assertEqual(submission.status, IntakeSubmissionStatus.FAILED)
        self.assertIn("revoked", submission.error)

    def test_an_unexpected_error_stays_pending_with_the_error_and_the_sweep_retries_it(self):
        submission = IntakeSubmissionFactory(source=self.source, received_at=timezone.now() - timedelta(minutes=5))
        with mock.patch.object(accept, "intake_submit", side_effect=RuntimeError("database went away")):
            with self.assertRaises(RuntimeError):
                intake_submission_process(submission_id=submission.pk)
        submission.refresh_from_db()
        self.assertEqual((submission.status, submission.attempts), (IntakeSubmissionStatus.PENDING, 1))
        self.assertIn("database went away", submission.error)
        out = StringIO()
        call_command("process_intake_submissions", stdout=out)
        self.assertIn("1 pending submission(s), 1 done", out.getvalue())
        submission.refresh_from_db()
        self.assertEqual((submission.status, submission.attempts, submission.error),
                         (IntakeSubmissionStatus.DONE, 2, ""))
        self.assertEqual(submission.lead, Lead.objects.get())

    def test_the_sweep_leaves_fresh_pending_rows_to_their_task(self):
        fresh = IntakeSubmissionFactory(source=self.source)
        result = intake_submissions_sweep()
        self.assertEqual(result.seen, 0)
        fresh.refresh_from_db()
        self.assertEqual(fresh.status, IntakeSubmissionStatus.PENDING)

    def test_the_sweep_skips_failed_and_done_rows(self):
        earlier = timezone.now() - timedelta(minutes=5)
        IntakeSubmissionFactory(source=self.source, received_at=earlier, status=IntakeSubmissionStatus.FAILED)
        IntakeSubmissionFactory(source=self.source, received_at=earlier, status=IntakeSubmissionStatus.DONE)
        self.assertEqual(intake_submissions_sweep().seen, 0)
        self.assertFalse(Lead.objects.exists())

    def test_a_processed_submission_is_not_processed_again(self):
        submission = IntakeSubmissionFactory(source=self.source)
        self.assertIsNotNone(intake_submission_process(submission_id=submission.pk))
        self.assertIsNone(intake_submission_process(submission_id=submission.pk))
        submission.refresh_from_db()
        self.assertEqual(submission.attempts, 1)
        self.assertEqual(Lead.objects.count(), 1)
        self.assertFalse(FollowUpHistory.objects.exists())

    def test_the_task_gives_up_after_its_retries_with_the_reason(self):
        from intake.tasks import process_intake_submission

        submission = IntakeSubmissionFactory(source=self.source)
        with mock.patch.object(accept, "intake_submit", side_effect=RuntimeError("still broken")), \
                mock.patch.object(process_intake_submission, "max_retries", 0):
            process_intake_submission.apply(args=[submission.pk])
        submission.refresh_from_db()
        self.assertEqual(submission.status, IntakeSubmissionStatus.FAILED)
        self.assertIn("Gave up after retries: RuntimeError: still broken", submission.error)


class AdminTests(TestCase):
    def test_staff_and_the_sources_org_admin_see_submissions_read_only(self):
        source = IntakeSourceFactory(name="Website form")
        failed = IntakeSubmissionFactory(source=source, status=IntakeSubmissionStatus.FAILED, error="contact: bad")
        other = IntakeSubmissionFactory(customer_name="Elsewhere Customer")
        admin_user = org_admin(source.organization)
        for user, sees_other in ((UserFactory(is_staff=True, is_superuser=True), True), (admin_user, False)):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                changelist = self.client.get(reverse("admin:intake_intakesubmission_changelist"))
                self.assertEqual(changelist.status_code, 200, changelist.content[:1500])
                self.assertContains(changelist, failed.customer_name)
                self.assertEqual(other.customer_name in changelist.content.decode(), sees_other)
                detail = self.client.get(reverse("admin:intake_intakesubmission_change", args=[failed.pk]))
                self.assertContains(detail, "contact: bad")
                self.assertNotContains(detail, 'name="_save"')


@unittest.skipUnless(connection.vendor == "postgresql", "needs PostgreSQL: real row locks (SKIP LOCKED)")
class ClaimTests(TransactionTestCase):
    def test_two_processors_racing_on_one_submission_process_it_once(self):
        submission = IntakeSubmissionFactory(source=IntakeSourceFactory(name="Website form"))
        someone_finished = threading.Event()
        real_submit = accept.intake_submit

        def submit_after_the_other_finished(*args, **kwargs):
            # The processor holding the claim waits until the other has given up (or a few seconds pass):
            # without the claim the other would process the row too.
            someone_finished.wait(timeout=5)
            return real_submit(*args, **kwargs)

        def process():
            try:
                return intake_submission_process(submission_id=submission.pk)
            finally:
                someone_finished.set()

        with mock.patch.object(accept, "intake_submit", side_effect=submit_after_the_other_finished):
            outcomes = run_together(process, process, timeout=60)
        self.assertFalse([o for o in outcomes if isinstance(o, BaseException)], outcomes)
        self.assertEqual(sum(o is not None for o in outcomes), 1)
        submission.refresh_from_db()
        self.assertEqual((submission.status, submission.attempts), (IntakeSubmissionStatus.DONE, 1))
        self.assertEqual(Lead.objects.count(), 1)
        self.assertFalse(FollowUpHistory.objects.exists())
