import logging
from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from intake.services import meta_leads_backfill

logger = logging.getLogger("leads.intake")


class Command(BaseCommand):
    """Take in Lead Ads leads a webhook missed: every connected page's forms, every page of their leads."""

    help = (
        "For each Facebook page connected to an active intake source, list its Lead Ads forms and page "
        "through each form's leads (GET /{form_id}/leads, following paging.next), taking in every leadgen id "
        "not stored yet, through the same intake as the webhook. Leads left pending for 30 minutes are queued "
        "again. Idempotent; meant for cron (docs/intake.md). Exits non-zero when a page could not be read."
    )

    def add_arguments(self, parser):
        parser.add_argument("--since", type=float, default=48.0, metavar="HOURS",
                            help="Only leads created in the last HOURS hours (default: %(default)s; 0: all).")

    def handle(self, *args, **options):
        hours = options["since"]
        if hours < 0:
            raise CommandError("--since must be 0 or more hours.")
        since = timezone.now() - timedelta(hours=hours) if hours else None
        result = meta_leads_backfill(since=since)
        for error in result.errors:
            self.stderr.write(error)
        self.stdout.write(
            f"Backfill: {result.pages} page(s), {result.forms} form(s), {result.seen} lead(s) listed, "
            f"{result.taken_in} taken in, {result.failed} failed, {result.requeued} pending queued again."
        )
        if result.errors:
            raise CommandError(f"{len(result.errors)} page(s) could not be read.")
