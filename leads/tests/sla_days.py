"""Days and moments for the first-contact SLA tests, found from the business day (never literal dates)."""

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from organizations.business_time import national_holidays


def quiet_monday(*, weeks_ahead: int = 1) -> date:
    """A Monday at least `weeks_ahead` weeks from today, in a fortnight without Pakistani public holidays, so the
    default calendar (Monday to Saturday, PK holidays) is plain Monday-to-Saturday over it."""
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday()) + timedelta(weeks=weeks_ahead)
    while True:
        fortnight = {monday + timedelta(days=n) for n in range(14)}
        holidays = national_holidays("PK", monday.year) | national_holidays("PK", monday.year + 1)
        if not fortnight & holidays:
            return monday
        monday += timedelta(weeks=1)


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=timezone.get_default_timezone())
