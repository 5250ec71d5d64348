import logging

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from django.utils import timezone

from leads.management.arguments import business_day
from leads.reminders import followup_reminders_send

logger = logging.getLogger("leads")


class Command(BaseCommand):
    """Email each branch user (and each lead's assignee) one digest of follow-ups due that day or overdue."""

    help = (
        "Email each branch user, and each lead's assignee, one digest of the open leads whose next follow-up "
        "is the day (default: today in TIME_ZONE) or already past it. At most one digest per user per day, "
        "however often or on however many hosts it runs; a failed email is retried by the next run."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date", type=business_day, default=None, metavar="YYYY-MM-DD",
            help="Send the digests for this day instead of today.",
        )
        parser.add_argument("--dry-run", action="store_true", help="Count the digests that would go out; send nothing.")

    def handle(self, *args, **options):
        day, dry_run = options["date"] or timezone.localdate(), options["dry_run"]
        if not dry_run and not settings.EMAIL_CONFIGURED:
            # Refuse before claiming anything: a claimed day with no mail sent would be lost.
            raise CommandError(
                "No email is configured (DJANGO_EMAIL_URL is unset and DJANGO_DEBUG is false): "
                "nothing was sent and no digest was claimed. Set DJANGO_EMAIL_URL, e.g. "
                "smtp+tls://user:password@smtp.example.com:587."
            )
        try:
            run = followup_reminders_send(day=day, dry_run=dry_run)
        except DatabaseError as exc:
            logger.exception("send_followup_reminders failed for %s", day)
            raise CommandError(f"Could not send follow-up reminders for {day}: {exc}") from exc
        for user, error in run.failures:
            self.stderr.write(f"Could not email {user.email} (user {user.pk}): {error}. A later run retries.")
        if run.already_claimed:
            logger.info("%s users already had their digest for %s; skipped", run.already_claimed, day)
        message = f"{'Would send' if dry_run else 'Sent'} {run.sent} reminder emails for {len(run.lead_ids)} leads."
        self.stdout.write(message)
        if run.failures:
            raise CommandError(f"{len(run.failures)} reminder emails failed; their users are retried on the next run.")
