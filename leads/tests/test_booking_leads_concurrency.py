"""Many bookings for one customer at the same moment, on a real PostgreSQL server with real threads."""

import io
import re
import threading
import unittest
from decimal import Decimal
from functools import partial
from unittest import mock

from django.core.management import call_command
from django.db import connection
from django.db.models.signals import post_save
from django.test import TransactionTestCase

from booking.models import Booking
from booking.services import booking_create
from common.testing.concurrency import errors, meeting_point, run_together
from leads.services import booking_leads
from leads.apps import BOOKING_LEAD_DISPATCH_UID
from leads.models import Lead, LeadStatus
from leads.signals import auto_create_lead_from_booking
from organizations.tests.factories import BranchFactory, UserFactory

THREADS = 30
# How long a thread that has looked for the lead waits for the others to have looked too. Where the
# code under test makes lookups take turns (a lock), the wait runs out and the threads go on in turn.
LOOKUP_MEET_SECONDS = 2


def lookups_meet_before_anyone_writes():
    """Patch the lead lookup so every thread's first lookup finishes before any thread writes.

    Thirty threads starting together still rarely overlap by chance; this forces the worst
    interleaving, the one the constraint and the lock exist for: everybody finds no lead.
    """
    meet = meeting_point(THREADS, timeout=LOOKUP_MEET_SECONDS)
    waited = threading.local()
    real_find = booking_leads.find_lead_for_booking

    def find_then_meet(*args, **kwargs):
        lead = real_find(*args, **kwargs)
        if not getattr(waited, "done", False):
            waited.done = True
            meet()
        return lead

    return mock.patch.object(booking_leads, "find_lead_for_booking", side_effect=find_then_meet)


@unittest.skipUnless(connection.vendor == "postgresql", "needs PostgreSQL: SQLite serialises every writer")
class ConcurrentBookingsMakeOneLeadTests(TransactionTestCase):
    def setUp(self):
        self.branch = BranchFactory()
        self.staff = UserFactory(is_staff=True)

    def book_all_at_once(self, make_fields) -> list[BaseException]:
        """THREADS threads that each create one booking, all at once; the exceptions they raised."""

        def book(number: int) -> None:
            # Outside any transaction: the booking commits, then its lead step runs (on_commit).
            booking_create(
                branch=self.branch, actor=self.staff, customer_name="Hamza Siddiqui",
                total_amount=Decimal("350000.00"), **make_fields(number),
            )

        with lookups_meet_before_anyone_writes():
            outcomes = run_together(*(partial(book, number) for number in range(THREADS)), timeout=120)
        return errors(outcomes)

    def test_bookings_with_the_same_new_passport_make_exactly_one_lead(self):
        # Different phone numbers: only the passport's unique constraint stands between them.
        with self.assertNoLogs("leads", level="ERROR"):
            errors = self.book_all_at_once(
                lambda n: {"passport_number": "AB1234567", "contact_number": f"0300 10000{n:02d}"}
            )

        self.assertEqual(errors, [])
        self.assertEqual(Booking.objects.filter(passport_number="AB1234567").count(), THREADS)
        lead = Lead.objects.get()
        self.assertEqual((lead.passport_number, lead.lead_status), ("AB1234567", LeadStatus.CONVERTED))
        # The customer's lead follows the latest of their bookings.
        self.assertEqual(lead.booking_id, Booking.objects.order_by("-id").values_list("id", flat=True).first())

    def test_bookings_without_passport_for_the_same_new_number_make_exactly_one_lead(self):
        # No constraint guards contact numbers: the advisory lock makes the lookups take turns.
        with self.assertNoLogs("leads", level="ERROR"):
            errors = self.book_all_at_once(lambda n: {"passport_number": "", "contact_number": "0300 1234567"})

        self.assertEqual(errors, [])
        self.assertEqual(Booking.objects.count(), THREADS)
        lead = Lead.objects.get()
        self.assertEqual((lead.contact_number, lead.lead_status), ("+923001234567", LeadStatus.CONVERTED))


@unittest.skipUnless(connection.vendor == "postgresql", "needs PostgreSQL: SQLite serialises every writer")
class OverlappingSyncRunsTests(TransactionTestCase):
    def test_two_overlapping_sync_runs_handle_each_booking_once(self):
        # Twenty bookings saved while the receiver was off, then two repair runs started together.
        branch = BranchFactory()
        post_save.disconnect(sender=Booking, dispatch_uid=BOOKING_LEAD_DISPATCH_UID)
        try:
            for number in range(20):
                booking_create(
                    branch=branch, customer_name="Customer", passport_number=f"PK{number:07d}",
                    contact_number=f"0300 20000{number:02d}", total_amount=Decimal("1000.00"),
                )
        finally:
            post_save.connect(auto_create_lead_from_booking, sender=Booking, dispatch_uid=BOOKING_LEAD_DISPATCH_UID)

        def run() -> str:
            out = io.StringIO()
            call_command("sync_booking_leads", "--batch-size", "5", stdout=out)
            return out.getvalue().strip()

        outputs = run_together(run, run, timeout=120)

        self.assertEqual(errors(outputs), [])
        self.assertEqual(Lead.objects.count(), 20)
        self.assertEqual(set(Lead.objects.values_list("booking_id", flat=True)), set(Booking.objects.values_list("id", flat=True)))
        created = sum(int(re.search(r"created (\d+)", line).group(1)) for line in outputs)
        self.assertEqual(created, 20, outputs)
