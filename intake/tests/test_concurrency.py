"""Identical enquiries at the same moment make one lead (PostgreSQL: real locks; SQLite serialises writers)."""

import threading
import unittest
from functools import partial
from unittest import mock

from django.db import connection
from django.test import TransactionTestCase

from common.testing.concurrency import errors, meeting_point, run_together
from intake.services import Enquiry, intake_submit
from intake.services import submissions
from intake.tests.factories import IntakeSourceFactory
from leads.models import FollowUpHistory, Lead

THREADS = 8
# Long enough for every thread to reach the lookup when nothing makes them take turns.
LOOKUP_MEET_SECONDS = 3


def lookups_meet_before_anyone_writes():
    """Every thread's customer lookup waits for the others' (once each): without the identity lock they all
    find no lead and all create one; with it the meeting cannot happen and they take turns."""
    meet = meeting_point(THREADS, timeout=LOOKUP_MEET_SECONDS)
    real_find = submissions.find_customer_lead
    local = threading.local()

    def find_then_meet(*args, **kwargs):
        lead = real_find(*args, **kwargs)
        if not getattr(local, "done", False):
            local.done = True
            meet()
        return lead

    return mock.patch.object(submissions, "find_customer_lead", side_effect=find_then_meet)


@unittest.skipUnless(connection.vendor == "postgresql", "needs PostgreSQL: SQLite serialises every writer")
class ConcurrentIdenticalEnquiriesTests(TransactionTestCase):
    def setUp(self):
        self.source = IntakeSourceFactory(name="Website form")

    def submit_all_at_once(self, make_fields) -> list[BaseException]:
        def submit(number: int):
            return intake_submit(source=self.source, enquiry=Enquiry(customer_name="Hamza", **make_fields(number)))

        with lookups_meet_before_anyone_writes():
            return errors(run_together(*(partial(submit, number) for number in range(THREADS)), timeout=120))

    def test_the_same_phone_at_once_makes_one_lead_and_follow_ups(self):
        # No constraint guards phone numbers: only the advisory lock makes the lookups take turns.
        self.assertEqual(self.submit_all_at_once(lambda n: {"contact_number": "0300 1234567"}), [])
        lead = Lead.objects.get()
        self.assertEqual(lead.contact_number, "+923001234567")
        self.assertEqual(FollowUpHistory.objects.filter(lead=lead).count(), THREADS - 1)

    def test_the_same_cnic_from_different_phones_at_once_makes_one_lead(self):
        self.assertEqual(
            self.submit_all_at_once(lambda n: {"contact_number": f"0300 10000{n:02d}", "cnic": "35202-1234567-1"}), []
        )
        self.assertEqual(Lead.objects.count(), 1)

    def test_the_same_passport_at_once_makes_one_lead(self):
        self.assertEqual(
            self.submit_all_at_once(lambda n: {"contact_number": f"0300 10000{n:02d}", "passport_number": "AB1234567"}),
            [],
        )
        self.assertEqual(Lead.objects.count(), 1)
