import logging

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from transfers.services import lead_imports_purge

logger = logging.getLogger("leads.imports")


class Command(BaseCommand):
    """Drop old uploads: dry runs and failed imports go, finished imports keep only what revert needs."""

    help = (
        "Delete dry runs and failed imports that finished more than --days ago (default "
        "LEADS_IMPORT_RETENTION_DAYS), with their reports, and drop the stored file of older finished "
        "imports (their report and what revert needs stay). Imports still queued or running are left to "
        "resume_imports. Idempotent; meant for a nightly cron entry."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None, metavar="N", help="Keep what finished in the last N days.")
        parser.add_argument("--dry-run", action="store_true", help="Count what would go; change nothing.")

    def handle(self, *args, **options):
        days = options["days"] if options["days"] is not None else settings.LEADS_IMPORT_RETENTION_DAYS
        if days < 0:
            raise CommandError("--days must be 0 or more.")
        try:
            counts = lead_imports_purge(retention_days=days, dry_run=options["dry_run"])
        except DatabaseError as exc:
            logger.exception("purge_imports failed")
            raise CommandError(f"Could not purge imports: {exc}") from exc
        if options["dry_run"]:
            message = f"Would delete {counts['deleted']} import(s) and drop the stored file of {counts['emptied']}."
        else:
            message = f"Deleted {counts['deleted']} import(s) and dropped the stored file of {counts['emptied']}."
        self.stdout.write(message)
