import logging

from django.core.management.base import BaseCommand

from messaging.services.outbox import enqueue, messages_due_ids, messages_fail_stale_claims

logger = logging.getLogger("messaging")


class Command(BaseCommand):
    """The outbox's sweep: fail stale claims as "delivery unknown", hand due messages to the workers."""

    help = (
        "Fail messages claimed by a worker that never finished (older than MESSAGING_STALE_CLAIM_MINUTES) "
        "as 'delivery unknown' (never resent: at most once), then hand every queued message whose time has "
        "come (due retries, held reminders, hand-offs a broker outage lost) to the delivery task; without a "
        "broker they are sent here. Safe to overlap (each message is claimed before it is sent). Cron: every minute."
    )

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=10_000, help="At most this many due messages per run.")
        parser.add_argument("--dry-run", action="store_true", help="Count; change and send nothing.")

    def handle(self, *args, **options):
        if options["dry_run"]:
            due = messages_due_ids(limit=options["limit"])
            self.stdout.write(f"Would hand {len(due)} due messages to the workers.")
            return
        stale = messages_fail_stale_claims()
        due = messages_due_ids(limit=options["limit"])
        enqueue(due)
        self.stdout.write(f"Handed {len(due)} due messages to the workers; {stale} stale claims failed as delivery unknown.")
