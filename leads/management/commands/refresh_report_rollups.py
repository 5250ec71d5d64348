import logging

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from django.utils import timezone

from leads.management.arguments import business_day
from leads.services import report_rollups_refresh

logger = logging.getLogger("leads")


class Command(BaseCommand):
    """Rebuild the summary report's follow-up roll-up for every day before today."""

    help = (
        "Roll up the per-branch, per-day count of follow-ups due and done on time (FollowUpDueDay) that the "
        "summary report reads. Without --recent: every day before the day (default: today in TIME_ZONE), for a "
        "nightly cron entry after midnight. With --recent: yesterday and today, for a cron entry every 10 "
        "minutes (today's follow-up numbers are then at most that old). Safe to overlap."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date", type=business_day, default=None, metavar="YYYY-MM-DD",
            help="Roll up the days before this one instead of before today.",
        )
        parser.add_argument(
            "--recent", action="store_true", help="Only yesterday and today (a full run first if older days are missing)."
        )
        parser.add_argument("--dry-run", action="store_true", help="Count the rows it would write; change nothing.")

    def handle(self, *args, **options):
        today, dry_run, recent = options["date"] or timezone.localdate(), options["dry_run"], options["recent"]
        try:
            count = report_rollups_refresh(today=today, recent=recent, dry_run=dry_run)
        except DatabaseError as exc:
            logger.exception("refresh_report_rollups failed for days before %s", today)
            raise CommandError(f"Could not refresh the report roll-ups: {exc}") from exc
        days = "yesterday and today" if recent else f"days before {today}"
        message = f"{'Would write' if dry_run else 'Wrote'} {count} branch-day rows of follow-ups due ({days})."
        self.stdout.write(message)
