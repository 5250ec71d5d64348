"""An organization's working time read from the database: its calendar and its first-contact SLA.

`first_contact_policy(organization_id)` loads everything in one query (the organization's row
LEFT JOINed with its own holidays and working days from a week ago on: older exceptions cannot
move a due time any more) and answers a `FirstContactPolicy` whose `due_after(moment)` is the
first-contact due time of a lead that came in at `moment`. Nothing is cached across requests, so
an admin's change applies to the next lead at once, on every process.

The arithmetic itself is `organizations.business_time` (pure); the business time zone is
`TIME_ZONE`.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import FilteredRelation, Q
from django.utils import timezone

from organizations.business_time import WorkingCalendar, add_business_hours
from organizations.models import Organization

# Exceptions older than this are left out of the load; a due time is computed from "now".
_PAST_EXCEPTIONS_KEPT = timedelta(days=7)


@dataclass(frozen=True)
class FirstContactPolicy:
    calendar: WorkingCalendar
    hours: int

    def due_after(self, moment: datetime) -> datetime:
        """When the first contact of a lead that came in at `moment` is due."""
        return add_business_hours(moment, self.hours, self.calendar)


def calendar_of(organization: Organization, exceptions=()) -> WorkingCalendar:
    """The working calendar of `organization` (a loaded row) with its exceptions ((date, closed) pairs)."""
    return WorkingCalendar(
        zone=timezone.get_default_timezone(),
        working_days=organization.working_weekdays,
        opens=organization.opens_at,
        closes=organization.closes_at,
        holiday_country=organization.holiday_country,
        closed_days=frozenset(day for day, closed in exceptions if closed),
        open_days=frozenset(day for day, closed in exceptions if not closed),
    )


def first_contact_policy(organization_id: int, *, now: datetime | None = None) -> FirstContactPolicy:
    """The organization's SLA and calendar, in one query (exceptions from a week before `now` on)."""
    since = timezone.localdate(now or timezone.now()) - _PAST_EXCEPTIONS_KEPT
    rows = list(
        Organization.objects.filter(pk=organization_id)
        .annotate(exception=FilteredRelation("holiday_overrides", condition=Q(holiday_overrides__date__gte=since)))
        .values_list(
            "first_contact_hours", "working_days", "opens_at", "closes_at", "holiday_country",
            "exception__date", "exception__closed",
        )
    )
    if not rows:
        raise Organization.DoesNotExist(f"No organization {organization_id}.")
    hours, working_days, opens_at, closes_at, country = rows[0][:5]
    organization = Organization(
        pk=organization_id, working_days=working_days, opens_at=opens_at, closes_at=closes_at,
        holiday_country=country,
    )
    exceptions = [(day, closed) for *_fields, day, closed in rows if day is not None]
    return FirstContactPolicy(calendar=calendar_of(organization, exceptions), hours=hours)
