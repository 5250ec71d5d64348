"""Idempotency-Key on POST /api/bookings/ and POST /api/leads/create/: a retry creates nothing."""

import unittest
from datetime import timedelta

from django.db import connection
from django.urls import reverse
from rest_framework.test import APIClient, APITestCase, APITransactionTestCase

from booking.models import Booking
from booking.tests.test_api import booking_body
from common.models import IdempotencyKey
from common.testing.concurrency import run_together
from leads.models import Lead
from organizations.tests.factories import BranchFactory, UserFactory, branch_user

BOOKINGS_URL = reverse("booking:list-create")
CREATE_LEAD_URL = reverse("leads:create")


def lead_body(branch, **overrides):
    return {"customer_name": "Retry Customer", "contact_number": "0300 5556667", "branch": branch.pk, **overrides}


class IdempotencyKeyTests(APITestCase):
    @classmethod
    def setUpTestData(cls):
        cls.branch = BranchFactory()
        cls.user = branch_user(cls.branch)
        cls.colleague = branch_user(cls.branch)

    def setUp(self):
        self.client.force_authenticate(self.user)

    def post(self, url, body, key="key-1"):
        headers = {"HTTP_IDEMPOTENCY_KEY": key} if key is not None else {}
        return self.client.post(url, body, format="json", **headers)

    def test_booking_retry_returns_the_first_answer_and_books_once(self):
        first = self.post(BOOKINGS_URL, booking_body(self.branch))
        retry = self.post(BOOKINGS_URL, booking_body(self.branch))
        self.assertEqual(first.status_code, 201, first.data)
        self.assertEqual((retry.status_code, retry.json()), (201, first.json()))
        self.assertEqual(retry["Idempotent-Replayed"], "true")
        self.assertFalse(first.has_header("Idempotent-Replayed"))
        self.assertEqual(Booking.objects.count(), 1)

    def test_lead_create_retry_returns_the_first_answer_and_creates_once(self):
        first = self.post(CREATE_LEAD_URL, lead_body(self.branch))
        retry = self.post(CREATE_LEAD_URL, lead_body(self.branch))
        self.assertEqual(first.status_code, 201, first.data)
        self.assertEqual((retry.status_code, retry.json()), (201, first.json()))
        self.assertEqual(Lead.objects.count(), 1)

    def test_without_the_header_every_post_creates(self):
        self.post(BOOKINGS_URL, booking_body(self.branch), key=None)
        self.post(BOOKINGS_URL, booking_body(self.branch, passport_number=""), key=None)
        self.assertEqual(Booking.objects.count(), 2)

    def test_same_key_with_a_different_body_is_422_and_creates_nothing(self):
        self.post(CREATE_LEAD_URL, lead_body(self.branch))
        response = self.post(CREATE_LEAD_URL, lead_body(self.branch, customer_name="Someone Else"))
        self.assertEqual(response.status_code, 422)
        self.assertIn("detail", response.data)
        self.assertEqual(Lead.objects.count(), 1)

    def test_same_key_on_another_operation_is_422(self):
        self.post(CREATE_LEAD_URL, lead_body(self.branch))
        self.assertEqual(self.post(BOOKINGS_URL, booking_body(self.branch)).status_code, 422)
        self.assertEqual(Booking.objects.count(), 0)

    def test_a_refused_request_claims_nothing_so_the_corrected_retry_may_reuse_the_key(self):
        refused = self.post(CREATE_LEAD_URL, lead_body(self.branch, contact_number="12"))
        self.assertEqual(refused.status_code, 400)
        self.assertFalse(IdempotencyKey.objects.exists())
        fixed = self.post(CREATE_LEAD_URL, lead_body(self.branch))
        self.assertEqual(fixed.status_code, 201)

    def test_keys_are_per_user(self):
        self.post(CREATE_LEAD_URL, lead_body(self.branch))
        self.client.force_authenticate(self.colleague)
        other = self.post(CREATE_LEAD_URL, lead_body(self.branch, contact_number="0300 5556668"))
        self.assertEqual(other.status_code, 201)
        self.assertFalse(other.has_header("Idempotent-Replayed"))
        self.assertEqual(Lead.objects.count(), 2)

    def test_a_key_older_than_24_hours_is_free_again(self):
        self.post(CREATE_LEAD_URL, lead_body(self.branch))
        IdempotencyKey.objects.update(created_at=IdempotencyKey.objects.get().created_at - timedelta(hours=25))
        again = self.post(CREATE_LEAD_URL, lead_body(self.branch, contact_number="0300 5556669"))
        self.assertEqual(again.status_code, 201)
        self.assertFalse(again.has_header("Idempotent-Replayed"))
        self.assertEqual(IdempotencyKey.objects.count(), 1)  # the expired claim went

    def test_malformed_keys_are_400_on_the_header(self):
        for key in ("", "x" * 256, "caf\u00e9"):
            with self.subTest(key=key):
                response = self.client.post(
                    CREATE_LEAD_URL, lead_body(self.branch), format="json", HTTP_IDEMPOTENCY_KEY=key
                )
                self.assertEqual(response.status_code, 400)
                self.assertIn("Idempotency-Key", response.data)
        self.assertEqual(Lead.objects.count(), 0)

    def test_a_claim_in_progress_is_409(self):
        IdempotencyKey.objects.create(user=self.user, key="key-1", fingerprint="x", response_status=0, response_body={})
        IdempotencyKey.objects.filter(key="key-1").update(fingerprint=self._fingerprint_of(lead_body(self.branch)))
        self.assertEqual(self.post(CREATE_LEAD_URL, lead_body(self.branch)).status_code, 409)

    def _fingerprint_of(self, body):
        # The fingerprint the view computes for this body (through a request that is then rolled back).
        self.post(CREATE_LEAD_URL, body, key="probe")
        fingerprint = IdempotencyKey.objects.get(key="probe").fingerprint
        Lead.objects.all().delete()
        IdempotencyKey.objects.filter(key="probe").delete()
        return fingerprint


class AnswerAfterCommitTests(APITransactionTestCase):
    def test_the_stored_answer_names_the_bookings_lead(self):
        # The answer is built after the booking's transaction commits, when its lead has been linked.
        branch = BranchFactory()
        self.client.force_authenticate(branch_user(branch))
        first = self.client.post(BOOKINGS_URL, booking_body(branch), format="json", HTTP_IDEMPOTENCY_KEY="k")
        retry = self.client.post(BOOKINGS_URL, booking_body(branch), format="json", HTTP_IDEMPOTENCY_KEY="k")
        self.assertEqual(first.status_code, 201, first.data)
        self.assertIsNotNone(first.data["lead"])
        self.assertEqual(retry.json(), first.json())


@unittest.skipUnless(connection.vendor == "postgresql", "needs PostgreSQL: SQLite serialises every writer")
class ConcurrentRetriesTests(APITransactionTestCase):
    """Two retries at the same moment: the database's unique claim lets exactly one create."""

    def test_concurrent_retries_with_one_key_book_once(self):
        branch = BranchFactory()
        user = branch_user(branch, user=UserFactory())

        def retry() -> int:
            client = APIClient()
            client.force_authenticate(user)
            return client.post(BOOKINGS_URL, booking_body(branch), format="json", HTTP_IDEMPOTENCY_KEY="same").status_code

        statuses = run_together(*[retry] * 4)
        self.assertEqual(Booking.objects.count(), 1)
        self.assertEqual(statuses.count(201) + statuses.count(409), 4, statuses)
        self.assertGreaterEqual(statuses.count(201), 1)
