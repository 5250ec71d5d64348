"""Business-time arithmetic over an organization's working calendar (pure: no database, no settings).

A `WorkingCalendar` says when an organization works: its working weekdays, its opening and closing
time (wall-clock, in its zone), the national holidays of a country from the `holidays` package,
and its own exceptions (days it closes besides, days it works although the calendar or the weekday
says otherwise). `add_business_hours(start, hours, calendar)` is the moment `hours` of working time
after `start`: nights, non-working days and holidays are skipped, and a start outside working time
starts counting at the next opening. `business_hours_between` is its inverse.

Every opening and closing is turned into an absolute instant before any arithmetic, so the answers
hold in a zone with daylight saving time as in Asia/Karachi (which has none): an hour is an hour of
elapsed time, never a difference of wall-clock readings.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import lru_cache

import holidays

# Python's weekday numbers (Monday 0 … Sunday 6); the API and the admin name them.
WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# Bounds the walk when a calendar has (almost) no working time: a due time this far away is a mistake.
MAX_DAYS_WALKED = 3 * 366


class NoWorkingTime(ValueError):
    """The calendar has no working time within MAX_DAYS_WALKED days of the start."""


@lru_cache(maxsize=256)
def national_holidays(country: str, year: int) -> frozenset[date]:
    """The public holidays of `country` (ISO 3166-1 alpha-2, e.g. "PK") in `year`, per the `holidays` package.

    Islamic holidays (Eid al-Fitr, Eid al-Adha, Ashura, the Prophet's birthday) depend on the moon
    sighting: the package's dates are estimates, which is why organizations can correct them.
    """
    if not country:
        return frozenset()
    return frozenset(holidays.country_holidays(country, years=year))


def holiday_names(country: str, year: int) -> dict[date, str]:
    """The holidays of `country` in `year` with their names (for the admin and the API to show)."""
    if not country:
        return {}
    return dict(holidays.country_holidays(country, years=year))


def supported_countries() -> frozenset[str]:
    return frozenset(holidays.list_supported_countries())


@dataclass(frozen=True)
class WorkingCalendar:
    """When an organization works. `closed_days` and `open_days` are its own exceptions and win over
    the weekdays and the national holidays (a day in both is closed)."""

    zone: tzinfo
    working_days: frozenset[int] = frozenset(range(6))  # Monday to Saturday
    opens: time = time(9, 0)
    closes: time = time(18, 0)
    holiday_country: str = "PK"
    closed_days: frozenset[date] = field(default_factory=frozenset)
    open_days: frozenset[date] = field(default_factory=frozenset)

    def __post_init__(self):
        if self.closes <= self.opens:
            raise ValueError("A working day closes after it opens (no shift past midnight).")
        if not self.working_days and not self.open_days:
            raise ValueError("A calendar needs at least one working day.")

    def is_working_day(self, day: date) -> bool:
        if day in self.closed_days:
            return False
        if day in self.open_days:
            return True
        return day.weekday() in self.working_days and day not in national_holidays(self.holiday_country, day.year)

    def working_span(self, day: date) -> tuple[datetime, datetime] | None:
        """The day's opening and closing as UTC instants, or None on a day off."""
        if not self.is_working_day(day):
            return None
        return (
            datetime.combine(day, self.opens, tzinfo=self.zone).astimezone(UTC),
            datetime.combine(day, self.closes, tzinfo=self.zone).astimezone(UTC),
        )

    def local_date(self, moment: datetime) -> date:
        return moment.astimezone(self.zone).date()


def _require_aware(moment: datetime, name: str) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime.")


def add_business_hours(start: datetime, hours: float, calendar: WorkingCalendar) -> datetime:
    """The instant `hours` of working time after `start` (aware), in the calendar's zone.

    A start outside working time counts from the next opening; a due time that uses a day's last
    minute is that day's closing, not the next opening. Zero hours: `start`, or the next opening.
    """
    _require_aware(start, "start")
    if hours < 0:
        raise ValueError("hours cannot be negative.")
    remaining = timedelta(hours=hours)
    cursor = start.astimezone(UTC)
    day = calendar.local_date(start)
    for _ in range(MAX_DAYS_WALKED):
        span = calendar.working_span(day)
        if span is not None:
            opens, closes = span
            begin = max(cursor, opens)
            if begin <= closes:
                available = closes - begin
                if remaining <= available:
                    return (begin + remaining).astimezone(calendar.zone)
                remaining -= available
        day += timedelta(days=1)
    raise NoWorkingTime(f"No working time within {MAX_DAYS_WALKED} days of {start.isoformat()}.")


def business_hours_between(start: datetime, end: datetime, calendar: WorkingCalendar) -> float:
    """Hours of working time from `start` to `end` (0 when `end` is not after `start`)."""
    _require_aware(start, "start")
    _require_aware(end, "end")
    if end <= start:
        return 0.0
    start_utc, end_utc = start.astimezone(UTC), end.astimezone(UTC)
    total = timedelta()
    day, last_day = calendar.local_date(start), calendar.local_date(end)
    while day <= last_day:
        span = calendar.working_span(day)
        if span is not None:
            begin, finish = max(start_utc, span[0]), min(end_utc, span[1])
            if finish > begin:
                total += finish - begin
        day += timedelta(days=1)
    return total / timedelta(hours=1)
