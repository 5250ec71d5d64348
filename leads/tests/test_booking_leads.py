from datetime import timedelta
from decimal import Decimal
from io import StringIO
from unittest import mock

from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models.signals import post_save
from django.test import TestCase
from django.utils import timezone

from booking.models import Booking
from booking.services import booking_create
from booking.tests.factories import BookingFactory
from leads.apps import BOOKING_LEAD_DISPATCH_UID
from leads.models import Lead, LeadSource, LeadStatus
from leads.services import LeadService, lead_mark_lost
from leads.signals import auto_create_lead_from_booking
from leads.tests.factories import LeadFactory
from organizations.tests.factories import BranchFactory, UserFactory


class BookingLeadTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.branch = BranchFactory()
        cls.other_branch = BranchFactory(organization=cls.branch.organization)
        cls.staff = UserFactory(is_staff=True)

    def book(self, branch=None, **fields) -> Booking:
        """Create a booking the way the API does and run what its commit triggers."""
        fields.setdefault("customer_name", "Hamza Siddiqui")
        fields.setdefault("contact_number", "0312 7654321")
        fields.setdefault("total_amount", Decimal("350000.00"))
        with self.captureOnCommitCallbacks(execute=True):
            return booking_create(branch=branch or self.branch, actor=self.staff, **fields)


class BookingCreatesOrLinksLeadTests(BookingLeadTestCase):
    def test_new_customer_gets_a_converted_lead_from_the_booking(self):
        booking = self.book(passport_number="ab 123 4567", cnic="3520212345671", contact_number="0300 1234567")

        lead = Lead.objects.get()
        self.assertEqual(lead.booking, booking)
        self.assertEqual(lead.lead_status, LeadStatus.CONVERTED)
        self.assertEqual(lead.lead_source, LeadSource.BOOKING)
        self.assertIsNotNone(lead.converted_at)
        self.assertEqual(
            (lead.customer_name, lead.passport_number, lead.cnic, lead.contact_number),
            ("Hamza Siddiqui", "AB1234567", "35202-1234567-1", "+923001234567"),
        )
        self.assertEqual((lead.branch, lead.organization), (self.branch, self.branch.organization))
        self.assertEqual(lead.created_by, self.staff)
        self.assertIn(booking.reference, lead.remarks)

    def test_booking_links_and_converts_the_lead_with_the_same_passport(self):
        lead = LeadFactory(branch=self.other_branch, passport_number="AB1234567", contact_number="+923451111111")
        history_before = lead.history.count()

        booking = self.book(passport_number="ab1234567", contact_number="0300 1234567")

        self.assertEqual(Lead.objects.count(), 1)
        lead.refresh_from_db()
        self.assertEqual((lead.booking, lead.lead_status), (booking, LeadStatus.CONVERTED))
        self.assertEqual(lead.branch, self.other_branch, "the lead stays in its own branch")
        self.assertEqual(lead.lead_source, LeadSource.WALK_IN, "how the lead first came in is kept")
        self.assertEqual(lead.history.count(), history_before + 1)
        self.assertEqual(lead.history.first().history_change_reason, f"Booking {booking.reference}")

    def test_booking_without_passport_links_the_lead_with_the_same_contact_number(self):
        lead = LeadFactory(branch=self.branch, passport_number="", contact_number="+923001234567")

        booking = self.book(passport_number="", contact_number="0300-1234567")

        lead.refresh_from_db()
        self.assertEqual(Lead.objects.count(), 1)
        self.assertEqual((lead.booking, lead.lead_status), (booking, LeadStatus.CONVERTED))

    def test_contact_number_match_prefers_the_most_recent_open_lead(self):
        now = timezone.now()
        older_open = LeadFactory(branch=self.branch, passport_number="", contact_number="+923001234567")
        newer_open = LeadFactory(branch=self.branch, passport_number="", contact_number="+923001234567")
        newest_lost = LeadFactory(branch=self.branch, passport_number="", contact_number="+923001234567")
        lead_mark_lost(lead=newest_lost, lost_reason="Went with another agent.")
        for offset, lead in enumerate([older_open, newer_open, newest_lost]):
            Lead.objects.filter(pk=lead.pk).update(created_at=now - timedelta(days=3 - offset))

        booking = self.book(passport_number="", contact_number="03001234567")

        linked = Lead.objects.get(booking=booking)
        self.assertEqual(linked, newer_open)
        self.assertEqual(Lead.objects.filter(lead_status=LeadStatus.CONVERTED).count(), 1)

    def test_contact_number_match_fills_in_the_leads_blank_passport_and_cnic(self):
        lead = LeadFactory(branch=self.branch, passport_number="", cnic="", contact_number="+923001234567")

        self.book(passport_number="AB1234567", cnic="35202-1234567-1", contact_number="0300 1234567")

        lead.refresh_from_db()
        self.assertEqual((lead.passport_number, lead.cnic), ("AB1234567", "35202-1234567-1"))

    def test_lead_holding_another_passport_is_not_matched_by_a_shared_phone(self):
        relative = LeadFactory(branch=self.branch, passport_number="ZX7654321", contact_number="+923001234567")

        booking = self.book(passport_number="AB1234567", contact_number="0300 1234567")

        relative.refresh_from_db()
        self.assertIsNone(relative.booking)
        self.assertEqual(relative.lead_status, LeadStatus.NEW)
        self.assertEqual(Lead.objects.get(booking=booking).passport_number, "AB1234567")

    def test_passport_match_beats_contact_number_match(self):
        by_contact = LeadFactory(branch=self.branch, passport_number="", contact_number="+923001234567")
        by_passport = LeadFactory(branch=self.branch, passport_number="AB1234567", contact_number="+923459999999")

        booking = self.book(passport_number="AB1234567", contact_number="0300 1234567")

        by_passport.refresh_from_db()
        by_contact.refresh_from_db()
        self.assertEqual((by_passport.booking, by_passport.lead_status), (booking, LeadStatus.CONVERTED))
        self.assertEqual((by_contact.booking, by_contact.lead_status), (None, LeadStatus.NEW))

    def test_another_organizations_lead_is_never_linked(self):
        foreign = LeadFactory(passport_number="AB1234567", contact_number="+923001234567")
        self.assertNotEqual(foreign.organization, self.branch.organization)

        booking = self.book(passport_number="AB1234567", contact_number="0300 1234567")

        foreign.refresh_from_db()
        self.assertEqual((foreign.booking, foreign.lead_status), (None, LeadStatus.NEW))
        own = Lead.objects.get(booking=booking)
        self.assertEqual(own.organization, self.branch.organization)
        self.assertEqual(own.passport_number, "AB1234567")

    def test_lost_lead_matched_by_a_booking_becomes_converted_and_keeps_why_it_was_lost(self):
        lead = LeadFactory(branch=self.branch, passport_number="AB1234567", remarks="Asked about Umrah.")
        lead_mark_lost(lead=lead, lost_reason="Too expensive.")

        booking = self.book(passport_number="AB1234567")

        lead.refresh_from_db()
        self.assertEqual((lead.booking, lead.lead_status), (booking, LeadStatus.CONVERTED))
        self.assertIsNotNone(lead.converted_at)
        self.assertEqual(lead.lost_reason, "Too expensive.")
        self.assertIsNotNone(lead.lost_at)
        self.assertTrue(lead.remarks.startswith("Asked about Umrah.\n"))
        self.assertIn(f"booking {booking.reference} after having been marked lost", lead.remarks)
        self.assertEqual(
            [record.lead_status for record in lead.history.order_by("history_date", "history_id")],
            [LeadStatus.NEW, LeadStatus.LOST, LeadStatus.CONVERTED],
        )

    def test_returning_customers_lead_follows_their_latest_booking(self):
        first = self.book(passport_number="AB1234567")
        lead = Lead.objects.get()
        converted_at = lead.converted_at

        second = self.book(passport_number="AB1234567")

        lead.refresh_from_db()
        self.assertEqual(Lead.objects.count(), 1)
        self.assertEqual(lead.booking, second)
        self.assertEqual(lead.converted_at, converted_at)
        # The older booking, looked at again, leaves the lead on the later one.
        result = LeadService.auto_create_from_booking(first)
        self.assertEqual(result.outcome, "unchanged")
        lead.refresh_from_db()
        self.assertEqual(lead.booking, second)

    def test_rolled_back_booking_makes_no_lead(self):
        with self.captureOnCommitCallbacks(execute=True):
            with self.assertRaises(RuntimeError), transaction.atomic():
                booking_create(
                    branch=self.branch, customer_name="Hamza", contact_number="0300 1234567",
                    total_amount=Decimal("10.00"),
                )
                raise RuntimeError("the caller's transaction fails after the booking")
        self.assertFalse(Booking.objects.exists())
        self.assertFalse(Lead.objects.exists())


class BookingLeadIsIdempotentTests(BookingLeadTestCase):
    def test_saving_the_booking_again_changes_nothing(self):
        booking = self.book(passport_number="AB1234567")
        lead = Lead.objects.get()
        history = lead.history.count()

        with self.captureOnCommitCallbacks(execute=True) as callbacks:
            booking.paid_amount = Decimal("350000.00")
            booking.save()

        self.assertEqual(callbacks, [])
        self.assertEqual(Lead.objects.count(), 1)
        self.assertEqual(lead.history.count(), history)

    def test_running_the_service_twice_changes_nothing(self):
        booking = self.book(passport_number="AB1234567")
        lead = Lead.objects.get()
        history = lead.history.count()
        updated_at = lead.updated_at

        result = LeadService.auto_create_from_booking(booking)

        self.assertEqual((result.outcome, result.lead), ("unchanged", lead))
        lead.refresh_from_db()
        self.assertEqual((Lead.objects.count(), lead.history.count(), lead.updated_at), (1, history, updated_at))

    def test_two_bookings_of_the_same_new_passport_make_one_lead(self):
        self.book(passport_number="AB1234567", contact_number="0300 1111111")
        self.book(passport_number="AB1234567", contact_number="0300 2222222")
        self.assertEqual(Lead.objects.filter(passport_number="AB1234567").count(), 1)


class BookingSurvivesLeadFailureTests(BookingLeadTestCase):
    def test_booking_survives_a_failure_in_the_service_and_the_failure_is_logged(self):
        failure = RuntimeError("database said: Key (passport_number)=(AB1234567) clashes")
        with mock.patch.object(LeadService, "auto_create_from_booking", side_effect=failure):
            with self.assertLogs("leads", level="ERROR") as logs:
                booking = self.book(passport_number="AB1234567", cnic="35202-1234567-1", contact_number="0300 1234567")

        self.assertTrue(Booking.objects.filter(pk=booking.pk).exists())
        self.assertFalse(Lead.objects.exists())
        [record] = logs.records
        self.assertEqual(record.name, "leads")
        self.assertEqual((record.booking_id, record.booking_reference), (booking.pk, booking.reference))
        self.assertEqual(record.event, "booking_lead.failed")
        message = record.getMessage()
        self.assertIn(str(booking.pk), message)
        self.assertIn(booking.reference, message)
        self.assertIn("RuntimeError", message)
        for identity in ("AB1234567", "35202-1234567-1", "+923001234567", "3001234567"):
            self.assertNotIn(identity, message)
        self.assertIsNone(record.exc_info)

    def test_a_database_error_while_creating_the_lead_is_logged_not_raised(self):
        # An empty customer name breaks a lead constraint: a real database error, after retries.
        with self.assertLogs("leads", level="ERROR") as logs:
            booking = self.book(customer_name="", passport_number="AB1234567")
        self.assertTrue(Booking.objects.filter(pk=booking.pk).exists())
        self.assertFalse(Lead.objects.exists())
        # Where it failed, in this project's code, but not the database's message (it quotes the values).
        self.assertRegex(logs.records[0].getMessage(), r"IntegrityError at \w+/[\w/]+\.py:\d+ in \w+$")
        self.assertNotIn("AB1234567", logs.output[0])

    def test_created_and_linked_events_are_logged_with_ids(self):
        with self.assertLogs("leads", level="INFO") as created_logs:
            booking = self.book(passport_number="AB1234567")
        lead = Lead.objects.get()
        [created] = created_logs.records
        self.assertEqual((created.event, created.lead_id, created.booking_id), ("booking_lead.created", lead.pk, booking.pk))

        with self.assertLogs("leads", level="INFO") as linked_logs:
            second = self.book(passport_number="AB1234567")
        [linked] = linked_logs.records
        self.assertEqual((linked.event, linked.lead_id, linked.booking_id), ("booking_lead.linked", lead.pk, second.pk))
        self.assertNotIn("AB1234567", linked_logs.output[0])

    def test_fixture_loads_do_not_trigger_the_automation(self):
        booking = BookingFactory.build(branch=self.branch)
        with self.captureOnCommitCallbacks() as callbacks:
            auto_create_lead_from_booking(sender=Booking, instance=booking, created=True, raw=True)
        self.assertEqual(callbacks, [])


class SyncBookingLeadsCommandTests(BookingLeadTestCase):
    def sync(self, *args) -> str:
        out = StringIO()
        call_command("sync_booking_leads", *args, stdout=out)
        return out.getvalue().strip()

    def book_unseen(self, **fields) -> Booking:
        """A booking saved while the receiver was disconnected (a missed signal, an import)."""
        post_save.disconnect(sender=Booking, dispatch_uid=BOOKING_LEAD_DISPATCH_UID)
        try:
            return self.book(**fields)
        finally:
            post_save.connect(auto_create_lead_from_booking, sender=Booking, dispatch_uid=BOOKING_LEAD_DISPATCH_UID)

    def test_sync_heals_a_booking_saved_with_the_receiver_disconnected(self):
        existing = LeadFactory(branch=self.branch, passport_number="AB1234567")
        linked_booking = self.book_unseen(passport_number="AB1234567")
        new_booking = self.book_unseen(passport_number="CD7654321", contact_number="0300 7654321")
        self.assertFalse(Lead.objects.filter(booking__isnull=False).exists())

        self.assertEqual(self.sync(), "Linked 1, created 1, failed 0 of 2 bookings without a lead.")

        existing.refresh_from_db()
        self.assertEqual((existing.booking, existing.lead_status), (linked_booking, LeadStatus.CONVERTED))
        self.assertEqual(Lead.objects.get(passport_number="CD7654321").booking, new_booking)
        self.assertEqual(self.sync(), "Linked 0, created 0, failed 0 of 0 bookings without a lead.")
        self.assertEqual(Lead.objects.count(), 2)

    def test_dry_run_reports_and_changes_nothing(self):
        LeadFactory(branch=self.branch, passport_number="AB1234567")
        self.book_unseen(passport_number="AB1234567")
        self.book_unseen(passport_number="CD7654321", contact_number="0300 7654321")
        before = list(Lead.objects.values_list("id", "lead_status", "booking_id", "updated_at"))

        self.assertEqual(self.sync("--dry-run"), "Dry run: would link 1, create 1 of 2 bookings without a lead.")

        self.assertEqual(list(Lead.objects.values_list("id", "lead_status", "booking_id", "updated_at")), before)

    def test_since_limits_the_bookings_looked_at(self):
        old = self.book_unseen(passport_number="AB1234567")
        recent = self.book_unseen(passport_number="CD7654321", contact_number="0300 7654321")
        Booking.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=30))
        since = (timezone.localdate() - timedelta(days=1)).isoformat()

        self.assertEqual(self.sync("--since", since), "Linked 0, created 1, failed 0 of 1 bookings without a lead.")
        self.assertEqual(list(Lead.objects.values_list("booking_id", flat=True)), [recent.pk])

    def test_small_batches_reach_every_booking(self):
        bookings = [self.book_unseen(contact_number=f"0300 123456{n}") for n in range(5)]
        self.assertEqual(self.sync("--batch-size", "2"), "Linked 0, created 5, failed 0 of 5 bookings without a lead.")
        self.assertEqual(
            sorted(Lead.objects.values_list("booking_id", flat=True)), sorted(b.pk for b in bookings)
        )

    def test_older_booking_of_a_returning_customer_is_left_alone(self):
        older = self.book_unseen(passport_number="AB1234567")
        newer = self.book(passport_number="AB1234567")
        output = self.sync()
        self.assertEqual(
            output,
            "Linked 0, created 0, failed 0 of 1 bookings without a lead. "
            "1 left as they are: their customer's lead links a later booking.",
        )
        self.assertEqual(Lead.objects.get().booking, newer)
        self.assertNotEqual(older, newer)

    def test_a_failing_booking_is_counted_logged_and_does_not_stop_the_run(self):
        self.book_unseen(customer_name="", contact_number="0300 1111111")
        good = self.book_unseen(contact_number="0300 2222222")
        with self.assertLogs("leads", level="ERROR"):
            output = self.sync()
        self.assertEqual(output, "Linked 0, created 1, failed 1 of 2 bookings without a lead.")
        self.assertEqual(Lead.objects.get().booking, good)

    def test_bad_arguments_are_command_errors(self):
        for args in (["--since", "27/11/2026"], ["--since", "2026-02-30"], ["--batch-size", "0"]):
            with self.subTest(args=args), self.assertRaises(CommandError):
                self.sync(*args)
