"""Streaming exports of leads: CSV row by row, XLSX through a temporary file, both in bounded memory.

Rows come from the database in chunks (`iterator(chunk_size=…)`, a server-side cursor on
PostgreSQL) as plain tuples, never as model instances. Passport and CNIC are masked to their last
four characters unless the caller is staff or an admin of the lead's organization.
"""

import csv
import tempfile

from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.utils import timezone

from leads.models import (
    FINAL_LEAD_STATUSES,
    LOST_REASON_OTHER,
    SEEDED_LOST_REASONS,
    LeadSource,
    LeadStatus,
    sla_breached_values,
)
from transfers.models import FileFormat, LeadExport
from transfers.selectors import organizations_seen_whole

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FETCH_CHUNK = 2000
# (column in the file, value read from the database)
_COLUMNS = (
    ("id", "id"),
    ("customer_name", "customer_name"),
    ("contact_number", "contact_number"),
    ("passport_number", "passport_number"),
    ("cnic", "cnic"),
    ("area", "area"),
    ("branch", "branch_id"),
    ("branch_name", "branch__name"),
    ("branch_code", "branch__code"),
    ("organization", "organization_id"),
    ("lead_source", "lead_source"),
    ("lead_status", "lead_status"),
    ("is_open", None),
    ("lost_reason_code", "lost_reason_category__code"),
    ("next_followup_date", "next_followup_date"),
    ("last_contacted_at", "last_contacted_at"),
    ("assigned_to", "assigned_to_id"),
    ("assigned_to_username", "assigned_to__username"),
    ("booking", "booking_id"),
    ("outstanding_amount", "outstanding_amount"),
    ("overdue_amount", "overdue_amount"),
    ("next_promise_date", "next_promise_date"),
    ("first_contact_due_at", "first_contact_due_at"),
    ("sla_breached", None),
    ("created_at", "created_at"),
    ("updated_at", "updated_at"),
)
HEADER = [name for name, _source in _COLUMNS]
# `labels=readable`: titles a person reads, one per column. The import's columns keep titles that
# `column_key` maps back to their field (case, spaces, underscores and hyphens ignored), so the
# readable file's lead columns re-import.
READABLE_TITLES = {
    "id": "ID",
    "customer_name": "Customer name",
    "contact_number": "Contact number",
    "passport_number": "Passport number",
    "cnic": "CNIC",
    "area": "Area",
    "branch": "Branch ID",
    "branch_name": "Branch name",
    "branch_code": "Branch code",
    "organization": "Organization ID",
    "lead_source": "Lead source",
    "lead_status": "Lead status",
    "is_open": "Open",
    "lost_reason_code": "Lost reason",
    "next_followup_date": "Next follow-up date",
    "last_contacted_at": "Last contacted at",
    "assigned_to": "Assigned to ID",
    "assigned_to_username": "Assigned to",
    "booking": "Booking ID",
    "outstanding_amount": "Outstanding amount",
    "overdue_amount": "Overdue amount",
    "next_promise_date": "Next promise date",
    "first_contact_due_at": "First contact due at",
    "sla_breached": "SLA breached",
    "created_at": "Created at",
    "updated_at": "Updated at",
}
READABLE_HEADER = [READABLE_TITLES[name] for name in HEADER]
LABELS_READABLE = "readable"
_CHOICE_LABELS = {"lead_source": LeadSource, "lead_status": LeadStatus}
_SOURCES = [source for _name, source in _COLUMNS if source]
_LOST_REASON_LABEL = "lost_reason_category__label"  # fetched after the columns, read for readable files only
_SLA_INPUTS = ("first_contacted_at", "converted_at", "lost_at")  # fetched last: what `sla_breached` is judged on
_MASKED = ("passport_number", "cnic")
# Text a spreadsheet would run as a formula; phone numbers (+92…) are written by us, never free text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_FREE_TEXT = ("customer_name", "area", "assigned_to_username", "branch_name")


class _Text(str):
    """Free text that would run as a formula, to be written as text (see `_neutralised`)."""


def _neutralised(value, *, for_csv: bool):
    """The one rule both writers follow for free text a spreadsheet would run as a formula (it starts
    with `=`, `+`, `-`, `@`, a tab or a carriage return): CSV has no cell types, so the text gets
    the `'` prefix spreadsheets read as "text follows" (OWASP's advice); an XLSX cell has a type, so
    it is written as a string cell holding the text unchanged, which a spreadsheet shows as typed
    and never evaluates."""
    if not (isinstance(value, str) and value.startswith(_FORMULA_START)):
        return value
    return "'" + value if for_csv else _Text(value)


def mask(value: str) -> str:
    """`AB1234567` → `*****4567`: only the last 4 characters stay."""
    return "*" * max(len(value) - 4, 0) + value[-4:] if value else value


def _records(leads: QuerySet, *, whole_orgs, for_csv: bool, readable: bool = False):
    rows = leads.values_list(*_SOURCES, _LOST_REASON_LABEL, *_SLA_INPUTS).iterator(chunk_size=FETCH_CHUNK)
    positions = {source: index for index, source in enumerate(_SOURCES)}
    organization_at, status_at = positions["organization_id"], positions["lead_status"]
    due_at = positions["first_contact_due_at"]
    now = timezone.now()
    code_at = positions["lost_reason_category__code"]
    masked_at = [positions[name] for name in _MASKED]
    text_at = [index for index, (name, _s) in enumerate([c for c in _COLUMNS if c[1]]) if name in _FREE_TEXT]
    choice_at = {positions[name]: choices for name, choices in _CHOICE_LABELS.items()}
    for row in rows:
        row = list(row)
        first_contacted_at, converted_at, lost_at = (row.pop(), row.pop(), row.pop())[::-1]
        reason_label = row.pop()
        breached = sla_breached_values(due=row[due_at], first_contacted_at=first_contacted_at,
                                       converted_at=converted_at, lost_at=lost_at, now=now)
        lost = row[status_at] == LeadStatus.LOST
        is_open = row[status_at] not in FINAL_LEAD_STATUSES
        # As the list shows it (Lead.lost_reason_code): none while not lost, `other` without a category.
        row[code_at] = (row[code_at] or LOST_REASON_OTHER) if lost else None
        if readable:
            if lost:
                row[code_at] = reason_label or SEEDED_LOST_REASONS[LOST_REASON_OTHER]
            for index, choices in choice_at.items():
                if row[index] in choices.values:
                    row[index] = str(choices(row[index]).label)
        if whole_orgs is not None and row[organization_at] not in whole_orgs:
            for index in masked_at:
                row[index] = mask(row[index])
        for index, value in enumerate(row):
            if hasattr(value, "tzinfo") and value.tzinfo is not None:
                row[index] = timezone.localtime(value).isoformat() if for_csv else timezone.localtime(value).replace(tzinfo=None)
        for index in text_at:
            row[index] = _neutralised(row[index], for_csv=for_csv)
        row.insert(HEADER.index("is_open"), ("Yes" if is_open else "No") if readable else is_open)
        row.insert(HEADER.index("sla_breached"), ("Yes" if breached else "No") if readable else breached)
        yield row


class _Echo:
    def write(self, value):
        return value


def _finish(record: LeadExport, count: int) -> None:
    LeadExport.objects.filter(pk=record.pk).update(row_count=count, finished_at=timezone.now())


def _csv_stream(leads, record, whole_orgs, readable):
    writer = csv.writer(_Echo())
    count = 0
    try:
        yield "\ufeff" + writer.writerow(READABLE_HEADER if readable else HEADER)  # the BOM makes Excel read UTF-8
        batch = []
        for row in _records(leads, whole_orgs=whole_orgs, for_csv=True, readable=readable):
            batch.append(writer.writerow(row))
            count += 1
            if len(batch) == 500:
                yield "".join(batch)
                batch = []
        if batch:
            yield "".join(batch)
    finally:
        _finish(record, count)


def _xlsx_cell(value):
    """A value a spreadsheet can hold: control characters (which XML 1.0 cannot carry, and a lead's
    text may contain) become U+FFFD, so the file is written whole and shows where they were."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE.sub("\ufffd", value) if isinstance(value, str) else value


def _xlsx_text_cell(sheet, value: str):
    """A string cell whatever the text looks like (openpyxl makes `=…` a formula cell otherwise)."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, _xlsx_cell(str(value)))
    cell.data_type = "s"
    return cell


def _xlsx_stream(leads, record, whole_orgs, readable):
    from openpyxl import Workbook

    count = 0
    with tempfile.TemporaryFile(suffix=".xlsx") as handle:
        try:
            workbook = Workbook(write_only=True)
            sheet = workbook.create_sheet("Leads")
            sheet.append(READABLE_HEADER if readable else HEADER)
            for row in _records(leads, whole_orgs=whole_orgs, for_csv=False, readable=readable):
                sheet.append([_xlsx_text_cell(sheet, value) if isinstance(value, _Text) else _xlsx_cell(value) for value in row])
                count += 1
            workbook.save(handle)
        finally:
            _finish(record, count)
        handle.seek(0)
        while block := handle.read(64 * 1024):
            yield block


def export_response(
    *, user, leads: QuerySet, file_format: str, filters: dict, labels: str = ""
) -> StreamingHttpResponse:
    """The leads as a streamed file download, with its audit record written first. `labels="readable"`
    writes readable column titles (READABLE_TITLES), the labels of lead status and source, the lost
    reason's catalogue label and Yes/No; by default the API's field names and values."""
    readable = labels == LABELS_READABLE
    whole_orgs = organizations_seen_whole(user=user)
    record = LeadExport.objects.create(
        user=user, file_format=file_format, filters=filters, masked=whole_orgs is not None
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if file_format == FileFormat.XLSX:
        response = StreamingHttpResponse(_xlsx_stream(leads, record, whole_orgs, readable), content_type=XLSX_MEDIA_TYPE)
    else:
        response = StreamingHttpResponse(_csv_stream(leads, record, whole_orgs, readable), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="leads-{stamp}.{file_format}"'
    response["X-Export-Id"] = str(record.pk)
    return response
