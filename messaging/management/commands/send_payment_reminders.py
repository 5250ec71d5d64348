import logging

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from django.utils import timezone

from leads.management.arguments import business_day
from messaging.quiet_hours import is_quiet, quiet_hours_label
from messaging.services.reminders import payment_reminders_queue

logger = logging.getLogger("messaging")


class Command(BaseCommand):
    """Queue the day's payment reminders to consenting customers: set-based, once per commitment per kind."""

    help = (
        "Queue WhatsApp/SMS payment reminders for open commitments (pending or overdue, balance left) of "
        "consenting customers: due in 2 days, due today, and 1 and 7 days overdue; one per commitment per "
        "kind, so a second run the same day queues nothing and overlapping runs are safe. Refuses inside "
        "the quiet hours (MESSAGING_QUIET_HOURS). Meant for a cron entry after the quiet hours end."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date", type=business_day, default=None, metavar="YYYY-MM-DD",
            help="Judge the due dates as of this business day instead of today.",
        )
        parser.add_argument("--dry-run", action="store_true", help="Count what would be queued; queue nothing.")

    def handle(self, *args, **options):
        day, dry_run = options["date"] or timezone.localdate(), options["dry_run"]
        if is_quiet() and not dry_run:
            self.stdout.write(
                f"Inside the quiet hours ({quiet_hours_label()}, business time): no reminders queued. "
                "Run again after they end."
            )
            return
        try:
            run = payment_reminders_queue(day=day, dry_run=dry_run)
        except DatabaseError as exc:
            logger.exception("send_payment_reminders failed for %s", day)
            raise CommandError(f"Could not queue the payment reminders for {day}: {exc}") from exc
        kinds = ", ".join(f"{kind} {count}" for kind, count in sorted(run.by_kind.items())) or "none"
        verb = "Would queue" if dry_run else "Queued"
        message = f"{verb} {run.queued} payment reminders for {day} ({kinds})."
        if run.skipped_no_channel:
            message += f" {run.skipped_no_channel} skipped: their organization has no connected channel."
        self.stdout.write(message)
