from datetime import date

from django.core.management.base import BaseCommand, CommandError, CommandParser

from booking.models import Booking
from leads.services.booking_leads import BookingLeadOutcome, bookings_without_lead, find_lead_for_booking, planned_outcome
from leads.services import LeadService


def _parse_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--since must be a date as YYYY-MM-DD, not {value!r}.") from exc


class Command(BaseCommand):
    """Heal bookings that no lead links by running the booking → lead service on them, in id batches.

    Idempotent and safe to overlap: the service locks each booking and skips one already linked.
    """

    help = (
        "Link or create the lead of every booking that no lead links yet (a missed signal, a restore, an "
        "import), with the same rules as the automatic booking → lead step. Idempotent; safe to overlap."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--since", metavar="YYYY-MM-DD", help="Only bookings created on or after this day.")
        parser.add_argument("--dry-run", action="store_true", help="Report what would be done; change nothing.")
        parser.add_argument(
            "--batch-size", type=int, default=500, metavar="N", help="Bookings read per query (default 500)."
        )

    def handle(self, *args, since=None, dry_run=False, batch_size=500, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        bookings = bookings_without_lead()
        if since is not None:
            bookings = bookings.filter(created_at__date__gte=_parse_date(since))
        counts = {BookingLeadOutcome.CREATED: 0, BookingLeadOutcome.LINKED: 0, BookingLeadOutcome.UNCHANGED: 0}
        failed = total = 0
        for batch in self._batches(bookings, batch_size):
            for booking in batch:
                total += 1
                if dry_run:
                    counts[planned_outcome(booking, find_lead_for_booking(booking))] += 1
                    continue
                result = LeadService.auto_create_from_booking_safely(booking)
                if result is None:
                    failed += 1
                else:
                    counts[result.outcome] += 1
        summary = self._summary(counts, failed, total, dry_run)
        self.stdout.write(summary)

    @staticmethod
    def _batches(bookings, batch_size: int):
        """Bookings in id order, `batch_size` at a time, each batch read by an id range (bounded memory)."""
        last_id = 0
        while True:
            ids = list(
                bookings.filter(id__gt=last_id).order_by("id").values_list("id", flat=True)[:batch_size]
            )
            if not ids:
                return
            yield list(Booking.objects.filter(id__in=ids).select_related("branch").order_by("id"))
            last_id = ids[-1]

    @staticmethod
    def _summary(counts: dict, failed: int, total: int, dry_run: bool) -> str:
        linked, created = counts[BookingLeadOutcome.LINKED], counts[BookingLeadOutcome.CREATED]
        unchanged = counts[BookingLeadOutcome.UNCHANGED]
        if dry_run:
            line = f"Dry run: would link {linked}, create {created} of {total} bookings without a lead."
        else:
            line = f"Linked {linked}, created {created}, failed {failed} of {total} bookings without a lead."
        if unchanged:
            line += f" {unchanged} left as they are: their customer's lead links a later booking."
        return line
