"""The audit trail of a lead: who changed it, its follow-ups, loan commitments and payments, when, and what.

django-simple-history writes one historical row per save (API, admin, services and commands
alike; set-based jobs write theirs explicitly). `lead_history_entries` merges the three
history tables into one newest-first queryset of small rows that a paginator can slice;
`history_changes` then loads a page's full records and their predecessors in a fixed number
of queries (two per model, whatever the page size) and computes each record's field changes.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.db.models import CharField, F, OuterRef, QuerySet, Subquery, Value

from leads.models import FollowUpHistory, Lead, LoanCommitment, LoanPayment


class AuditedModel:
    LEAD = "lead"
    FOLLOWUP = "followup"
    LOAN_COMMITMENT = "loan_commitment"
    LOAN_PAYMENT = "loan_payment"


# model label → (history manager's model, the filter that ties its rows to one lead)
_HISTORIES = {
    AuditedModel.LEAD: (Lead.history.model, "id"),
    AuditedModel.FOLLOWUP: (FollowUpHistory.history.model, "lead_id"),
    AuditedModel.LOAN_COMMITMENT: (LoanCommitment.history.model, "lead_id"),
    # A payment reaches its lead through its commitment (a join on the commitment's primary key).
    AuditedModel.LOAN_PAYMENT: (LoanPayment.history.model, "commitment__lead_id"),
}
HISTORY_TYPES = {"+": "created", "~": "changed", "-": "deleted"}
_ENTRY_COLUMNS = ("history_id", "history_date", "model", "object_id")


def lead_history_entries(*, lead: Lead) -> QuerySet:
    """Every history row of `lead`, its follow-ups and its loan commitments, newest first.

    Rows are dicts with `history_id`, `history_date`, `model` and `object_id`; pass a page of
    them to `history_changes` for the full entries.
    """
    parts = []
    for label, (history_model, lead_field) in _HISTORIES.items():
        parts.append(
            history_model.objects.filter(**{lead_field: lead.pk})
            .annotate(model=Value(label, output_field=CharField()), object_id=F("id"))
            .values_list(*_ENTRY_COLUMNS)
            .order_by()
        )
    first, *rest = parts
    # values_list + union keeps this one SQL statement; the paginator adds LIMIT/OFFSET and a COUNT.
    return first.union(*rest, all=True).order_by("-history_date", "-history_id")


@dataclass
class HistoryEntry:
    model: str
    object_id: int
    history_id: int
    history_date: datetime
    history_type: str
    history_user: object | None
    history_change_reason: str | None
    changes: list[dict] = field(default_factory=list)


def _json_value(value):
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _field_changes(record, previous) -> list[dict]:
    changes = []
    for tracked in record.tracked_fields:
        new = getattr(record, tracked.attname)
        old = getattr(previous, tracked.attname) if previous is not None else None
        if previous is None and new in (None, ""):
            continue  # a creation lists the values it set, not every empty field
        if previous is None or old != new:
            changes.append({"field": tracked.name, "old": _json_value(old), "new": _json_value(new)})
    return changes


def history_changes(rows) -> list[HistoryEntry]:
    """Full entries for a page of `lead_history_entries` rows, in the same order, with field changes.

    Queries: per model on the page, one for the records (with their user and the id of the
    record before each) and one for those previous records.
    """
    ids_by_model = defaultdict(list)
    for history_id, _date, label, _object_id in rows:
        ids_by_model[label].append(history_id)
    records = {}
    for label, history_ids in ids_by_model.items():
        history_model, _ = _HISTORIES[label]
        previous_id = (
            history_model.objects.filter(id=OuterRef("id"), history_id__lt=OuterRef("history_id"))
            .order_by("-history_id")
            .values("history_id")[:1]
        )
        page_records = list(
            history_model.objects.filter(history_id__in=history_ids)
            .select_related("history_user")
            .annotate(previous_history_id=Subquery(previous_id))
        )
        previous_ids = [r.previous_history_id for r in page_records if r.previous_history_id]
        previous = {p.history_id: p for p in history_model.objects.filter(history_id__in=previous_ids)}
        for record in page_records:
            records[label, record.history_id] = (record, previous.get(record.previous_history_id))
    entries = []
    for history_id, _date, label, object_id in rows:
        record, previous = records[label, history_id]
        entries.append(
            HistoryEntry(
                model=label,
                object_id=object_id,
                history_id=history_id,
                history_date=record.history_date,
                history_type=HISTORY_TYPES.get(record.history_type, record.history_type),
                history_user=record.history_user,
                history_change_reason=record.history_change_reason,
                changes=[] if record.history_type == "-" else _field_changes(record, previous),
            )
        )
    return entries
