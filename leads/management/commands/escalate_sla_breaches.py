import logging

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from leads.sla_escalations import sla_breaches_escalate

logger = logging.getLogger("leads")


class Command(BaseCommand):
    """Tell each branch's managers (else its org admins) once of every lead whose first contact is overdue."""

    help = (
        "Claim every open lead still waiting for its first contact past its first_contact_due_at and not yet "
        "escalated, and email the branch's managers (else its organization's admins) one list per recipient. "
        "Each lead is told once, however often or on however many hosts this runs; run it from cron every "
        "15 minutes or so."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count the leads and emails; claim and send nothing.")

    def handle(self, *args, **options):
        dry_run = options["dry_run"]
        if not dry_run and not settings.EMAIL_CONFIGURED:
            # Refuse before claiming anything: a claimed lead with no mail sent would never be told.
            raise CommandError(
                "No email is configured (DJANGO_EMAIL_URL is unset and DJANGO_DEBUG is false): nothing was "
                "claimed or sent. Set DJANGO_EMAIL_URL, e.g. smtp+tls://user:password@smtp.example.com:587."
            )
        try:
            run = sla_breaches_escalate(dry_run=dry_run)
        except DatabaseError as exc:
            logger.exception("escalate_sla_breaches failed")
            raise CommandError(f"Could not escalate SLA breaches: {exc}") from exc
        for user, error in run.failures:
            self.stderr.write(f"Could not email {user.email} (user {user.pk}): {error}.")
        verb = "Would escalate" if dry_run else "Escalated"
        untold = f" ({run.untold} of branches with no manager or org admin to tell)" if run.untold else ""
        self.stdout.write(f"{verb} {run.leads} breached leads in {run.emails} emails{untold}.")
        if run.failures:
            raise CommandError(
                f"{len(run.failures)} escalation emails failed; {run.released} leads whose every recipient "
                "failed are retried on the next run."
            )
