"""Booking → lead automation: every booked customer is in the leads book exactly once.

`lead_for_booking(booking=…)` finds the customer's lead in the booking's organization (same
passport, else same contact number, open leads first) and links the booking to it as converted,
or creates a `converted` lead with `lead_source=booking`. It is idempotent and safe to run from
many transactions at once:

* the booking row is locked first, so the signal and an overlapping `sync_booking_leads` run
  handle one booking one after the other, and the second finds it already linked;
* two bookings for the same new passport race on the database's unique (organization, passport)
  constraint: the loser's savepoint rolls back and it looks again, now finding the winner's lead;
* bookings without a passport can only be matched by contact number, which no constraint
  guards, so on PostgreSQL a transaction-level advisory lock keyed by (organization, contact
  number) makes concurrent lookups for the same number take turns.

`LeadService` (below) is the public face of this module; signals and commands call it.
"""

import hashlib
import logging
from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Case, Exists, IntegerField, OuterRef, QuerySet, Value, When
from django.utils import timezone
from simple_history.utils import update_change_reason

from booking.models import Booking
from leads.services.assignment import lead_auto_assign, notify_assigned
from leads.services.leads import lead_convert
from leads.models import FINAL_LEAD_STATUSES, Lead, LeadSource, LeadStatus

logger = logging.getLogger("leads")

# A conflicting insert means another transaction created the lead first; looking again finds it.
MAX_ATTEMPTS = 3


class BookingLeadOutcome(StrEnum):
    CREATED = "created"  # a new converted lead was made from the booking
    LINKED = "linked"  # an existing lead now links the booking and is converted
    UNCHANGED = "unchanged"  # nothing to do: the lead already links this booking or a later one


@dataclass(frozen=True)
class BookingLeadResult:
    lead: Lead | None
    outcome: str
    was_lost: bool = False


def bookings_without_lead() -> QuerySet[Booking]:
    """Bookings that no lead links: what `sync_booking_leads` looks at."""
    return Booking.objects.unscoped().filter(~Exists(Lead.objects.unscoped().filter(booking_id=OuterRef("pk"))))


def find_lead_for_booking(booking: Booking, *, for_update: bool = False) -> Lead | None:
    """The booking customer's lead in the booking's organization, or None.

    The same passport wins. Otherwise the same contact number, open leads before converted or
    lost ones, the most recent first; a lead holding a different passport is another person
    (families often share one phone), so it is never matched by number alone.
    """
    leads = Lead.objects.unscoped()
    if for_update:
        leads = leads.select_for_update()
    lead = leads.holding_passport(
        organization_id=booking.organization_id, passport_number=booking.passport_number
    ).first()
    if lead is not None:
        return lead
    if not booking.contact_number:
        return None
    by_contact = leads.filter(organization_id=booking.organization_id, contact_number=booking.contact_number)
    if booking.passport_number:
        by_contact = by_contact.filter(passport_number="")
    closed_last = Case(
        When(lead_status__in=FINAL_LEAD_STATUSES, then=Value(1)), default=Value(0), output_field=IntegerField()
    )
    return by_contact.order_by(closed_last, "-created_at", "-id").first()


def planned_outcome(booking: Booking, lead: Lead | None) -> str:
    """What `lead_for_booking` does for `booking` given the lead found for it (no writes)."""
    if lead is None:
        return BookingLeadOutcome.CREATED
    if lead.booking_id == booking.pk:
        return BookingLeadOutcome.UNCHANGED
    # A returning customer's lead follows their latest booking; an older booking leaves it alone.
    if lead.lead_status == LeadStatus.CONVERTED and lead.booking_id is not None and lead.booking_id > booking.pk:
        return BookingLeadOutcome.UNCHANGED
    return BookingLeadOutcome.LINKED


def lead_for_booking(*, booking: Booking) -> BookingLeadResult:
    """Link `booking` to its customer's lead (converted) or create a converted lead; idempotent.

    Raises what the database raises when it still fails after retrying lost races; callers that
    must never fail (the signal, the sync command) use `LeadService.auto_create_from_booking_safely`.
    """
    for attempt in range(1, MAX_ATTEMPTS + 1):
        try:
            with transaction.atomic():
                result = _link_or_create(booking)
            break
        except IntegrityError:
            if attempt == MAX_ATTEMPTS:
                raise
    _log_result(result, booking)
    return result


def _link_or_create(booking: Booking) -> BookingLeadResult:
    # Lock the booking row (only it, not its branch): the same booking is handled by one transaction
    # at a time, while bookings of one branch go on in parallel.
    booking = Booking.objects.select_for_update(of=("self",)).select_related("branch").get(pk=booking.pk)
    already = Lead.objects.filter(booking_id=booking.pk).order_by("id").first()
    if already is not None:
        return BookingLeadResult(lead=already, outcome=BookingLeadOutcome.UNCHANGED)
    _lock_contact_number(booking)
    lead = find_lead_for_booking(booking, for_update=True)
    outcome = planned_outcome(booking, lead)
    if outcome == BookingLeadOutcome.CREATED:
        return BookingLeadResult(lead=_create_lead(booking), outcome=outcome)
    if outcome == BookingLeadOutcome.UNCHANGED:
        return BookingLeadResult(lead=lead, outcome=outcome)
    was_lost = lead.lead_status == LeadStatus.LOST
    return BookingLeadResult(lead=_link_lead(lead, booking), outcome=outcome, was_lost=was_lost)


def _log_result(result: BookingLeadResult, booking: Booking) -> None:
    """`created` and `linked` at INFO with ids only (never identity data); `unchanged` at DEBUG."""
    ids = {"lead_id": result.lead.pk if result.lead else None, "booking_id": booking.pk,
           "booking_reference": booking.reference}
    if result.outcome == BookingLeadOutcome.CREATED:
        logger.info("Created lead %s from booking %s (%s).", ids["lead_id"], booking.pk, booking.reference,
                    extra={"event": "booking_lead.created", **ids})
    elif result.outcome == BookingLeadOutcome.LINKED:
        logger.info(
            "Linked lead %s to booking %s (%s)%s.", ids["lead_id"], booking.pk, booking.reference,
            ", converting a lead marked lost" if result.was_lost else "",
            extra={"event": "booking_lead.linked", "was_lost": result.was_lost, **ids},
        )
    else:
        logger.debug("Booking %s (%s) already has its lead %s.", booking.pk, booking.reference, ids["lead_id"],
                     extra={"event": "booking_lead.unchanged", **ids})


def _lock_contact_number(booking: Booking) -> None:
    """On PostgreSQL, serialise lookups for one (organization, contact number) until commit.

    Nothing in the schema stops two transactions from both finding no lead for a number and both
    creating one; this lock (released with the transaction) makes the second wait and then see
    the first one's lead. Other databases go without it (SQLite serialises writers anyway).
    """
    if connection.vendor != "postgresql" or not booking.contact_number:
        return
    digest = hashlib.blake2b(
        f"booking-lead:{booking.organization_id}:{booking.contact_number}".encode(), digest_size=8
    ).digest()
    key = int.from_bytes(digest, "big", signed=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def _change_reason(booking: Booking) -> str:
    return f"Booking {booking.reference}"


def _create_lead(booking: Booking) -> Lead:
    lead = Lead(
        branch=booking.branch,
        customer_name=booking.customer_name,
        passport_number=booking.passport_number,
        contact_number=booking.contact_number,
        cnic=booking.cnic,
        lead_source=LeadSource.BOOKING,
        lead_status=LeadStatus.CONVERTED,
        converted_at=timezone.now(),
        booking=booking,
        created_by_id=booking.created_by_id,
        remarks=f"Created automatically from booking {booking.reference}.",
    )
    lead._change_reason = _change_reason(booking)
    lead_auto_assign(lead)  # the customer's next trip and payments have an owner, by the branch's rule
    lead.save()  # a lost passport race raises IntegrityError here; `lead_for_booking` looks again
    notify_assigned([lead])
    return lead


def _fill_blank_identity(lead: Lead, booking: Booking) -> None:
    """Give the lead the booking's passport and CNIC when it has none (the booking is the better record)."""
    changed = []
    for field in ("passport_number", "cnic"):
        if not getattr(lead, field) and getattr(booking, field):
            setattr(lead, field, getattr(booking, field))
            changed.append(field)
    if changed:
        lead._change_reason = _change_reason(booking)
        lead.save(update_fields=[*changed, "updated_at"])


def _link_lead(lead: Lead, booking: Booking) -> Lead:
    _fill_blank_identity(lead, booking)
    if lead.is_open:
        lead = lead_convert(lead=lead, booking=booking)
        update_change_reason(lead, _change_reason(booking))
        return lead
    update_fields = ["booking", "updated_at"]
    lead.booking = booking
    if lead.lead_status == LeadStatus.LOST:
        # The customer did book: a booking outweighs an earlier "lost". The reason and date it was
        # lost stay on the lead and in its history; the remarks say what happened.
        lead.lead_status = LeadStatus.CONVERTED
        lead.converted_at = timezone.now()
        note = f"Converted automatically by booking {booking.reference} after having been marked lost."
        lead.remarks = f"{lead.remarks}\n{note}" if lead.remarks else note
        update_fields += ["lead_status", "converted_at", "remarks"]
    lead._change_reason = _change_reason(booking)
    lead.save(update_fields=update_fields)
    return lead


def describe_failure(exc: BaseException) -> str:
    """`IntegrityError at leads/booking_leads.py:123 in _create_lead`: the error's class and the deepest
    line of this project it passed through, without its message, which may quote identity data (a
    database error repeats the conflicting key's values)."""
    base_dir = f"{settings.BASE_DIR}/"
    where = None
    tb = exc.__traceback__
    while tb is not None:
        code = tb.tb_frame.f_code
        if code.co_filename.startswith(base_dir) and "/site-packages/" not in code.co_filename:
            where = f"{code.co_filename.removeprefix(base_dir)}:{tb.tb_lineno} in {code.co_name}"
        tb = tb.tb_next
    return f"{type(exc).__name__} at {where}" if where else type(exc).__name__


def log_failure(booking: Booking, exc: BaseException) -> None:
    """Log a failed automation at ERROR with the booking's id and reference and no customer data."""
    booking_id = getattr(booking, "pk", None)
    reference = getattr(booking, "reference", "")
    logger.error(
        "Lead automation failed for booking %s (%s): %s", booking_id, reference, describe_failure(exc),
        extra={"event": "booking_lead.failed", "booking_id": booking_id, "booking_reference": reference,
               "error_type": type(exc).__name__},
    )


class LeadService:
    """The booking → lead automation the contract names; the rules are the functions above.

    Every new booking ends up on its customer's lead (same passport, else same contact number, in
    the booking's organization), converted, or on a new converted lead with `lead_source=booking`.
    """

    @staticmethod
    def auto_create_from_booking(booking):
        """Link `booking` to its customer's lead and convert it, or create a converted lead; idempotent.

        Returns a `BookingLeadResult` (lead, outcome `created`/`linked`/`unchanged`); raises on failure.
        """
        return lead_for_booking(booking=booking)

    @classmethod
    def auto_create_from_booking_safely(cls, booking):
        """`auto_create_from_booking` that never raises: a failure is logged at ERROR on logger `leads`
        with the booking's id and reference (no customer data) and answers None."""
        try:
            return cls.auto_create_from_booking(booking)
        except Exception as exc:  # noqa: BLE001 - a lead problem must never break the booking
            log_failure(booking, exc)
            return None

    @classmethod
    def auto_create_from_booking_on_commit(cls, booking) -> None:
        """Run the automation for a new booking once the current transaction commits (at once when there
        is none); it never fails or rolls back the caller's transaction."""
        transaction.on_commit(lambda: cls.auto_create_from_booking_safely(booking), robust=True)
