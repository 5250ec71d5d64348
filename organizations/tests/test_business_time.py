"""Business-time arithmetic (organizations/business_time.py): table tests on days found from today, and
properties over many starts and lengths in Asia/Karachi and in zones with daylight saving time."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.test import SimpleTestCase
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from organizations.business_time import (
    NoWorkingTime,
    WorkingCalendar,
    add_business_hours,
    business_hours_between,
    national_holidays,
)

KARACHI = ZoneInfo("Asia/Karachi")
MON, TUE, WED, THU, FRI, SAT, SUN = range(7)


def next_weekday(weekday: int, *, after: date | None = None) -> date:
    """The first `weekday` strictly after `after` (default: today, in the business zone)."""
    day = (after or timezone.localdate()) + timedelta(days=1)
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def at(day: date, hour: int, minute: int = 0, zone=KARACHI) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=zone)


def calendar(**overrides) -> WorkingCalendar:
    """Monday to Saturday 09:00–18:00 in Karachi, no national holidays unless asked."""
    return WorkingCalendar(**{"zone": KARACHI, "holiday_country": "", **overrides})


class AddBusinessHoursTableTests(SimpleTestCase):
    def test_within_one_day(self):
        tuesday = next_weekday(TUE)
        self.assertEqual(add_business_hours(at(tuesday, 10), 4, calendar()), at(tuesday, 14))

    def test_runs_over_the_night_into_the_next_morning(self):
        tuesday = next_weekday(TUE)
        self.assertEqual(add_business_hours(at(tuesday, 16), 4, calendar()), at(tuesday + timedelta(days=1), 11))

    def test_a_due_time_at_closing_stays_on_that_day(self):
        tuesday = next_weekday(TUE)
        self.assertEqual(add_business_hours(at(tuesday, 14), 4, calendar()), at(tuesday, 18))

    def test_saturday_evening_lead_is_due_on_monday_across_the_sunday(self):
        saturday = next_weekday(SAT)
        monday = saturday + timedelta(days=2)
        self.assertEqual(add_business_hours(at(saturday, 17), 4, calendar()), at(monday, 12))

    def test_a_five_day_week_skips_saturday_and_sunday(self):
        friday = next_weekday(FRI)
        monday = friday + timedelta(days=3)
        five_days = calendar(working_days=frozenset(range(5)))
        self.assertEqual(add_business_hours(at(friday, 16), 4, five_days), at(monday, 11))

    def test_lead_created_at_night_counts_from_the_next_opening(self):
        tuesday = next_weekday(TUE)
        self.assertEqual(add_business_hours(at(tuesday, 23, 30), 4, calendar()), at(tuesday + timedelta(days=1), 13))
        self.assertEqual(add_business_hours(at(tuesday, 3), 4, calendar()), at(tuesday, 13))

    def test_a_holiday_is_skipped(self):
        wednesday = next_weekday(WED)
        holiday = calendar(closed_days=frozenset({wednesday}))
        self.assertEqual(add_business_hours(at(wednesday - timedelta(days=1), 16), 4, holiday),
                         at(wednesday + timedelta(days=1), 11))

    def test_lead_on_a_holiday_eve_waits_past_the_holiday_and_the_weekend(self):
        # A Friday evening before a Saturday holiday: Saturday and Sunday off, due on Monday.
        friday = next_weekday(FRI)
        holiday = calendar(closed_days=frozenset({friday + timedelta(days=1)}))
        self.assertEqual(add_business_hours(at(friday, 20), 4, holiday), at(friday + timedelta(days=3), 13))

    def test_hours_spanning_several_days(self):
        monday = next_weekday(MON)
        # 30 hours from Monday 09:00: Monday, Tuesday, Wednesday (27 h), then 3 h on Thursday.
        self.assertEqual(add_business_hours(at(monday, 9), 30, calendar()), at(monday + timedelta(days=3), 12))

    def test_an_open_day_overrides_the_weekday(self):
        sunday = next_weekday(SUN)
        works_sunday = calendar(open_days=frozenset({sunday}))
        self.assertEqual(add_business_hours(at(sunday - timedelta(days=1), 17), 4, works_sunday), at(sunday, 12))

    def test_an_open_day_overrides_a_national_holiday(self):
        independence_day = self._next_independence_day_on_a_working_day()
        pakistan = calendar(holiday_country="PK")
        eve = independence_day - timedelta(days=1)
        while not pakistan.is_working_day(eve):
            eve -= timedelta(days=1)
        self.assertIn(independence_day, national_holidays("PK", independence_day.year))
        self.assertGreater(add_business_hours(at(eve, 17), 4, pakistan), at(independence_day, 23))
        works_it = calendar(holiday_country="PK", open_days=frozenset({independence_day}))
        self.assertEqual(add_business_hours(at(eve, 17), 4, works_it), at(independence_day, 12))

    def test_the_pakistan_calendar_is_the_default(self):
        independence_day = self._next_independence_day_on_a_working_day()
        default = WorkingCalendar(zone=KARACHI)
        self.assertFalse(default.is_working_day(independence_day))
        self.assertTrue(default.is_working_day(independence_day + timedelta(days=7)))

    def _next_independence_day_on_a_working_day(self) -> date:
        """14 August (a fixed-date holiday) of the next year in which it is not a Sunday."""
        year = timezone.localdate().year
        while True:
            day = date(year, 8, 14)
            if day > timezone.localdate() and day.weekday() != SUN:
                return day
            year += 1

    def test_zero_hours_is_the_start_or_the_next_opening(self):
        tuesday = next_weekday(TUE)
        self.assertEqual(add_business_hours(at(tuesday, 10), 0, calendar()), at(tuesday, 10))
        self.assertEqual(add_business_hours(at(tuesday, 20), 0, calendar()), at(tuesday + timedelta(days=1), 9))

    def test_a_start_in_another_zone_is_the_same_instant(self):
        tuesday = next_weekday(TUE)
        start = at(tuesday, 10).astimezone(UTC)  # 05:00 UTC
        self.assertEqual(add_business_hours(start, 4, calendar()), at(tuesday, 14))

    def test_naive_starts_and_negative_hours_are_refused(self):
        with self.assertRaises(ValueError):
            add_business_hours(datetime(2000, 1, 1, 10), 4, calendar())
        with self.assertRaises(ValueError):
            add_business_hours(at(next_weekday(TUE), 10), -1, calendar())

    def test_a_calendar_without_working_time_is_refused(self):
        with self.assertRaises(ValueError):
            calendar(working_days=frozenset())
        with self.assertRaises(ValueError):
            calendar(opens=time(18), closes=time(9))
        monday = next_weekday(MON)
        every_day_closed = calendar(working_days=frozenset({MON}),
                                    closed_days=frozenset(monday + timedelta(weeks=n) for n in range(200)))
        with self.assertRaises(NoWorkingTime):
            add_business_hours(at(monday, 10), 4, every_day_closed)

    def test_a_daylight_saving_change_does_not_stretch_or_shrink_an_hour(self):
        # New York moves its clocks on a Sunday early in the morning; a Saturday-to-Monday wait
        # across it is still the same number of working hours, ending at the same wall time.
        new_york = ZoneInfo("America/New_York")
        week = calendar(zone=new_york)
        saturday = next_weekday(SAT)
        for weeks in range(53):
            start = at(saturday + timedelta(weeks=weeks), 16, zone=new_york)
            due = add_business_hours(start, 4, week)
            self.assertEqual(due.astimezone(new_york).replace(tzinfo=None),
                             datetime.combine(start.date() + timedelta(days=2), time(11)))


# Starts within two years of now, at any minute; lengths up to 60 working hours.
starts = st.integers(min_value=0, max_value=2 * 366 * 24 * 60).map(
    lambda minutes: datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(minutes=minutes)
)
lengths = st.integers(min_value=0, max_value=60 * 4).map(lambda quarters: quarters / 4)
zones = st.sampled_from(["Asia/Karachi", "America/New_York", "Europe/London", "Australia/Lord_Howe", "UTC"])
calendars = st.builds(
    lambda zone, days, opens, length, country: WorkingCalendar(
        zone=ZoneInfo(zone), working_days=frozenset(days), opens=time(opens), closes=time(opens + length),
        holiday_country=country,
    ),
    zones,
    st.sets(st.integers(min_value=0, max_value=6), min_size=1),
    st.integers(min_value=0, max_value=12),
    st.integers(min_value=1, max_value=11),
    st.sampled_from(["PK", "", "GB"]),
)
PROPERTY_SETTINGS = settings(max_examples=150, deadline=None, derandomize=True, database=None)


class AddBusinessHoursPropertyTests(SimpleTestCase):
    @PROPERTY_SETTINGS
    @given(start=starts, hours=lengths, working=calendars)
    def test_the_due_time_is_the_hours_of_working_time_after_the_start(self, start, hours, working):
        due = add_business_hours(start, hours, working)
        self.assertGreaterEqual(due, start)
        self.assertAlmostEqual(business_hours_between(start, due, working), hours, places=6)

    @PROPERTY_SETTINGS
    @given(start=starts, hours=lengths.filter(bool), working=calendars)
    def test_the_due_time_falls_within_a_working_day(self, start, hours, working):
        due = add_business_hours(start, hours, working).astimezone(working.zone)
        self.assertTrue(working.is_working_day(due.date()))
        opens, closes = working.working_span(due.date())
        self.assertLess(opens, due)
        self.assertLessEqual(due, closes)

    @PROPERTY_SETTINGS
    @given(start=starts, first=lengths, second=lengths, working=calendars)
    def test_adding_in_two_steps_is_adding_once(self, start, first, second, working):
        once = add_business_hours(start, first + second, working)
        twice = add_business_hours(add_business_hours(start, first, working), second, working)
        self.assertEqual(once, twice)

    @PROPERTY_SETTINGS
    @given(start=starts, later_by=st.integers(min_value=0, max_value=10_000), hours=lengths, working=calendars)
    def test_a_later_start_is_never_due_earlier(self, start, later_by, hours, working):
        later = start + timedelta(minutes=later_by)
        self.assertLessEqual(add_business_hours(start, hours, working), add_business_hours(later, hours, working))
