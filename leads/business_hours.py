"""Business hours: 09:00–18:00, Monday to Saturday, in the service's TIME_ZONE (no holidays).

The summary measures "time to first contact" in these hours, so a lead that came in on Saturday
evening and was called on Monday at 10:00 waited one business hour, not 40 clock hours.
"""

from datetime import datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from django.utils import timezone

OPENS = time(9, 0)
CLOSES = time(18, 0)
WORKDAYS = frozenset(range(6))  # Monday (0) to Saturday (5)
_DAY_SECONDS = (CLOSES.hour - OPENS.hour) * 3600 + (CLOSES.minute - OPENS.minute) * 60
_OPENS_SECONDS = OPENS.hour * 3600 + OPENS.minute * 60
_WEEK_SECONDS = _DAY_SECONDS * len(WORKDAYS)
# Business seconds in a week before each weekday starts (Monday 0 … Sunday 6).
_BEFORE_WEEKDAY = [sum(_DAY_SECONDS for day in range(weekday) if day in WORKDAYS) for weekday in range(7)]
_EPOCH_DAYS = (datetime(2000, 1, 3) - datetime(1970, 1, 1)).days  # 2000-01-03 was a Monday
_OFFSET_STEP = 900  # time-zone offsets change on quarter hours at the finest


@lru_cache(maxsize=65_536)
def _utc_offset_seconds(zone_key: str, quarter_hour: int) -> float:
    zone = timezone.get_current_timezone() if zone_key == timezone.get_current_timezone_name() else ZoneInfo(zone_key)
    return datetime.fromtimestamp(quarter_hour * _OFFSET_STEP, zone).utcoffset().total_seconds()


def _business_seconds_since_epoch(moment: datetime) -> float:
    """Business seconds from the epoch Monday 00:00 (local) up to `moment`: arithmetic only, no loop over days.

    The local wall-clock time comes from the zone's offset, cached per quarter hour: the summary
    calls this for every contacted lead of an organization's month (tens of thousands).
    """
    stamp = moment.timestamp()
    local = stamp + _utc_offset_seconds(timezone.get_current_timezone_name(), int(stamp // _OFFSET_STEP))
    days, into_day = divmod(local, 86_400)
    weeks, weekday = divmod(int(days) - _EPOCH_DAYS, 7)
    seconds = weeks * _WEEK_SECONDS + _BEFORE_WEEKDAY[weekday]
    if weekday in WORKDAYS:
        seconds += min(max(into_day - _OPENS_SECONDS, 0), _DAY_SECONDS)
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
