"""Lead imports as background jobs: start, run (prepare, then chunk by chunk), revert.

The run is safe to start in several workers at once and to start again after a worker died:
* preparing (splitting the file into chunks) happens once, under a lock on the import row, and
  commits the chunks together with `status=running`, so a crash leaves the import `queued`;
* each chunk is claimed with `SELECT … FOR UPDATE SKIP LOCKED` plus a conditional UPDATE of its
  `is_done` flag, and its rows, their report lines and the import's counters commit together,
  so a chunk is either fully counted or still pending, never half;
* the import becomes `done` by one conditional UPDATE once no chunk is pending.
"""

import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone

from common.errors import StateConflict
from leads.models import FollowUpHistory, Lead, LoanCommitment
from leads.services.imports import RowAction, leads_import_rows
from transfers.files import file_format_of, iter_records, read_header
from transfers.models import ImportStatus, LeadImport, LeadImportChunk, LeadImportError, LeadImportRow

logger = logging.getLogger("leads.imports")

CHUNK_ROWS = 1000
MAX_ERROR_MESSAGE = 500


def lead_import_check_file(*, file_name: str, content: bytes, mode: str) -> str:
    """The file's format once its size and header suit `mode`; a ValidationError on `file` otherwise."""
    if not content:
        raise ValidationError({"file": ["The file is empty."]})
    if len(content) > settings.LEADS_IMPORT_MAX_BYTES:
        raise ValidationError({"file": [f"The file is larger than {settings.LEADS_IMPORT_MAX_BYTES} bytes."]})
    file_format = file_format_of(file_name, content)
    read_header(content, file_format, mode=mode)
    return file_format


def lead_import_start(*, user, branch, mode: str, dry_run: bool, file_name: str, content: bytes) -> LeadImport:
    """Check the file's header, store the file and queue its run (after this transaction commits)."""
    file_format = lead_import_check_file(file_name=file_name, content=content, mode=mode)
    with transaction.atomic():
        lead_import = LeadImport.objects.create(
            organization_id=branch.organization_id,
            branch=branch,
            created_by=user,
            file_name=file_name[:255],
            file_format=file_format,
            content=content,
            mode=mode,
            dry_run=dry_run,
        )
        lead_import_enqueue(lead_import=lead_import)
    return lead_import


def lead_import_enqueue(*, lead_import: LeadImport) -> None:
    """Queue the import's run once the current transaction commits (in-process without a broker)."""
    from transfers.tasks import run_lead_import

    import_id = lead_import.pk
    transaction.on_commit(lambda: run_lead_import.delay(import_id))


def lead_import_run(*, import_id: int) -> None:
    """Work the import until no chunk is left, then mark it done; an unexpected error marks it failed."""
    try:
        if not _prepare(import_id):
            return
        while _process_next_chunk(import_id):
            pass
        _finish(import_id)
    except Exception as exc:
        logger.exception("Import %s failed", import_id)
        LeadImport.objects.filter(pk=import_id, status__in=[ImportStatus.QUEUED, ImportStatus.RUNNING]).update(
            status=ImportStatus.FAILED,
            failure=f"Stopped by an internal error ({type(exc).__name__}); rows counted so far are written.",
            finished_at=timezone.now(),
        )


def _prepare(import_id: int) -> bool:
    """Split the file into chunks once; True while there is work (or waiting) to do."""
    with transaction.atomic():
        lead_import = LeadImport.objects.select_for_update().filter(pk=import_id).first()
        if lead_import is None:
            return False
        if lead_import.status != ImportStatus.QUEUED:
            return lead_import.status == ImportStatus.RUNNING
        content = bytes(lead_import.content)
        total, number, batch = 0, 0, []
        chunks = []
        try:
            for row_number, record in iter_records(content, lead_import.file_format, mode=lead_import.mode):
                batch.append([row_number, record])
                total += 1
                if len(batch) == CHUNK_ROWS:
                    chunks.append(LeadImportChunk(lead_import=lead_import, number=number, rows=batch))
                    number, batch = number + 1, []
                    if len(chunks) == 20:
                        LeadImportChunk.objects.bulk_create(chunks)
                        chunks = []
        except ValidationError as exc:
            lead_import.status = ImportStatus.FAILED
            lead_import.failure = "; ".join(exc.messages)[:MAX_ERROR_MESSAGE]
            lead_import.finished_at = timezone.now()
            lead_import.save(update_fields=["status", "failure", "finished_at"])
            return False
        if batch:
            chunks.append(LeadImportChunk(lead_import=lead_import, number=number, rows=batch))
        LeadImportChunk.objects.bulk_create(chunks)
        lead_import.total = total
        lead_import.status = ImportStatus.RUNNING
        lead_import.started_at = timezone.now()
        update_fields = ["total", "status", "started_at"]
        if not lead_import.dry_run:
            lead_import.content = b""  # the chunks hold the rows now; a dry run keeps it for its confirmation
            update_fields.append("content")
        lead_import.save(update_fields=update_fields)
    return True


def _process_next_chunk(import_id: int) -> bool:
    """Claim one pending chunk and write it with its report and counters; False when none is left."""
    with transaction.atomic():
        chunk = (
            LeadImportChunk.objects.select_for_update(skip_locked=True)
            .filter(lead_import_id=import_id, is_done=False)
            .order_by("number")
            .first()
        )
        if chunk is None:
            return False
        # The claim: on a database without row locks (SQLite) only one worker's UPDATE finds it pending.
        if not LeadImportChunk.objects.filter(pk=chunk.pk, is_done=False).update(is_done=True, rows=[]):
            return True
        lead_import = LeadImport.objects.select_related("branch", "created_by").get(pk=import_id)
        if lead_import.status != ImportStatus.RUNNING:
            transaction.set_rollback(True)
            return False
        rows = [(row_number, record) for row_number, record in chunk.rows]
        with transaction.atomic():
            outcomes = leads_import_rows(
                branch=lead_import.branch,
                mode=lead_import.mode,
                rows=rows,
                imported_by=lead_import.created_by,
                change_reason=f"Import #{lead_import.pk}",
            )
            if lead_import.dry_run:
                transaction.set_rollback(True)  # the report is kept, the leads are not
        _record(lead_import, chunk, outcomes)
    return True


def _record(lead_import: LeadImport, chunk: LeadImportChunk, outcomes) -> None:
    """The chunk's report lines, what revert needs, and the counters, in the chunk's transaction."""
    counts = {action: 0 for action in RowAction.values}
    errors, results, created_ids = [], [], []
    for outcome in outcomes:
        counts[outcome.action] += 1
        for field, message in outcome.errors:
            errors.append(
                LeadImportError(lead_import=lead_import, row=outcome.row, field=field, message=message[:MAX_ERROR_MESSAGE])
            )
        kept = outcome.action in (RowAction.CREATED, RowAction.UPDATED)
        if outcome.action == RowAction.CREATED and not outcome.hints and not lead_import.dry_run:
            created_ids.append(outcome.lead.pk)  # one id in the chunk's list instead of a row per lead
        elif kept and (not lead_import.dry_run or outcome.hints):
            results.append(
                LeadImportRow(
                    lead_import=lead_import,
                    row=outcome.row,
                    action=outcome.action,
                    lead_id=None if lead_import.dry_run else outcome.lead.pk,
                    previous=outcome.previous,
                    followup_id=None if lead_import.dry_run else outcome.followup_id,
                    lead_updated_at=None if lead_import.dry_run else outcome.lead.updated_at,
                    possible_duplicates=outcome.hints.possible_duplicates if outcome.hints else [],
                    known_at_branches=outcome.hints.known_at_branches if outcome.hints else [],
                )
            )
    LeadImportError.objects.bulk_create(errors)
    LeadImportRow.objects.bulk_create(results)
    if created_ids:
        LeadImportChunk.objects.filter(pk=chunk.pk).update(created_lead_ids=created_ids)
    LeadImport.objects.filter(pk=lead_import.pk).update(
        processed=F("processed") + len(outcomes),
        created=F("created") + counts[RowAction.CREATED],
        updated=F("updated") + counts[RowAction.UPDATED],
        skipped=F("skipped") + counts[RowAction.SKIPPED],
        failed=F("failed") + counts[RowAction.FAILED],
    )


def _finish(import_id: int) -> None:
    pending = LeadImportChunk.objects.filter(lead_import_id=OuterRef("pk"), is_done=False)
    LeadImport.objects.filter(pk=import_id, status=ImportStatus.RUNNING).filter(~Exists(pending)).update(
        status=ImportStatus.DONE, finished_at=timezone.now()
    )


def _batches(ids: list[int], size: int = 5000):
    """Ids in slices small enough for one statement's parameters (PostgreSQL allows 65,535)."""
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


@transaction.atomic
def lead_import_revert(*, lead_import: LeadImport, reverted_by=None) -> LeadImport:
    """Delete the leads the import created and restore the fields it updated.

    A conflict when the import is not a finished real run, was reverted already, or when any lead
    it created or updated has been worked on since (changed, followed up, given a commitment).
    """
    lead_import = LeadImport.objects.select_for_update().get(pk=lead_import.pk)
    if lead_import.dry_run:
        raise StateConflict("A dry run wrote nothing; there is nothing to revert.")
    if lead_import.reverted_at is not None:
        raise StateConflict("This import has been reverted already.")
    if lead_import.status != ImportStatus.DONE:
        raise StateConflict("Only a finished import can be reverted.")
    updates = list(lead_import.row_results.filter(action=RowAction.UPDATED, lead__isnull=False).order_by("row"))
    created_ids = list(
        lead_import.row_results.filter(action=RowAction.CREATED, lead__isnull=False).values_list("lead_id", flat=True)
    )
    for ids in lead_import.chunks.exclude(created_lead_ids=[]).values_list("created_lead_ids", flat=True):
        created_ids.extend(ids)
    leads = {}
    for ids in _batches([result.lead_id for result in updates]):
        leads.update((lead.pk, lead) for lead in Lead.objects.select_for_update().filter(pk__in=ids))
    own_followups = [result.followup_id for result in updates if result.followup_id]
    # Worked on since: changed after the import (an update keeps the `updated_at` it left), followed
    # up after it finished, or given a commitment.
    worked_on = {
        result.lead_id
        for result in updates
        if result.lead_id in leads and leads[result.lead_id].updated_at != result.lead_updated_at
    }
    after = lead_import.finished_at
    for ids in _batches(created_ids):
        worked_on |= set(Lead.objects.filter(pk__in=ids, updated_at__gt=after).values_list("pk", flat=True))
        worked_on |= set(LoanCommitment.objects.filter(lead_id__in=ids).values_list("lead_id", flat=True))
    for ids in _batches([*created_ids, *leads]):
        worked_on |= set(
            FollowUpHistory.objects.filter(lead_id__in=ids, created_at__gt=after).values_list("lead_id", flat=True)
        )
    if worked_on:
        shown = ", ".join(f"#{pk}" for pk in sorted(worked_on)[:20])
        raise StateConflict(
            f"Leads {shown}{' …' if len(worked_on) > 20 else ''} have been worked on since the import; "
            "change them by hand instead."
        )
    FollowUpHistory.objects.filter(pk__in=own_followups).delete()
    reason = f"Revert of import #{lead_import.pk}"
    for result in updates:
        lead = leads.get(result.lead_id)
        if lead is None:
            continue
        for name, old in result.previous.items():
            setattr(lead, name, Lead._meta.get_field(name).to_python(old))
        lead._change_reason = reason
        lead._history_user = reverted_by
        lead.save()
    for ids in _batches(created_ids):
        Lead.objects.filter(pk__in=ids).delete()
    lead_import.reverted_at = timezone.now()
    lead_import.reverted_by = reverted_by
    lead_import.save(update_fields=["reverted_at", "reverted_by"])
    return lead_import


def lead_import_confirm(*, dry_run: LeadImport, user) -> LeadImport:
    """The real run of a previewed (dry-run) import: same file, branch and mode."""
    if not dry_run.dry_run:
        raise StateConflict("Only a dry run can be confirmed.")
    if dry_run.status != ImportStatus.DONE:
        raise StateConflict("Wait for the preview to finish.")
    return lead_import_start(
        user=user,
        branch=dry_run.branch,
        mode=dry_run.mode,
        dry_run=False,
        file_name=dry_run.file_name,
        content=bytes(dry_run.content),
    )
