"""Writes to leads, follow-ups and loan commitments: every business rule lives here.

Each service takes keyword-only arguments, runs in one transaction, validates (raising
Django's `ValidationError` naming the field, or `StateConflict` for a forbidden state
change), writes, and returns the object. Views, admin, signals and commands all call these.
"""

from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connections, router, transaction
from django.utils import timezone

from leads.exceptions import StateConflict
from leads.identity import normalize_identity_fields
from leads.models import (
    FINAL_LEAD_STATUSES,
    ContactMethod,
    FollowUpHistory,
    Lead,
    LeadSource,
    LeadStatus,
    LoanCommitment,
    LoanStatus,
)

# Fields a client may set on create or update; the rest are derived or set by state changes.
LEAD_EDITABLE_FIELDS = (
    "customer_name",
    "passport_number",
    "contact_number",
    "cnic",
    "address",
    "area",
    "branch",
    "lead_source",
    "lead_status",
    "next_followup_date",
    "assigned_to",
    "lost_reason",
    "remarks",
)
DUPLICATE_PASSPORT_MESSAGE = "A lead with this passport number already exists in this organization."


def _check_passport_free(lead: Lead) -> None:
    if not lead.passport_number:
        return
    clash = Lead.objects.filter(
        organization_id=lead.branch.organization_id, passport_number=lead.passport_number
    ).exclude(pk=lead.pk)
    if clash.exists():
        raise ValidationError({"passport_number": [DUPLICATE_PASSPORT_MESSAGE]})


def _check_open_status(lead_status: str) -> None:
    if lead_status in FINAL_LEAD_STATUSES:
        raise ValidationError(
            {"lead_status": ["Use the convert or lost endpoint to move a lead to converted or lost."]}
        )


def _attribute_history(obj, user) -> None:
    """Name `user` on the history row this save writes (the request's user is only known inside a request)."""
    if user is not None:
        obj._history_user = user


def _save_lead(lead: Lead, **save_kwargs) -> None:
    """Save, turning the passport constraint's IntegrityError (a lost race) into a 400."""
    try:
        with transaction.atomic():
            lead.save(**save_kwargs)
    except IntegrityError as exc:
        if "passport" in str(exc).lower():
            raise ValidationError({"passport_number": [DUPLICATE_PASSPORT_MESSAGE]}) from exc
        raise


@transaction.atomic
def lead_create(
    *,
    branch,
    customer_name: str,
    contact_number: str,
    created_by=None,
    passport_number: str = "",
    cnic: str = "",
    address: str = "",
    area: str = "",
    lead_source: str = LeadSource.WALK_IN,
    lead_status: str = LeadStatus.NEW,
    next_followup_date: date | None = None,
    assigned_to=None,
    remarks: str = "",
) -> Lead:
    """Create an open lead in `branch` (its organization follows the branch); passports are unique per organization."""
    _check_open_status(lead_status)
    lead = Lead(
        branch=branch,
        customer_name=customer_name,
        contact_number=contact_number,
        passport_number=passport_number,
        cnic=cnic,
        address=address,
        area=area,
        lead_source=lead_source,
        lead_status=lead_status,
        next_followup_date=next_followup_date,
        assigned_to=assigned_to,
        remarks=remarks,
        created_by=created_by,
    )
    normalize_identity_fields(lead)
    _check_passport_free(lead)
    _attribute_history(lead, created_by)
    _save_lead(lead)
    return lead


@transaction.atomic
def lead_update(*, lead: Lead, changed_by=None, **changes) -> Lead:
    """Apply `changes` (only client-editable fields) to an open or closed lead's details.

    Status moves among new/contacted/interested here; converted and lost have their own services.
    """
    unknown = set(changes) - set(LEAD_EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({name: ["This field cannot be changed."] for name in sorted(unknown)})
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    new_status = changes.get("lead_status", lead.lead_status)
    if new_status != lead.lead_status:
        if not lead.is_open:
            raise StateConflict(f"A {lead.lead_status} lead's status is final.")
        _check_open_status(new_status)
    for name, value in changes.items():
        setattr(lead, name, value)
    normalize_identity_fields(lead)
    _check_passport_free(lead)
    _attribute_history(lead, changed_by)
    _save_lead(lead)
    return lead


@transaction.atomic
def followup_record(
    *,
    lead: Lead,
    remarks: str,
    contact_method: str = ContactMethod.CALL,
    followup_at: datetime | None = None,
    next_followup_date: date | None = None,
    created_by=None,
) -> FollowUpHistory:
    """Record a contact with the lead; the lead's last contact, next follow-up date and `new` status follow it."""
    if not remarks or not remarks.strip():
        raise ValidationError({"remarks": ["This field may not be blank."]})
    followup_at = followup_at or timezone.now()
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    followup = FollowUpHistory(
        lead=lead,
        followup_at=followup_at,
        contact_method=contact_method,
        remarks=remarks,
        next_followup_date=next_followup_date,
        created_by=created_by,
    )
    _attribute_history(followup, created_by)
    followup.save()
    update_fields = ["last_contacted_at", "next_followup_date", "updated_at"]
    if lead.last_contacted_at is None or followup_at > lead.last_contacted_at:
        lead.last_contacted_at = followup_at
    lead.next_followup_date = next_followup_date
    if lead.lead_status == LeadStatus.NEW:
        lead.lead_status = LeadStatus.CONTACTED
        update_fields.append("lead_status")
    _attribute_history(lead, created_by)
    lead.save(update_fields=update_fields)
    followup.lead = lead
    return followup


@transaction.atomic
def lead_convert(*, lead: Lead, booking=None, converted_by=None) -> Lead:
    """Mark the lead converted (optionally linking `booking`); again on a converted lead is a no-op, on a lost one a conflict."""
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    if lead.lead_status == LeadStatus.CONVERTED:
        return lead
    if lead.lead_status == LeadStatus.LOST:
        raise StateConflict("A lost lead cannot be converted.")
    if booking is not None and booking.organization_id != lead.organization_id:
        raise ValidationError({"booking": ["The booking belongs to another organization."]})
    lead.lead_status = LeadStatus.CONVERTED
    lead.converted_at = timezone.now()
    update_fields = ["lead_status", "converted_at", "updated_at"]
    if booking is not None:
        lead.booking = booking
        update_fields.append("booking")
    _attribute_history(lead, converted_by)
    lead.save(update_fields=update_fields)
    return lead


@transaction.atomic
def lead_mark_lost(*, lead: Lead, lost_reason: str, marked_by=None) -> Lead:
    """Mark the lead lost with a reason; a converted lead cannot be lost (conflict), a lost one stays as it is."""
    if not lost_reason or not lost_reason.strip():
        raise ValidationError({"lost_reason": ["This field is required."]})
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    if lead.lead_status == LeadStatus.LOST:
        return lead
    if lead.lead_status == LeadStatus.CONVERTED:
        raise StateConflict("A converted lead cannot be marked lost.")
    lead.lead_status = LeadStatus.LOST
    lead.lost_reason = lost_reason
    lead.lost_at = timezone.now()
    _attribute_history(lead, marked_by)
    lead.save(update_fields=["lead_status", "lost_reason", "lost_at", "updated_at"])
    return lead


def _status_for_promise(promised_clear_date: date) -> str:
    return LoanStatus.OVERDUE if promised_clear_date < timezone.localdate() else LoanStatus.PENDING


def _check_booking_matches_lead(*, booking, lead: Lead) -> None:
    if booking is not None and booking.organization_id != lead.organization_id:
        raise ValidationError({"booking": ["The booking belongs to another organization."]})


def _check_amount(amount: Decimal) -> None:
    if amount is None or amount <= 0:
        raise ValidationError({"amount": ["Ensure this value is greater than 0."]})


@transaction.atomic
def loan_commitment_create(
    *,
    lead: Lead,
    amount: Decimal,
    promised_clear_date: date,
    booking=None,
    remarks: str = "",
    created_by=None,
) -> LoanCommitment:
    """Record a customer's promise to clear `amount` by `promised_clear_date` (already overdue if that day has passed)."""
    _check_amount(amount)
    _check_booking_matches_lead(booking=booking, lead=lead)
    commitment = LoanCommitment(
        lead=lead,
        booking=booking,
        amount=amount,
        promised_clear_date=promised_clear_date,
        status=_status_for_promise(promised_clear_date),
        remarks=remarks,
        created_by=created_by,
    )
    _attribute_history(commitment, created_by)
    commitment.save()
    return commitment


LOAN_EDITABLE_FIELDS = ("amount", "promised_clear_date", "booking", "remarks")


@transaction.atomic
def loan_commitment_update(*, commitment: LoanCommitment, changed_by=None, **changes) -> LoanCommitment:
    """Change an open commitment's amount, date, booking or remarks; a new date re-judges pending/overdue."""
    unknown = set(changes) - set(LOAN_EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({name: ["This field cannot be changed here."] for name in sorted(unknown)})
    commitment = LoanCommitment.objects.select_for_update().select_related("lead").get(pk=commitment.pk)
    if not commitment.is_open:
        raise StateConflict(f"A {commitment.status} commitment cannot be changed.")
    if "amount" in changes:
        _check_amount(changes["amount"])
    if "booking" in changes:
        _check_booking_matches_lead(booking=changes["booking"], lead=commitment.lead)
    for name, value in changes.items():
        setattr(commitment, name, value)
    if "promised_clear_date" in changes:
        commitment.status = _status_for_promise(commitment.promised_clear_date)
    _attribute_history(commitment, changed_by)
    commitment.save()
    return commitment


def _close_commitment(*, commitment: LoanCommitment, status: str, user=None) -> LoanCommitment:
    commitment = LoanCommitment.objects.select_for_update().get(pk=commitment.pk)
    if commitment.status == status:
        return commitment
    if not commitment.is_open:
        raise StateConflict(f"A {commitment.status} commitment cannot be {status}.")
    commitment.status = status
    update_fields = ["status", "updated_at"]
    if status == LoanStatus.CLEARED:
        commitment.cleared_at = timezone.now()
        update_fields.append("cleared_at")
    _attribute_history(commitment, user)
    commitment.save(update_fields=update_fields)
    return commitment


@transaction.atomic
def loan_commitment_clear(*, commitment: LoanCommitment, cleared_by=None) -> LoanCommitment:
    """Mark an open commitment cleared (paid); clearing twice is a no-op, clearing a cancelled one a conflict."""
    return _close_commitment(commitment=commitment, status=LoanStatus.CLEARED, user=cleared_by)


@transaction.atomic
def loan_commitment_cancel(*, commitment: LoanCommitment, cancelled_by=None) -> LoanCommitment:
    """Cancel an open commitment; cancelling twice is a no-op, cancelling a cleared one a conflict."""
    return _close_commitment(commitment=commitment, status=LoanStatus.CANCELLED, user=cancelled_by)


MARK_OVERDUE_CHANGE_REASON = "mark_overdue_loans"


def _insert_overdue_history_sql(*, connection) -> str:
    """INSERT … SELECT writing one '~' history row (status already overdue) per commitment about to be marked.

    Built from the historical model's _meta, so it follows the tracked fields and works on SQLite and
    PostgreSQL. On PostgreSQL `FOR UPDATE` locks the rows first: an overlapping run waits, re-reads them
    as overdue and neither writes history nor marks them a second time.
    """
    qn = connection.ops.quote_name
    source = LoanCommitment._meta
    history = LoanCommitment.history.model._meta
    columns, values = [], []
    for field in LoanCommitment.history.model.tracked_fields:
        columns.append(qn(history.get_field(field.name).column))
        values.append("%s" if field.name == "status" else f"{qn(source.db_table)}.{qn(field.column)}")
    for name in ("history_date", "history_change_reason", "history_type"):
        columns.append(qn(history.get_field(name).column))
        values.append("%s")
    columns.append(qn(history.get_field("history_user").column))
    values.append("NULL")
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    return (
        f"INSERT INTO {qn(history.db_table)} ({', '.join(columns)}) "
        f"SELECT {', '.join(values)} FROM {qn(source.db_table)} "
        f"WHERE {qn(source.db_table)}.{qn(source.get_field('status').column)} = %s "
        f"AND {qn(source.db_table)}.{qn(source.get_field('promised_clear_date').column)} < %s{lock}"
    )


def loan_commitments_mark_overdue(*, as_of: date, dry_run: bool = False) -> int:
    """Mark every pending commitment promised before `as_of` overdue; return how many (or would be, with `dry_run`).

    Set-based whatever the row count: one INSERT … SELECT for the audit rows (django-simple-history does
    not see `QuerySet.update()`), then one conditional UPDATE, in one transaction. The `status = pending`
    condition is the claim, so a second or overlapping run marks nothing again and ends in the same state.
    """
    due = LoanCommitment.objects.filter(status=LoanStatus.PENDING, promised_clear_date__lt=as_of)
    if dry_run:
        return due.count()
    connection = connections[router.db_for_write(LoanCommitment)]
    now = timezone.now()
    with transaction.atomic(using=connection.alias):
        with connection.cursor() as cursor:
            cursor.execute(
                _insert_overdue_history_sql(connection=connection),
                [
                    LoanStatus.OVERDUE.value,
                    connection.ops.adapt_datetimefield_value(now),
                    MARK_OVERDUE_CHANGE_REASON,
                    "~",
                    LoanStatus.PENDING.value,
                    connection.ops.adapt_datefield_value(as_of),
                ],
            )
        return due.using(connection.alias).update(status=LoanStatus.OVERDUE, updated_at=now)


class LeadService:
    """The booking → lead automation the contract names; the rules live in `leads.booking_leads`.

    Every new booking ends up on its customer's lead (same passport, else same contact number, in
    the booking's organization), converted, or on a new converted lead with `lead_source=booking`.
    """

    @staticmethod
    def auto_create_from_booking(booking):
        """Link `booking` to its customer's lead and convert it, or create a converted lead; idempotent.

        Returns a `BookingLeadResult` (lead, outcome `created`/`linked`/`unchanged`); raises on failure.
        """
        # Imported here because `leads.booking_leads` builds on this module's `lead_convert`.
        from leads.booking_leads import lead_for_booking

        return lead_for_booking(booking=booking)

    @classmethod
    def auto_create_from_booking_safely(cls, booking):
        """`auto_create_from_booking` that never raises: a failure is logged at ERROR on logger `leads`
        with the booking's id and reference (no customer data) and answers None."""
        try:
            return cls.auto_create_from_booking(booking)
        except Exception as exc:  # noqa: BLE001 - a lead problem must never break the booking
            from leads.booking_leads import log_failure

            log_failure(booking, exc)
            return None

    @classmethod
    def auto_create_from_booking_on_commit(cls, booking) -> None:
        """Run the automation for a new booking once the current transaction commits (at once when there
        is none); it never fails or rolls back the caller's transaction."""
        transaction.on_commit(lambda: cls.auto_create_from_booking_safely(booking), robust=True)
