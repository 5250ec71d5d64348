import logging

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from django.utils import timezone

from leads.management.arguments import business_day
from leads.services import loan_commitments_mark_overdue

logger = logging.getLogger("leads")


class Command(BaseCommand):
    """Mark pending loan commitments promised before the day overdue, set-based and idempotent."""

    help = (
        "Mark pending loan commitments whose promised clear date is before the day (default: today in "
        "TIME_ZONE) as overdue, in one set-based UPDATE with an audit row per commitment. Idempotent and "
        "safe to overlap; meant for a nightly cron entry."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date", type=business_day, default=None, metavar="YYYY-MM-DD",
            help="Judge as of this day instead of today (commitments promised before it are overdue).",
        )
        parser.add_argument("--dry-run", action="store_true", help="Count what would be marked; change nothing.")

    def handle(self, *args, **options):
        as_of, dry_run = options["date"] or timezone.localdate(), options["dry_run"]
        try:
            count = loan_commitments_mark_overdue(as_of=as_of, dry_run=dry_run)
        except DatabaseError as exc:
            logger.exception("mark_overdue_loans failed as of %s", as_of)
            raise CommandError(f"Could not mark loan commitments overdue as of {as_of}: {exc}") from exc
        message = f"{'Would mark' if dry_run else 'Marked'} {count} loan commitments as overdue."
        self.stdout.write(message)
