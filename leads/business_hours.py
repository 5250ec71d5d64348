"""Business hours: 09:00–18:00, Monday to Saturday, in the service's TIME_ZONE (no holidays).

The summary measures "time to first contact" in these hours, so a lead that came in on Saturday
evening and was called on Monday at 10:00 waited one business hour, not 40 clock hours.
"""

from datetime import datetime, time, timedelta

from django.utils import timezone

OPENS = time(9, 0)
CLOSES = time(18, 0)
WORKDAYS = frozenset(range(6))  # Monday (0) to Saturday (5)
_DAY_SECONDS = (CLOSES.hour - OPENS.hour) * 3600 + (CLOSES.minute - OPENS.minute) * 60
_WEEK_SECONDS = _DAY_SECONDS * len(WORKDAYS)
_EPOCH = datetime(2000, 1, 3).date()  # a Monday


def _business_seconds_since_epoch(moment: datetime) -> int:
    """Business seconds from the epoch Monday 00:00 (local) up to `moment`: O(1), no loop over days."""
    local = timezone.localtime(moment)
    days = (local.date() - _EPOCH).days
    weeks, weekday = divmod(days, 7)
    seconds = weeks * _WEEK_SECONDS + sum(_DAY_SECONDS for day in range(weekday) if day in WORKDAYS)
    if weekday in WORKDAYS:
        into_day = local.hour * 3600 + local.minute * 60 + local.second
        opens = OPENS.hour * 3600 + OPENS.minute * 60
        seconds += min(max(into_day - opens, 0), _DAY_SECONDS)
    return seconds


def business_hours_between(start: datetime, end: datetime) -> float:
    """Business hours from `start` to `end` (0 when `end` is not after `start`)."""
    if end <= start:
        return 0.0
    return (_business_seconds_since_epoch(end) - _business_seconds_since_epoch(start)) / 3600


def business_day_bounds(first_day, last_day) -> tuple[datetime, datetime]:
    """Aware datetimes from `first_day` 00:00 to the midnight after `last_day` (local days, end exclusive)."""
    zone = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.combine(first_day, time.min), zone)
    end = timezone.make_aware(datetime.combine(last_day + timedelta(days=1), time.min), zone)
    return start, end
