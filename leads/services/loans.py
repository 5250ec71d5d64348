"""Loan commitment writes: promises, their changes, clearing and cancelling, and the nightly overdue mark."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connections, router, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from booking.rules import check_positive_amount
from common.errors import StateConflict
from leads.models import Lead, LoanCommitment, LoanStatus
from leads.services.attribution import attribute_history
from leads.services.rules import check_booking_fits_lead, check_not_in_past, lock_commitment, lock_reference


def _status_for_promise(promised_clear_date: date) -> str:
    return LoanStatus.OVERDUE if promised_clear_date < timezone.localdate() else LoanStatus.PENDING


def refresh_next_promise_date(*lead_ids: int) -> None:
    """Set each lead's `next_promise_date` to its earliest open promise's date (None: no open commitment).

    The one writer of the column (one UPDATE with a correlated subquery): every service that adds,
    changes, closes, reschedules or moves commitments calls it for the leads it touched, inside its
    transaction (the leads are locked until it ends).
    """
    ids = {lead_id for lead_id in lead_ids if lead_id is not None}
    if not ids:
        return
    earliest = (
        LoanCommitment.objects.unscoped()
        .open()
        .filter(lead_id=OuterRef("pk"))
        .order_by("promised_clear_date")
        .values("promised_clear_date")[:1]
    )
    leads = Lead.objects.unscoped().filter(pk__in=sorted(ids))
    # The leads locked first, so the UPDATE's subquery (a statement of its own) reads every commitment
    # change committed by a writer that refreshed the same lead before us.
    list(leads.select_for_update().order_by("pk").values_list("pk", flat=True))
    leads.update(next_promise_date=Subquery(earliest))


@transaction.atomic
def loan_commitment_create(
    *,
    lead: Lead,
    amount: Decimal,
    promised_clear_date: date,
    booking=None,
    remarks: str = "",
    actor=None,
) -> LoanCommitment:
    """Record a customer's promise to clear `amount` by `promised_clear_date` on a lead in `actor`'s scope.

    It starts `pending`, or `overdue` at once when that day has passed; clearing and cancelling have their
    own services. The lead is locked through the caller's scope first (a 400 on `lead` when outside it).
    """
    check_positive_amount(amount)
    lead = lock_reference(Lead, pk=lead.pk, actor=actor, field="lead")
    check_booking_fits_lead(booking=booking, lead=lead, actor=actor)
    commitment = LoanCommitment(
        lead=lead,
        booking=booking,
        amount=amount,
        promised_clear_date=promised_clear_date,
        status=_status_for_promise(promised_clear_date),
        remarks=remarks,
        created_by=actor,
    )
    attribute_history(commitment, actor)
    commitment.save()
    refresh_next_promise_date(lead.pk)
    return commitment


LOAN_EDITABLE_FIELDS = ("amount", "promised_clear_date", "booking", "remarks")


@transaction.atomic
def loan_commitment_update(*, commitment: LoanCommitment, actor=None, **changes) -> LoanCommitment:
    """Change an open commitment's amount, date, booking or remarks; a new date re-judges pending/overdue.

    Locked through `actor`'s scope first (404 when outside it); its status never changes here, and its
    lead never does (`lead` may be given, naming the same lead).
    """
    lead = changes.pop("lead", None)
    unknown = set(changes) - set(LOAN_EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({name: ["This field cannot be changed here."] for name in sorted(unknown)})
    commitment = lock_commitment(pk=commitment.pk, actor=actor)
    if lead is not None and lead.pk != commitment.lead_id:
        raise ValidationError({"lead": ["A commitment cannot move to another lead."]})
    if not commitment.is_open:
        raise StateConflict(f"A {commitment.status} commitment cannot be changed.")
    if "amount" in changes:
        check_positive_amount(changes["amount"])
        if changes["amount"] < commitment.paid_amount:
            raise ValidationError(
                {"amount": [f"The amount cannot be less than what is already paid ({commitment.paid_amount})."]}
            )
    if "booking" in changes:
        check_booking_fits_lead(booking=changes["booking"], lead=commitment.lead, actor=actor)
    for name, value in changes.items():
        setattr(commitment, name, value)
    if "promised_clear_date" in changes:
        commitment.status = _status_for_promise(commitment.promised_clear_date)
    attribute_history(commitment, actor)
    commitment.save()
    refresh_next_promise_date(commitment.lead_id)
    return commitment


def _close_commitment(*, commitment: LoanCommitment, status: str, actor=None) -> LoanCommitment:
    commitment = lock_commitment(pk=commitment.pk, actor=actor)
    if commitment.status == status:
        return commitment
    if not commitment.is_open:
        raise StateConflict(f"A {commitment.status} commitment cannot be {status}.")
    commitment.status = status
    update_fields = ["status", "updated_at"]
    if status == LoanStatus.CLEARED:
        commitment.cleared_at = timezone.now()
        update_fields.append("cleared_at")
    attribute_history(commitment, actor)
    commitment.save(update_fields=update_fields)
    refresh_next_promise_date(commitment.lead_id)
    return commitment


@transaction.atomic
def loan_commitment_clear(*, commitment: LoanCommitment, actor=None) -> LoanCommitment:
    """Mark an open commitment cleared (paid); clearing twice is a no-op, clearing a cancelled one a conflict."""
    return _close_commitment(commitment=commitment, status=LoanStatus.CLEARED, actor=actor)


@transaction.atomic
def loan_commitment_cancel(*, commitment: LoanCommitment, actor=None) -> LoanCommitment:
    """Cancel an open commitment; cancelling twice is a no-op, cancelling a cleared one a conflict."""
    return _close_commitment(commitment=commitment, status=LoanStatus.CANCELLED, actor=actor)


RESCHEDULE_CHANGE_REASON = "reschedule"


@transaction.atomic
def loan_commitment_reschedule(
    *,
    commitment: LoanCommitment,
    promised_clear_date: date,
    amount: Decimal | None = None,
    actor=None,
) -> LoanCommitment:
    """Replace an open promise with a new one: the old becomes `rescheduled` (final), the new one is returned.

    The new commitment is for `amount` (default: the old one's balance), promised by
    `promised_clear_date` (today or later), on the same lead and booking, with `rescheduled_from`
    pointing back, so the chain of promises stays visible. A closed commitment is a 409.
    """
    check_not_in_past(promised_clear_date, field="promised_clear_date")
    if amount is not None:
        check_positive_amount(amount)
    commitment = lock_commitment(pk=commitment.pk, actor=actor)
    if not commitment.is_open:
        raise StateConflict(f"A {commitment.status} commitment cannot be rescheduled.")
    commitment.status = LoanStatus.RESCHEDULED
    attribute_history(commitment, actor)
    commitment._change_reason = RESCHEDULE_CHANGE_REASON
    commitment.save(update_fields=["status", "updated_at"])
    successor = LoanCommitment(
        lead_id=commitment.lead_id,
        branch_id=commitment.branch_id,
        booking_id=commitment.booking_id,
        amount=commitment.balance if amount is None else amount,
        promised_clear_date=promised_clear_date,
        status=LoanStatus.PENDING,
        remarks=commitment.remarks,
        rescheduled_from=commitment,
        created_by=actor,
    )
    attribute_history(successor, actor)
    successor._change_reason = RESCHEDULE_CHANGE_REASON
    successor.save()
    refresh_next_promise_date(commitment.lead_id)
    return successor


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
