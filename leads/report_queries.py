"""The summary report (reads only): per branch and in total, over the leads created in a period.

One definition per number, shared with the list filters so that a manager who opens the list
with the same filters sees exactly the leads counted (leads/tests/test_reports.py compares them):

- the cohort: leads created from `from` 00:00 to the end of `to` (local days) =
  `list/?created_at_after=<from>&created_at_before=<to>`;
- `by_status`, `by_source`, `new_per_week`, `converted` and `lost_by_reason` count the cohort
  (`lead_status=…`, `lead_source=…`, `lost_reason_code=…`);
- `stale` and `never_contacted` count the cohort's leads that are so now (`stale=true`,
  `never_contacted=true`); `first_contact_median_business_hours` is, per source, the median
  business time (leads/business_hours.py) from creation to the first follow-up of the cohort's
  contacted leads;
- `first_contact_sla` counts the cohort's leads that have a first-contact due time (`due`), those
  first contacted by it (`met`) and those that missed it
  (`breached` = `list/?sla_breached=true`), as of now; `met_share` = met / (met + breached). The
  rest of `due` is still waiting within its time, or was converted or lost before it without a
  contact (docs/sla.md). Counted in the cohort's own aggregate: no query of its own;
- `followups_due` counts the follow-ups (any lead of the branch) that scheduled the next contact
  for a day of the period; `followups_done_on_time` those after which the lead's next follow-up
  was recorded on or before that day. Days the nightly `refresh_report_rollups` has rolled up are
  read from FollowUpDueDay, later days are counted live (same numbers, see docs/reports.md).

Everything is read in a fixed number of queries whatever the number of branches.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from statistics import median

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.db.models.functions import TruncWeek
from django.utils import timezone

from leads.business_hours import business_day_bounds, business_hours_between
from leads.models import (
    FINAL_LEAD_STATUSES,
    LOST_REASON_OTHER,
    FollowUpHistory,
    Lead,
    LeadSource,
    LeadStatus,
    FollowUpDueDay,
    LostReason,
    ReportRollupState,
    sla_breached_condition,
    sla_met_condition,
    stale_condition,
)
from organizations.models import Branch

DEFAULT_PERIOD_DAYS = 30
MAX_PERIOD_DAYS = 366


@dataclass(frozen=True)
class Period:
    first_day: date
    last_day: date

    @classmethod
    def ending(cls, last_day: date, *, days: int = DEFAULT_PERIOD_DAYS) -> "Period":
        return cls(last_day - timedelta(days=days - 1), last_day)

    def weeks(self) -> list[date]:
        """The Mondays of the weeks the period touches, oldest first."""
        monday = self.first_day - timedelta(days=self.first_day.weekday())
        weeks = []
        while monday <= self.last_day:
            weeks.append(monday)
            monday += timedelta(days=7)
        return weeks


def _empty_numbers(weeks: list[date], codes: list[str]) -> dict:
    return {
        "leads": 0,
        "by_status": {status: 0 for status in LeadStatus.values},
        "by_source": {source: 0 for source in LeadSource.values},
        "new_per_week": {week: 0 for week in weeks},
        "converted": 0,
        "conversion_rate": None,
        "followups_due": 0,
        "followups_done_on_time": 0,
        "followup_compliance": None,
        "stale": 0,
        "never_contacted": 0,
        "lost_by_reason": {code: 0 for code in codes},
        "first_contact_median_business_hours": {source: None for source in LeadSource.values},
        "first_contact_sla": {"due": 0, "met": 0, "breached": 0, "met_share": None},
    }


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def summary_report(*, user, period: Period, branch_id: int | None = None, now=None) -> dict:
    """The summary of the branches `user` may see (or only `branch_id`, which must be one of them)."""
    now = now or timezone.now()
    branches = list(Branch.objects.visible_to(user).order_by("organization_id", "code").values("id", "name", "code", "organization_id"))
    if branch_id is not None:
        branches = [branch for branch in branches if branch["id"] == branch_id]
    branch_ids = [branch["id"] for branch in branches]
    organization_ids = {branch["organization_id"] for branch in branches}
    catalogue = list(
        LostReason.objects.filter(organization_id__in=organization_ids).order_by("id").values_list("id", "code")
    )
    code_of = dict(catalogue)
    codes = list(dict.fromkeys(code for _, code in catalogue))
    weeks = period.weeks()
    numbers = {bid: _empty_numbers(weeks, codes) for bid in branch_ids}
    start, end = business_day_bounds(period.first_day, period.last_day)

    cohort = Lead.objects.filter(branch_id__in=branch_ids, created_at__gte=start, created_at__lt=end).order_by()
    groups = cohort.values(
        "branch_id", "lead_status", "lead_source", "lost_reason_category_id", week=TruncWeek("created_at")
    ).annotate(
        leads=Count("id"),
        stale=Count("id", filter=~Q(lead_status__in=FINAL_LEAD_STATUSES) & stale_condition(now=now)),
        never_contacted=Count("id", filter=Q(last_contacted_at__isnull=True)),
        sla_due=Count("id", filter=Q(first_contact_due_at__isnull=False)),
        sla_met=Count("id", filter=sla_met_condition()),
        sla_breached=Count("id", filter=sla_breached_condition(now=now)),
    )
    for row in groups:
        branch = numbers[row["branch_id"]]
        count = row["leads"]
        branch["leads"] += count
        branch["by_status"][row["lead_status"]] += count
        branch["by_source"][row["lead_source"]] += count
        week = row["week"].date() if hasattr(row["week"], "date") else row["week"]
        branch["new_per_week"][week] = branch["new_per_week"].get(week, 0) + count
        branch["stale"] += row["stale"]
        branch["never_contacted"] += row["never_contacted"]
        sla = branch["first_contact_sla"]
        sla["due"] += row["sla_due"]
        sla["met"] += row["sla_met"]
        sla["breached"] += row["sla_breached"]
        if row["lead_status"] == LeadStatus.LOST:
            code = code_of.get(row["lost_reason_category_id"], LOST_REASON_OTHER)
            branch["lost_by_reason"][code] = branch["lost_by_reason"].get(code, 0) + count

    for bid, (due, done) in followups_due(branch_ids=branch_ids, period=period).items():
        numbers[bid]["followups_due"], numbers[bid]["followups_done_on_time"] = due, done

    # Time to first contact: the cohort's contacted leads, creation and first follow-up side by side.
    waits = defaultdict(lambda: defaultdict(list))
    contacted = cohort.filter(first_contacted_at__isnull=False).values_list(
        "branch_id", "lead_source", "created_at", "first_contacted_at"
    )
    for bid, source, created_at, first_at in contacted:
        waits[bid][source].append(business_hours_between(created_at, first_at))

    total = _empty_numbers(weeks, codes)
    all_waits = defaultdict(list)
    for bid, branch in numbers.items():
        for source, hours in waits[bid].items():
            branch["first_contact_median_business_hours"][source] = round(median(hours), 1)
            all_waits[source].extend(hours)
        for key in ("leads", "followups_due", "followups_done_on_time", "stale", "never_contacted"):
            total[key] += branch[key]
        for key in ("due", "met", "breached"):
            total["first_contact_sla"][key] += branch["first_contact_sla"][key]
        for key in ("by_status", "by_source", "new_per_week", "lost_by_reason"):
            for name, count in branch[key].items():
                total[key][name] = total[key].get(name, 0) + count
    for source, hours in all_waits.items():
        total["first_contact_median_business_hours"][source] = round(median(hours), 1)

    rows = []
    for branch in branches:
        rows.append({"branch": branch["id"], "branch_name": branch["name"], **_finish(numbers[branch["id"]])})
    return {
        "from": period.first_day,
        "to": period.last_day,
        "branches": rows,
        "total": _finish(total),
    }


FOLLOWUP_ROLLUP = "followups"


def _due_followups_unscoped():
    """Follow-ups with their branch and whether the lead's next follow-up came on or before the day they scheduled."""
    next_in_time = FollowUpHistory.objects.filter(
        lead_id=OuterRef("lead_id"),
        followup_at__gt=OuterRef("followup_at"),
        followup_at__date__lte=OuterRef("next_followup_date"),
    )
    return FollowUpHistory.objects.order_by().annotate(done_in_time=Exists(next_in_time))


def followups_due_live(*, branch_ids, first_day: date, last_day: date) -> dict[int, tuple[int, int]]:
    """Per branch: follow-ups scheduling a day from `first_day` to `last_day`, and those done on time (counted now)."""
    rows = (
        _due_followups_unscoped()
        .filter(lead__branch_id__in=branch_ids, next_followup_date__gte=first_day, next_followup_date__lte=last_day)
        .values("lead__branch_id")
        # lead_id, not id: the covering index followup_due_idx holds it, so no heap visit.
        .annotate(due=Count("lead_id"), done=Count("lead_id", filter=Q(done_in_time=True)))
    )
    return {row["lead__branch_id"]: (row["due"], row["done"]) for row in rows}


def followups_due_per_branch_day(*, last_day: date, first_day: date | None = None):
    """Every branch and day up to `last_day` (from `first_day`): (branch_id, day, due, done on time); the roll-up's rows."""
    rows = _due_followups_unscoped().filter(next_followup_date__lte=last_day)
    if first_day is not None:
        rows = rows.filter(next_followup_date__gte=first_day)
    return rows.values_list("lead__branch_id", "next_followup_date").annotate(
        due=Count("lead_id"), done=Count("lead_id", filter=Q(done_in_time=True))
    )


def followups_due(*, branch_ids, period: Period) -> dict[int, tuple[int, int]]:
    """Follow-ups due in the period per branch: rolled-up days from FollowUpDueDay, later days counted live."""
    through = (
        ReportRollupState.objects.filter(name=FOLLOWUP_ROLLUP).values_list("complete_through", flat=True).first()
    )
    totals = defaultdict(lambda: [0, 0])
    live_from = period.first_day
    if through is not None and through >= period.first_day:
        rolled = (
            FollowUpDueDay.objects.filter(
                branch_id__in=branch_ids, day__gte=period.first_day, day__lte=min(through, period.last_day)
            )
            .order_by()
            .values("branch_id")
            .annotate(due=Sum("due"), done=Sum("done_on_time"))
        )
        for row in rolled:
            totals[row["branch_id"]][0] += row["due"]
            totals[row["branch_id"]][1] += row["done"]
        live_from = through + timedelta(days=1)
    if live_from <= period.last_day:
        for bid, (due, done) in followups_due_live(
            branch_ids=branch_ids, first_day=live_from, last_day=period.last_day
        ).items():
            totals[bid][0] += due
            totals[bid][1] += done
    return {bid: (due, done) for bid, (due, done) in totals.items()}


def _finish(numbers: dict) -> dict:
    numbers["converted"] = numbers["by_status"][LeadStatus.CONVERTED]
    numbers["conversion_rate"] = _rate(numbers["converted"], numbers["leads"])
    numbers["followup_compliance"] = _rate(numbers["followups_done_on_time"], numbers["followups_due"])
    sla = numbers["first_contact_sla"]
    sla["met_share"] = _rate(sla["met"], sla["met"] + sla["breached"])
    numbers["new_per_week"] = [{"week": week, "leads": count} for week, count in sorted(numbers["new_per_week"].items())]
    return numbers

