from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError

from intake.services import intake_submissions_sweep


class Command(BaseCommand):
    """The sweep: process intake submissions whose task was lost (a worker died, the broker was down)."""

    help = (
        "Process every intake submission still pending after --older-than seconds (default 60): their Celery "
        "task was lost. Each is claimed first, so a task running at the same time does not process it twice. "
        "Meant for cron, every few minutes (docs/intake.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--older-than", type=float, default=60.0, metavar="SECONDS",
                            help="Only submissions received more than SECONDS ago (default: %(default)s).")
        parser.add_argument("--limit", type=int, default=None, help="At most this many in one run.")

    def handle(self, *args, **options):
        if options["older_than"] < 0:
            raise CommandError("--older-than must be 0 or more seconds.")
        if options["limit"] is not None and options["limit"] < 1:
            raise CommandError("--limit must be 1 or more.")
        result = intake_submissions_sweep(older_than=timedelta(seconds=options["older_than"]), limit=options["limit"])
        self.stdout.write(
            f"Intake sweep: {result.seen} pending submission(s), {result.done} done, {result.failed} failed, "
            f"{result.skipped} left pending."
        )
