"""The first-contact SLA on leads: the due time set by every door, `sla_breached` on rows and in `list/`,
and `first_contact_sla` in the summary report. The clock is frozen on days found from today."""

import csv
import io
from datetime import timedelta
from itertools import count

import time_machine
from django.urls import reverse
from django.utils import timezone

from booking.tests.factories import BookingFactory
from leads.models import Lead, LeadSource, LeadStatus
from leads.services import followup_record, lead_convert, lead_create, lead_mark_lost
from leads.services.booking_leads import LeadService
from leads.tests.api_base import LeadsAPITestCase
from leads.tests.factories import LeadFactory
from leads.tests.sla_days import local, quiet_monday
from organizations.models import OrganizationHoliday, mask_of
from organizations.working_time import first_contact_policy
from transfers.rows import leads_import_rows
from transfers.vocabulary import RowAction

MONDAY = quiet_monday()
SATURDAY = MONDAY + timedelta(days=5)


class DueTimeOnEveryDoorTests(LeadsAPITestCase):
    def create(self, **kwargs):
        return lead_create(branch=self.branch_a1, customer_name="Hina Baig", contact_number="03001230000",
                           actor=self.user_a1, **kwargs)

    @time_machine.travel(local(MONDAY, 10), tick=False)
    def test_the_service_gives_a_new_lead_four_working_hours(self):
        self.assertEqual(self.create().first_contact_due_at, local(MONDAY, 14))

    @time_machine.travel(local(SATURDAY, 17), tick=False)
    def test_a_saturday_evening_lead_is_due_on_monday_across_the_sunday(self):
        self.assertEqual(self.create().first_contact_due_at, local(SATURDAY + timedelta(days=2), 12))

    @time_machine.travel(local(MONDAY, 22), tick=False)
    def test_a_lead_that_came_in_at_night_counts_from_the_next_opening(self):
        self.assertEqual(self.create().first_contact_due_at, local(MONDAY + timedelta(days=1), 13))

    @time_machine.travel(local(MONDAY, 17), tick=False)
    def test_the_organizations_own_holiday_and_settings_are_used(self):
        tuesday = MONDAY + timedelta(days=1)
        OrganizationHoliday.objects.create(organization=self.alpha, date=tuesday, name="Local holiday")
        self.alpha.first_contact_hours = 2
        self.alpha.save()
        self.assertEqual(self.create().first_contact_due_at, local(tuesday + timedelta(days=1), 10))

    @time_machine.travel(local(SATURDAY, 17), tick=False)
    def test_a_five_day_week_and_other_hours(self):
        self.alpha.working_days = mask_of(range(5))
        self.alpha.opens_at, self.alpha.closes_at = local(MONDAY, 10).time(), local(MONDAY, 16).time()
        self.alpha.save()
        self.assertEqual(self.create().first_contact_due_at, local(SATURDAY + timedelta(days=2), 14))

    @time_machine.travel(local(MONDAY, 10), tick=False)
    def test_a_lead_created_already_contacted_has_no_sla(self):
        self.assertIsNone(self.create(lead_status=LeadStatus.CONTACTED).first_contact_due_at)

    @time_machine.travel(local(MONDAY, 10), tick=False)
    def test_the_api_shows_the_due_time_and_not_breached(self):
        self.login(self.user_a1)
        response = self.client.post(self.url("create"), {
            "branch": self.branch_a1.pk, "customer_name": "Hina Baig", "contact_number": "03001230000",
        }, format="json")
        self.assertStatus(response, 201)
        self.assertEqual(response.data["first_contact_due_at"], local(MONDAY, 14).isoformat())
        self.assertIs(response.data["sla_breached"], False)

    @time_machine.travel(local(MONDAY, 10), tick=False)
    def test_an_imported_new_lead_gets_its_due_time_and_a_contacted_one_none(self):
        rows = [
            (2, {"customer_name": "Zainab Akhtar", "contact_number": "03001234567"}),
            (3, {"customer_name": "Omar Farooq", "contact_number": "03001234568", "lead_status": "contacted"}),
        ]
        outcomes = leads_import_rows(branch=self.branch_a1, mode="create", rows=rows, actor=self.user_a1)
        self.assertEqual([outcome.action for outcome in outcomes], [RowAction.CREATED, RowAction.CREATED])
        due = dict(Lead.objects.filter(pk__in=[o.lead.pk for o in outcomes]).values_list("customer_name",
                                                                                         "first_contact_due_at"))
        self.assertEqual(due, {"Zainab Akhtar": local(MONDAY, 14), "Omar Farooq": None})

    @time_machine.travel(local(MONDAY, 10), tick=False)
    def test_a_booking_lead_is_converted_and_has_no_sla(self):
        booking = BookingFactory(branch=self.branch_a1)
        with self.captureOnCommitCallbacks(execute=True):
            result = LeadService.auto_create_from_booking(booking)
        self.assertEqual(result.lead.lead_source, LeadSource.BOOKING)
        self.assertIsNone(result.lead.first_contact_due_at)

    def test_the_calendar_is_read_in_one_query(self):
        OrganizationHoliday.objects.create(organization=self.alpha, date=MONDAY, name="Closed")
        OrganizationHoliday.objects.create(organization=self.alpha, date=MONDAY + timedelta(days=6), closed=False)
        with self.assertNumQueries(1):
            policy = first_contact_policy(self.alpha.pk, now=local(MONDAY, 8))
        self.assertEqual((policy.calendar.closed_days, policy.calendar.open_days),
                         ({MONDAY}, {MONDAY + timedelta(days=6)}))
        self.assertEqual(policy.due_after(local(MONDAY, 8)), local(MONDAY + timedelta(days=1), 13))


class BreachedTests(LeadsAPITestCase):
    """Leads of A1 and A2 that came in on a Monday at 10:00 (due 14:00), seen at 16:30."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        with time_machine.travel(local(MONDAY, 10), tick=False):
            numbers = count(1)

            def new(name, branch=None):
                return lead_create(branch=branch or cls.branch_a1, customer_name=name,
                                   contact_number=f"0300{next(numbers):07d}")
            cls.met, cls.late, cls.waiting, cls.converted, cls.lost_late = (
                new("Met On Time"), new("Called Late"), new("Still Waiting"), new("Booked At Once"),
                new("Lost Too Late"),
            )
            cls.contacted = lead_create(branch=cls.branch_a1, customer_name="Already Called",
                                        contact_number="03009990000", lead_status=LeadStatus.CONTACTED)
            cls.other_branch = new("Karachi Met", cls.branch_a2)
        with time_machine.travel(local(MONDAY, 12), tick=False):
            followup_record(lead=cls.met, remarks="Called")
            followup_record(lead=cls.other_branch, remarks="Called")
            followup_record(lead=cls.waiting, remarks="No answer", outcome="no_answer")
            lead_convert(lead=cls.converted)
        with time_machine.travel(local(MONDAY, 16), tick=False):
            followup_record(lead=cls.late, remarks="Called late")
            lead_mark_lost(lead=cls.lost_late, lost_reason="Went elsewhere")
        cls.breached = {cls.late.pk, cls.waiting.pk, cls.lost_late.pk}

    def setUp(self):
        traveller = time_machine.travel(local(MONDAY, 16, 30), tick=False)
        traveller.start()
        self.addCleanup(traveller.stop)

    def test_the_queryset_and_the_row_agree_on_every_case(self):
        self.assertEqual(set(Lead.objects.sla_breached().values_list("pk", flat=True)), self.breached)
        for lead in Lead.objects.all():
            with self.subTest(lead=lead.customer_name):
                self.assertEqual(lead.sla_breached, lead.pk in self.breached)
        self.assertEqual(set(Lead.objects.sla_met().values_list("pk", flat=True)), {self.met.pk, self.other_branch.pk})

    def test_before_the_due_time_a_lead_still_waiting_is_not_breached(self):
        with time_machine.travel(local(MONDAY, 13, 59), tick=False):
            self.assertEqual(set(Lead.objects.sla_breached().values_list("pk", flat=True)), {self.late.pk})
            self.assertFalse(Lead.objects.get(pk=self.waiting.pk).sla_breached)

    def test_the_list_filters_breached_and_not_breached(self):
        self.login(self.admin_a)
        found = {}
        for value in ("true", "false"):
            response = self.client.get(self.url("list"), {"sla_breached": value, "page_size": 100})
            self.assertStatus(response, 200)
            found[value] = {row["id"] for row in response.data["results"]}
        self.assertEqual(found["true"], self.breached)
        self.assertEqual(found["false"], set(Lead.objects.values_list("pk", flat=True)) - self.breached)
        self.assertStatus(self.client.get(self.url("list"), {"sla_breached": "maybe"}), 400)

    def test_rows_and_detail_show_the_due_time_and_breach(self):
        self.login(self.user_a1)
        rows = {row["id"]: row for row in self.client.get(self.url("list"), {"page_size": 100}).data["results"]}
        self.assertEqual(rows[self.waiting.pk]["first_contact_due_at"], local(MONDAY, 14).isoformat())
        self.assertIs(rows[self.waiting.pk]["sla_breached"], True)
        self.assertIs(rows[self.met.pk]["sla_breached"], False)
        self.assertIsNone(rows[self.contacted.pk]["first_contact_due_at"])
        detail = self.client.get(self.url("detail", self.late.pk)).data
        self.assertIs(detail["sla_breached"], True)

    def test_the_export_carries_the_due_time_and_the_breach_and_takes_the_filter(self):
        self.login(self.admin_a)
        response = self.client.get(reverse("transfers:export"), {"format": "csv", "sla_breached": "true"})
        rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
        self.assertEqual({int(row["id"]) for row in rows}, self.breached)
        self.assertEqual({row["sla_breached"] for row in rows}, {"True"})
        self.assertEqual({row["first_contact_due_at"] for row in rows}, {local(MONDAY, 14).isoformat()})

    def test_the_summary_counts_due_met_and_breached_per_branch_and_in_total(self):
        self.login(self.admin_a)
        report = self.client.get(self.url("reports-summary")).data
        branches = {row["branch"]: row["first_contact_sla"] for row in report["branches"]}
        # A1: five leads with an SLA (not the one created contacted); the booked one is neither met nor breached.
        self.assertEqual(branches[self.branch_a1.pk], {"due": 5, "met": 1, "breached": 3, "met_share": 0.25})
        self.assertEqual(branches[self.branch_a2.pk], {"due": 1, "met": 1, "breached": 0, "met_share": 1.0})
        self.assertEqual(report["total"]["first_contact_sla"], {"due": 6, "met": 2, "breached": 3, "met_share": 0.4})

    def test_the_summary_agrees_with_the_list_filter(self):
        self.login(self.admin_a)
        today = timezone.localdate().isoformat()
        report = self.client.get(self.url("reports-summary"), {"branch_id": self.branch_a1.pk}).data
        listed = self.client.get(self.url("list"), {
            "branch_id": self.branch_a1.pk, "sla_breached": "true", "created_at_after": today,
            "created_at_before": today,
        }).data
        self.assertEqual(report["total"]["first_contact_sla"]["breached"], listed["count"])

    def test_a_branch_without_sla_leads_has_no_share(self):
        self.login(self.user_b1)
        sla = self.client.get(self.url("reports-summary")).data["total"]["first_contact_sla"]
        self.assertEqual(sla, {"due": 0, "met": 0, "breached": 0, "met_share": None})

    def test_a_lead_written_around_the_services_has_no_sla(self):
        lead = LeadFactory(branch=self.branch_a1)
        self.assertIsNone(lead.first_contact_due_at)
        self.assertFalse(lead.sla_breached)
