import logging

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from transfers.services import lead_imports_resume

logger = logging.getLogger("leads.imports")


class Command(BaseCommand):
    """Take up imports whose run died (queued or running with no progress for a while), or fail them."""

    help = (
        "Find imports queued or running with no progress for --stale-minutes (default "
        "LEADS_IMPORT_STALE_MINUTES) and run them again from their next pending chunk: through the broker, "
        "or here without one. An import taken up --max-attempts times without progress (default "
        "LEADS_IMPORT_MAX_ATTEMPTS) is failed instead. Each import is claimed with one conditional UPDATE, "
        "so overlapping runs never take one twice; meant for cron every few minutes."
    )

    def add_arguments(self, parser):
        parser.add_argument("--stale-minutes", type=int, default=None, metavar="N",
                            help="Minutes without progress before an import counts as stuck.")
        parser.add_argument("--max-attempts", type=int, default=None, metavar="N",
                            help="Fail an import once it has been taken up this many times without progress.")
        parser.add_argument("--dry-run", action="store_true", help="Say what would be resumed or failed; change nothing.")

    def handle(self, *args, **options):
        stale = options["stale_minutes"] if options["stale_minutes"] is not None else settings.LEADS_IMPORT_STALE_MINUTES
        if stale < 1 or (options["max_attempts"] is not None and options["max_attempts"] < 1):
            raise CommandError("--stale-minutes and --max-attempts must be at least 1.")
        try:
            resumed, failed = lead_imports_resume(
                stale_minutes=stale, max_attempts=options["max_attempts"], dry_run=options["dry_run"]
            )
        except DatabaseError as exc:
            logger.exception("resume_imports failed")
            raise CommandError(f"Could not resume imports: {exc}") from exc
        if options["dry_run"]:
            message = f"Would resume {len(resumed)} import(s) and fail {len(failed)}."
        else:
            message = f"Resumed {len(resumed)} import(s), failed {len(failed)}."
        if resumed or failed:
            message += f" Resumed: {resumed or '-'}; failed: {failed or '-'}."
        self.stdout.write(message)
