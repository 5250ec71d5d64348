"""The summary report: its numbers agree with list/ under the same filters, scoped, in fixed queries."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from io import StringIO

from django.conf import settings
from django.core.management import call_command
from django.test import SimpleTestCase, override_settings
from django.utils import timezone

from leads.business_hours import business_hours_between
from leads.models import FollowUpDueDay, Lead, LeadSource, LeadStatus, ReportRollupState
from leads.report_queries import Period
from leads.services import followup_record, lead_convert, lead_mark_lost
from leads.tests.api_base import LeadsAPITestCase
from leads.tests.factories import LeadFactory

LOCAL = ZoneInfo(settings.TIME_ZONE)


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), LOCAL)


class BusinessHoursTests(SimpleTestCase):
    def test_counts_only_09_to_18_monday_to_saturday(self):
        saturday = date(2026, 11, 21)
        monday = saturday + timedelta(days=2)
        cases = [
            (local(monday, 10), local(monday, 12), 2.0),
            (local(monday, 7), local(monday, 10), 1.0),  # before opening counts from 09:00
            (local(monday, 17), local(monday + timedelta(days=1), 10), 2.0),  # overnight is closed
            (local(saturday, 17), local(monday, 10), 2.0),  # Sunday is closed
            (local(saturday, 20), local(monday, 8), 0.0),
            (local(monday, 9), local(monday + timedelta(days=7), 9), 54.0),  # a week: 6 days × 9 hours
            (local(monday, 12), local(monday, 11), 0.0),
        ]
        for start, end, hours in cases:
            with self.subTest(start=start, end=end):
                self.assertEqual(business_hours_between(start, end), hours)

    def test_local_time_follows_the_zone_across_a_daylight_saving_change(self):
        with timezone.override(ZoneInfo("Europe/London")):
            london = ZoneInfo("Europe/London")
            saturday = datetime(2026, 3, 28, 17, 0, tzinfo=london)  # clocks go forward on Sunday the 29th
            monday = datetime(2026, 3, 30, 10, 0, tzinfo=london)
            self.assertEqual(business_hours_between(saturday, monday), 2.0)

    def test_period_weeks_are_the_mondays_touched(self):
        period = Period(date(2026, 11, 1), date(2026, 11, 10))  # a Sunday to a Tuesday
        self.assertEqual(period.weeks(), [date(2026, 10, 26), date(2026, 11, 2), date(2026, 11, 9)])


class SummaryFixture(LeadsAPITestCase):
    """Leads of A1, A2 and B1 spread over the period (and one before it), in every state the report counts."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.today = timezone.localdate()
        cls.first_day = cls.today - timedelta(days=29)
        now = timezone.now()

        def lead(branch, days_ago, **fields):
            made = LeadFactory(branch=branch, **fields)
            Lead.objects.filter(pk=made.pk).update(created_at=now - timedelta(days=days_ago, hours=1))
            made.refresh_from_db()
            return made

        cls.lead.delete()
        for branch, offset in ((cls.branch_a1, 0), (cls.branch_a2, 1), (cls.branch_b1, 2)):
            lead(branch, 2 + offset, lead_source=LeadSource.PHONE)  # fresh, never contacted
            lead(branch, 12 + offset, lead_source=LeadSource.WALK_IN)  # stale: never contacted, 12 days old
            contacted = lead(branch, 20 + offset, lead_source=LeadSource.REFERRAL)
            followup_record(lead=contacted, remarks="Called", followup_at=contacted.created_at + timedelta(hours=3))
            recent = lead(branch, 9 + offset, lead_source=LeadSource.PHONE)
            followup_record(lead=recent, remarks="Called", followup_at=now - timedelta(days=1))
            won = lead(branch, 5 + offset, lead_source=LeadSource.WEBSITE)
            lead_convert(lead=won)
            priced = lead(branch, 15 + offset, lead_source=LeadSource.WALK_IN)
            lead_mark_lost(lead=priced, lost_reason_code="price")
            legacy = lead(branch, 25 + offset, lead_source=LeadSource.SOCIAL_MEDIA)
            Lead.objects.filter(pk=legacy.pk).update(lead_status=LeadStatus.LOST, lost_reason="Old style")
            lead(branch, 45 + offset, lead_source=LeadSource.PHONE)  # before the period: never counted

    def summary(self, **params):
        response = self.client.get(self.url("reports-summary"), params)
        self.assertStatus(response, 200)
        return response.data

    def listed(self, **params):
        params = {"created_at_after": self.first_day, "created_at_before": self.today, "page_size": 100, **params}
        response = self.client.get(self.url("list"), params)
        self.assertStatus(response, 200)
        return response.data["count"]


class SummaryAgreesWithListTests(SummaryFixture):
    def assert_agrees(self, numbers, **scope):
        self.assertEqual(numbers["leads"], self.listed(**scope))
        for status, count in numbers["by_status"].items():
            self.assertEqual(count, self.listed(lead_status=status, **scope), status)
        for source, count in numbers["by_source"].items():
            self.assertEqual(count, self.listed(lead_source=source, **scope), source)
        for code, count in numbers["lost_by_reason"].items():
            self.assertEqual(count, self.listed(lost_reason_code=code, **scope), code)
        self.assertEqual(numbers["stale"], self.listed(stale="true", **scope))
        self.assertEqual(numbers["never_contacted"], self.listed(never_contacted="true", **scope))
        self.assertEqual(numbers["converted"], self.listed(lead_status="converted", **scope))
        self.assertEqual(sum(week["leads"] for week in numbers["new_per_week"]), numbers["leads"])

    def test_every_number_matches_the_list_with_the_same_filters(self):
        for user in (self.admin_a, self.user_a1, self.superuser):
            with self.subTest(user=user.username):
                self.login(user)
                report = self.summary()
                self.assertEqual((report["from"], report["to"]), (self.first_day.isoformat(), self.today.isoformat()))
                self.assert_agrees(report["total"])
                for row in report["branches"]:
                    self.assert_agrees(row, branch_id=row["branch"])

    def test_the_numbers_themselves(self):
        self.login(self.user_a1)
        report = self.summary()
        (a1,) = report["branches"]
        self.assertEqual((a1["branch"], a1["branch_name"]), (self.branch_a1.pk, "Lahore Main"))
        self.assertEqual(a1["leads"], 7)
        self.assertEqual(a1["by_status"], {"new": 2, "contacted": 2, "interested": 0, "converted": 1, "lost": 2})
        self.assertEqual(a1["conversion_rate"], round(1 / 7, 4))
        self.assertEqual(a1["stale"], 2)  # the 12-day-old never-contacted lead and the one contacted 17 days in
        self.assertEqual(a1["never_contacted"], 5)
        self.assertEqual(a1["lost_by_reason"]["price"], 1)
        self.assertEqual(a1["lost_by_reason"]["other"], 1)
        self.assertEqual(report["total"], {key: value for key, value in a1.items() if key not in ("branch", "branch_name")})
        medians = a1["first_contact_median_business_hours"]
        self.assertIsNotNone(medians["referral"])
        self.assertIsNone(medians["website"])

    def test_a_shorter_period_counts_fewer_leads_like_the_list(self):
        self.login(self.admin_a)
        first_day = self.today - timedelta(days=10)
        report = self.summary(**{"from": first_day.isoformat(), "to": self.today.isoformat()})
        self.first_day = first_day
        self.assertEqual(report["from"], first_day.isoformat())
        self.assert_agrees(report["total"])
        self.assertLess(report["total"]["leads"], 14)


class SummaryScopeTests(SummaryFixture):
    def test_a_branch_user_never_sees_another_branchs_numbers(self):
        self.login(self.user_a1)
        report = self.summary()
        self.assertEqual([row["branch"] for row in report["branches"]], [self.branch_a1.pk])
        for other in (self.branch_a2, self.branch_b1):
            response = self.client.get(self.url("reports-summary"), {"branch_id": other.pk})
            self.assertStatus(response, 400)
            self.assertEqual(list(response.data), ["branch_id"])

    def test_an_org_admin_sees_every_branch_of_the_organization_only(self):
        self.login(self.admin_a)
        report = self.summary()
        self.assertEqual({row["branch"] for row in report["branches"]}, {self.branch_a1.pk, self.branch_a2.pk})
        self.assertEqual(report["total"]["leads"], 14)
        only_a2 = self.summary(branch_id=self.branch_a2.pk)
        self.assertEqual([row["branch"] for row in only_a2["branches"]], [self.branch_a2.pk])

    def test_access(self):
        self.login(self.nobody)
        self.assertStatus(self.client.get(self.url("reports-summary")), 403)
        self.login(None)
        self.assertStatus(self.client.get(self.url("reports-summary")), 401)

    def test_bad_periods_are_400_naming_the_field(self):
        self.login(self.user_a1)
        for params, field in (
            ({"from": "2026-11-20", "to": "2026-11-01"}, "from"),
            ({"from": "2024-01-01", "to": "2026-01-01"}, "from"),
            ({"to": "0001-01-01"}, "to"),
            ({"from": "not-a-day"}, "from"),
            ({"branch_id": "x"}, "branch_id"),
            ({"branch_id": 10**30}, "branch_id"),
        ):
            with self.subTest(params=params):
                response = self.client.get(self.url("reports-summary"), params)
                self.assertStatus(response, 400)
                self.assertEqual(list(response.data), [field])


class FollowUpComplianceTests(LeadsAPITestCase):
    def test_a_follow_up_counts_as_done_when_the_next_one_came_on_or_before_its_day(self):
        today = timezone.localdate()
        due_day = today - timedelta(days=5)
        on_time, late, pending = (LeadFactory(branch=self.branch_a1) for _ in range(3))
        for made in (on_time, late, pending):
            followup_record(lead=made, remarks="First call", followup_at=local(due_day - timedelta(days=3), 11),
                            next_followup_date=due_day, allow_historical_dates=True)  # past records
        followup_record(lead=on_time, remarks="Called back", followup_at=local(due_day, 17))
        followup_record(lead=late, remarks="Called back late", followup_at=local(due_day + timedelta(days=1), 10))
        self.login(self.user_a1)
        numbers = self.client.get(self.url("reports-summary")).data["total"]
        self.assertEqual((numbers["followups_due"], numbers["followups_done_on_time"]), (3, 1))
        self.assertEqual(numbers["followup_compliance"], round(1 / 3, 4))


class SummaryQueryCountTests(SummaryFixture):
    def test_queries_do_not_grow_with_branches(self):
        # 1 memberships → branch ids (members only), 1 branches, 1 catalogue, 1 cohort groups,
        # 1 roll-up state, 1 follow-ups due (live: nothing rolled up here), 1 first contacts.
        for user in (self.user_a1, self.admin_a, self.superuser):
            with self.subTest(user=user.username):
                self.login(user)
                expected = 6 if user.is_superuser else 7
                with self.assertNumQueries(expected):
                    self.summary()


class FollowUpRollupTests(LeadsAPITestCase):
    """The nightly roll-up gives the same follow-up numbers as counting live."""

    def setUp(self):
        today = timezone.localdate()
        for days_ago, on_time in ((20, True), (12, False), (6, True), (1, False), (0, True)):
            due_day = today - timedelta(days=days_ago)
            lead = LeadFactory(branch=self.branch_a1 if days_ago % 2 else self.branch_a2)
            followup_record(lead=lead, remarks="First", followup_at=local(due_day - timedelta(days=2), 10),
                            next_followup_date=due_day, allow_historical_dates=True)
            later = due_day if on_time else due_day + timedelta(days=1)
            if later <= today:
                followup_record(lead=lead, remarks="Again", followup_at=min(local(later, 9, 30), timezone.now()))
        self.login(self.admin_a)

    def numbers(self):
        report = self.client.get(self.url("reports-summary")).data
        return [(row["branch"], row["followups_due"], row["followups_done_on_time"]) for row in report["branches"]]

    def test_rolled_up_days_plus_live_days_equal_counting_everything_live(self):
        live = self.numbers()
        self.assertEqual(sum(due for _, due, _ in live), 5)
        out = StringIO()
        call_command("refresh_report_rollups", "--dry-run", stdout=out)
        self.assertIn("Would write", out.getvalue())
        self.assertFalse(FollowUpDueDay.objects.exists())
        call_command("refresh_report_rollups", stdout=StringIO())
        self.assertTrue(FollowUpDueDay.objects.exists())
        self.assertEqual(self.numbers(), live)
        self.assertEqual(ReportRollupState.objects.get().complete_through, timezone.localdate() - timedelta(days=1))
        call_command("refresh_report_rollups", "--recent", stdout=StringIO())
        self.assertEqual(ReportRollupState.objects.get().complete_through, timezone.localdate())
        self.assertEqual(self.numbers(), live)

    def test_a_recent_run_before_any_full_run_rolls_up_everything(self):
        live = self.numbers()
        call_command("refresh_report_rollups", "--recent", stdout=StringIO())
        self.assertEqual(ReportRollupState.objects.get().complete_through, timezone.localdate())
        self.assertEqual(self.numbers(), live)

    def test_today_is_as_of_the_last_recent_run(self):
        call_command("refresh_report_rollups", "--recent", stdout=StringIO())
        before = self.numbers()
        followup_record(lead=LeadFactory(branch=self.branch_a1), remarks="New", next_followup_date=timezone.localdate())
        self.assertEqual(self.numbers(), before)  # documented staleness: until the next recent run
        call_command("refresh_report_rollups", "--recent", stdout=StringIO())
        self.assertNotEqual(self.numbers(), before)

    def test_followup_record_keeps_the_first_contact(self):
        lead = LeadFactory(branch=self.branch_a1)
        second = followup_record(lead=lead, remarks="Second", followup_at=timezone.now() - timedelta(hours=1)).followup_at
        first = followup_record(lead=lead, remarks="First, back-dated", followup_at=second - timedelta(days=1)).followup_at
        followup_record(lead=lead, remarks="Third", followup_at=timezone.now())
        lead.refresh_from_db()
        self.assertEqual(lead.first_contacted_at, first)
