"""The quiet hours (`MESSAGING_QUIET_HOURS`, business time): no reminder goes out inside them.

"21:00-09:00" crosses midnight: 21:00 up to (not including) 09:00 the next morning. An empty value
means no quiet hours. The start is inside, the end is not.
"""

from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone


def parse_quiet_hours(value: str) -> tuple[time, time] | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        start, end = (time.fromisoformat(part.strip()) for part in value.split("-"))
    except ValueError as exc:
        raise ImproperlyConfigured(f"MESSAGING_QUIET_HOURS must look like 21:00-09:00, not {value!r}.") from exc
    if start == end:
        return None
    return start, end


def quiet_hours() -> tuple[time, time] | None:
    return parse_quiet_hours(settings.MESSAGING_QUIET_HOURS)


def is_quiet(moment: datetime | None = None) -> bool:
    """True when `moment` (default now) falls inside the quiet hours, in business time."""
    window = quiet_hours()
    if window is None:
        return False
    start, end = window
    local = timezone.localtime(moment or timezone.now()).time()
    if start < end:
        return start <= local < end
    return local >= start or local < end


def quiet_until(moment: datetime | None = None) -> datetime:
    """When the quiet hours around `moment` end (`moment` itself when it is not quiet)."""
    moment = moment or timezone.now()
    if not is_quiet(moment):
        return moment
    _start, end = quiet_hours()
    local = timezone.localtime(moment)
    candidate = local.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
    if candidate <= local:
        candidate += timedelta(days=1)
    # Rebuilt from the wall-clock day, so a DST change between now and then keeps the hour right.
    return timezone.make_aware(datetime.combine(candidate.date(), end), timezone.get_current_timezone())


def quiet_hours_label() -> str:
    return settings.MESSAGING_QUIET_HOURS.strip()
