"""The report roll-ups: rebuilt under a lock on their state row by `refresh_report_rollups`."""

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from leads.models import FollowUpDueDay, ReportRollupState
from leads.report_queries import FOLLOWUP_ROLLUP, followups_due_per_branch_day


@transaction.atomic
def report_rollups_refresh(*, today: date, recent: bool = False, dry_run: bool = False) -> int:
    """Roll up the follow-ups due per branch and day into FollowUpDueDay; returns the rows written.

    Full (the nightly run): every day before `today` is rebuilt and the roll-up is complete through
    yesterday; the summary counts today live. Recent (every few minutes): yesterday and today are
    rebuilt and the roll-up is complete through today, so today's follow-up numbers are as old as the
    last recent run (a full rebuild instead while the older days are not rolled up yet). Overlapping
    runs take turns on the state row's lock; a later run rebuilds from the data as it then is.
    """
    state, _ = ReportRollupState.objects.select_for_update().get_or_create(name=FOLLOWUP_ROLLUP)
    yesterday = today - timedelta(days=1)
    if recent and state.complete_through is not None and state.complete_through >= yesterday - timedelta(days=1):
        first_day, last_day = yesterday, today
    else:
        first_day, last_day = None, today if recent else yesterday
    rows = [
        FollowUpDueDay(branch_id=branch_id, day=day, due=due, done_on_time=done)
        for branch_id, day, due, done in followups_due_per_branch_day(first_day=first_day, last_day=last_day)
    ]
    if dry_run:
        transaction.set_rollback(True)
        return len(rows)
    stale = FollowUpDueDay.objects.all() if first_day is None else FollowUpDueDay.objects.filter(day__gte=first_day)
    stale.delete()
    FollowUpDueDay.objects.bulk_create(rows, batch_size=5000)
    state.complete_through = last_day
    state.refreshed_at = timezone.now()
    state.save(update_fields=["complete_through", "refreshed_at"])
    return len(rows)
