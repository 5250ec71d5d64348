"""Lead imports as background jobs: start, run (prepare, then chunk by chunk), revert.

The run is safe to start in several workers at once and to start again after a worker died:
* preparing (splitting the file into chunks) happens once, under a lock on the import row, and
  commits the chunks together with `status=running`, so a crash leaves the import `queued`;
* each chunk is claimed with `SELECT … FOR UPDATE SKIP LOCKED` plus a conditional UPDATE of its
  `is_done` flag, and its rows, their report lines and the import's counters commit together,
  so a chunk is either fully counted or still pending, never half;
* the import becomes `done` by one conditional UPDATE once no chunk is pending.

Where the run happens: on a Celery worker through the broker (with a time limit: a run cut by it
is queued again, or failed once it has made no progress too often), else on a thread of this
process (`transfers.background`), never inside the web request. `lead_imports_resume` (the
`resume_imports` cron command) takes up imports left queued or running by a process that died,
and `lead_imports_purge` (`purge_imports`) drops old uploads.

Chunks of one organization are written one at a time (a transaction-level lock per organization),
so two imports of the same file at once match each other's leads instead of creating them twice.
"""

import hashlib
import logging
from datetime import timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Exists, F, Max, OuterRef, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from common.errors import OutOfScope, ServiceUnavailable, StateConflict
from leads.models import FollowUpHistory, Lead, LoanCommitment
from organizations.scoping import check_branch_in_scope
from organizations.models import user_sees_everything, visible_branch_ids
from transfers.files import file_format_of, iter_records, read_header
from transfers.models import ImportStatus, LeadImport, LeadImportChunk, LeadImportError, LeadImportRow
from transfers.rows import leads_import_rows
from transfers.vocabulary import RowAction

logger = logging.getLogger("leads.imports")

CHUNK_ROWS = 1000
MAX_ERROR_MESSAGE = 500
UNFINISHED = (ImportStatus.QUEUED, ImportStatus.RUNNING)
# Publishing a run to the broker: a few quick tries, then the upload answers 503.
PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5, "interval_max": 1}
QUEUE_RETRY_AFTER = 30


def lead_import_check_file(*, file_name: str, content: bytes, mode: str) -> str:
    """The file's format once its size and header suit `mode`; a ValidationError on `file` otherwise."""
    if not content:
        raise ValidationError({"file": ["The file is empty."]})
    if len(content) > settings.LEADS_IMPORT_MAX_BYTES:
        raise ValidationError({"file": [f"The file is larger than {settings.LEADS_IMPORT_MAX_BYTES} bytes."]})
    file_format = file_format_of(file_name, content)
    read_header(content, file_format, mode=mode)
    return file_format


def lead_import_start(*, actor, branch, mode: str, dry_run: bool, file_name: str, content: bytes) -> LeadImport:
    """Check the file's header, store the file and queue its run (after this transaction commits).

    `branch` must be one of `actor`'s (a ValidationError on `branch` otherwise; `actor=None`, a system
    job, may name any): the rows are then written as `actor`, through the same scope.
    """
    check_branch_in_scope(actor=actor, branch=branch)
    file_format = lead_import_check_file(file_name=file_name, content=content, mode=mode)
    with transaction.atomic():
        lead_import = LeadImport.objects.create(
            organization_id=branch.organization_id,
            branch=branch,
            created_by=actor,
            file_name=file_name[:255],
            file_format=file_format,
            content=content,
            mode=mode,
            dry_run=dry_run,
            progress_at=timezone.now(),
        )
        lead_import_enqueue(lead_import=lead_import)
    return lead_import


def lead_import_enqueue(*, lead_import: LeadImport) -> None:
    """Hand the import's run over once the current transaction commits: to the broker, else to a
    thread of this process. A broker that does not answer fails the import (nothing is left queued
    forever) and raises ServiceUnavailable (a 503 with Retry-After: upload again)."""
    import_id = lead_import.pk
    transaction.on_commit(lambda: _dispatch_or_fail(import_id))


def _dispatch_or_fail(import_id: int) -> None:
    try:
        _dispatch(import_id)
    except BrokerError as exc:
        logger.error("Import %s not queued: the broker does not answer (%s)", import_id, type(exc).__name__)
        LeadImport.objects.filter(pk=import_id, status=ImportStatus.QUEUED).update(
            status=ImportStatus.FAILED,
            failure="Not started: the job queue did not answer. Upload the file again.",
            finished_at=timezone.now(),
            content=b"",
        )
        raise ServiceUnavailable(
            "The job queue does not answer; the import was not started. Try again shortly.",
            retry_after=QUEUE_RETRY_AFTER,
        ) from exc


def _dispatch(import_id: int, *, in_this_thread: bool = False) -> None:
    """Send the run to the broker; without one, run it on the in-process pool (or here, for a command)."""
    from transfers.background import run_in_background
    from transfers.tasks import run_lead_import

    if not run_lead_import.app.conf.task_always_eager:
        run_lead_import.apply_async((import_id,), retry=True, retry_policy=PUBLISH_RETRY_POLICY)
    elif in_this_thread:
        lead_import_run(import_id=import_id)
    else:
        run_in_background(_run_in_background, import_id)


def _run_in_background(import_id: int) -> None:
    lead_import_run(import_id=import_id)


def lead_import_run(*, import_id: int) -> None:
    """Work the import until no chunk is left, then mark it done; an unexpected error marks it failed.

    Cut by the Celery time limit, the chunk being written rolls back and the import is queued again
    (or failed, after `LEADS_IMPORT_MAX_ATTEMPTS` cuts without progress).
    """
    try:
        if not _prepare(import_id):
            return
        while _process_next_chunk(import_id):
            pass
        _finish(import_id)
    except SoftTimeLimitExceeded:
        logger.warning("Import %s stopped by its time limit; it resumes from its next chunk", import_id)
        _retry_or_fail(import_id, why="ran past its time limit")
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
        lead_import.started_at = lead_import.progress_at = timezone.now()
        update_fields = ["total", "status", "started_at", "progress_at"]
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
        if not lead_import.dry_run:
            _lock_organization_imports(lead_import.organization_id)
        with transaction.atomic():
            outcomes = leads_import_rows(
                branch=lead_import.branch,
                mode=lead_import.mode,
                rows=rows,
                actor=lead_import.created_by,
                change_reason=f"Import #{lead_import.pk}",
            )
            if lead_import.dry_run:
                transaction.set_rollback(True)  # the report is kept, the leads are not
        _record(lead_import, chunk, outcomes)
    return True


def _lock_organization_imports(organization_id: int) -> None:
    """Until this transaction ends, no other import writes leads of the organization (PostgreSQL).

    Rows are matched against the leads committed before the chunk starts; without this, two imports
    of the same file at once both find no lead for a phone-only row and both create one. SQLite
    needs nothing: its transactions start IMMEDIATE, so writers already take turns.
    """
    if connection.vendor != "postgresql":
        return
    digest = hashlib.blake2b(f"lead-import:{organization_id}".encode(), digest_size=8).digest()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [int.from_bytes(digest, "big", signed=True)])


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
    now = timezone.now()
    LeadImportChunk.objects.filter(pk=chunk.pk).update(created_lead_ids=created_ids, written_at=now)
    LeadImport.objects.filter(pk=lead_import.pk).update(
        progress_at=now,
        attempts=0,  # progress: the count of resumes without progress starts again
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


def _retry_or_fail(import_id: int, *, why: str) -> None:
    """Count a run stopped without finishing; queue it again, or fail it after too many tries without progress."""
    with transaction.atomic():
        lead_import = LeadImport.objects.select_for_update().filter(pk=import_id, status__in=UNFINISHED).first()
        if lead_import is None:
            return
        lead_import.attempts += 1
        lead_import.progress_at = timezone.now()
        lead_import.save(update_fields=["attempts", "progress_at"])
        if lead_import.attempts >= settings.LEADS_IMPORT_MAX_ATTEMPTS:
            _fail(
                import_id,
                f"Stopped: it {why} {lead_import.attempts} times without progress; rows counted so far are written.",
            )
            return
        transaction.on_commit(lambda: _dispatch(import_id))


def _fail(import_id: int, failure: str) -> bool:
    return bool(
        LeadImport.objects.filter(pk=import_id, status__in=UNFINISHED).update(
            status=ImportStatus.FAILED, failure=failure[:MAX_ERROR_MESSAGE], finished_at=timezone.now()
        )
    )


def lead_imports_resume(*, stale_minutes: int | None = None, max_attempts: int | None = None, dry_run: bool = False):
    """Take up imports queued or running with no progress for `stale_minutes` (their process died).

    Each is claimed with one conditional UPDATE of its `progress_at` (the value read), so overlapping
    runs of the command never take the same import twice; it is then failed when it has been taken
    up `max_attempts` times without progress, else run again from its next pending chunk: through
    the broker, or, without one, right here (the cron process). Returns ([resumed ids], [failed ids]).
    """
    stale_minutes = settings.LEADS_IMPORT_STALE_MINUTES if stale_minutes is None else stale_minutes
    max_attempts = settings.LEADS_IMPORT_MAX_ATTEMPTS if max_attempts is None else max_attempts
    cutoff = timezone.now() - timedelta(minutes=stale_minutes)
    stale = (
        LeadImport.objects.unscoped()
        .filter(status__in=UNFINISHED)
        .filter(Q(progress_at__lt=cutoff) | Q(progress_at__isnull=True, created_at__lt=cutoff))
        .order_by("pk")
        .values_list("pk", "progress_at", "attempts")
    )
    resumed, failed = [], []
    for import_id, progress_at, attempts in list(stale):
        if dry_run:
            (failed if attempts + 1 >= max_attempts else resumed).append(import_id)
            continue
        claim = LeadImport.objects.filter(pk=import_id, status__in=UNFINISHED, attempts=attempts)
        claim = claim.filter(progress_at=progress_at) if progress_at else claim.filter(progress_at__isnull=True)
        if not claim.update(progress_at=timezone.now(), attempts=F("attempts") + 1):
            continue  # another run of the command (or the import itself) moved first
        if attempts + 1 >= max_attempts:
            why = f"Stopped: taken up {attempts + 1} times without progress; rows counted so far are written."
            if _fail(import_id, why):
                failed.append(import_id)
            continue
        try:
            _dispatch(import_id, in_this_thread=True)
        except BrokerError:
            logger.error("Import %s not resumed: the broker does not answer; the next run tries again", import_id)
            continue
        resumed.append(import_id)
    return resumed, failed


def lead_imports_purge(*, retention_days: int | None = None, dry_run: bool = False) -> dict[str, int]:
    """Drop what old imports no longer need (older than `retention_days`, by when they finished).

    Dry runs and failed imports are deleted with their reports (a failed import cannot be reverted;
    its leads' history still names it). Finished real imports keep their report and what revert
    needs (the created ids, the updated fields' old values); their stored file and any chunk rows
    left are dropped. Imports still queued or running are never touched (`resume_imports` owns them).
    Returns the counts: {"deleted": n, "emptied": n}.
    """
    retention_days = settings.LEADS_IMPORT_RETENTION_DAYS if retention_days is None else retention_days
    cutoff = timezone.now() - timedelta(days=retention_days)
    old = LeadImport.objects.unscoped().filter(
        Q(finished_at__lt=cutoff) | Q(finished_at__isnull=True, created_at__lt=cutoff),
        status__in=[ImportStatus.DONE, ImportStatus.FAILED],
    )
    doomed = old.filter(Q(dry_run=True) | Q(status=ImportStatus.FAILED))
    kept = old.exclude(pk__in=doomed.values("pk"))
    stored = kept.exclude(content=b"")
    chunk_rows = LeadImportChunk.objects.filter(lead_import__in=kept).exclude(rows=[])
    if dry_run:
        return {"deleted": doomed.count(), "emptied": stored.count()}
    with transaction.atomic():
        emptied = stored.update(content=b"")
        chunk_rows.update(rows=[])
        deleted = 0
        for ids in _batches(list(doomed.values_list("pk", flat=True))):
            LeadImportChunk.objects.filter(lead_import_id__in=ids).delete()
            LeadImportError.objects.filter(lead_import_id__in=ids).delete()
            LeadImportRow.objects.filter(lead_import_id__in=ids).delete()
            deleted += LeadImport.objects.filter(pk__in=ids).delete()[1].get(LeadImport._meta.label, 0)
    return {"deleted": deleted, "emptied": emptied}


def _batches(ids: list[int], size: int = 5000):
    """Ids in slices small enough for one statement's parameters (PostgreSQL allows 65,535)."""
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


# Every relation (with a database constraint) into the models revert deletes set-based, and how it
# deals with it: a new one makes `_delete_with_history` refuse instead of leaving dangling rows.
_HANDLED_RELATIONS = {
    (FollowUpHistory, "lead"),  # the created leads' follow-ups are deleted first
    (LoanCommitment, "lead"),  # a created lead with a commitment was worked on: revert refuses
    (LeadImportRow, "lead"),  # cleared first (SET NULL)
}


def _unhandled_relations(model) -> list:
    """Incoming relations (with a database constraint) revert does not deal with by name: those of apps
    above leads (messaging's `Message.lead`). Revert treats a created lead with rows there as worked on."""
    return [
        relation
        for relation in model._meta.get_fields(include_hidden=True)
        if relation.auto_created and not relation.concrete and (relation.one_to_many or relation.one_to_one)
        and relation.field.db_constraint and (relation.related_model, relation.field.name) not in _HANDLED_RELATIONS
    ]


@transaction.atomic
def lead_import_revert(*, lead_import: LeadImport, actor=None) -> LeadImport:
    """Delete the leads the import created and restore the fields it updated, in set-based statements.

    Through `actor`'s scope: an import that touched a lead outside it is not theirs to revert
    (OutOfScope, a 404), whoever uploaded it; `actor=None` is a system job. A conflict when the
    import is not a finished real run, was reverted already, or when a lead it wrote has been worked
    on since the import wrote it (changed, followed up, given a commitment, merged or deleted).
    """
    lead_import = LeadImport.objects.select_for_update().get(pk=lead_import.pk)
    if lead_import.dry_run:
        raise StateConflict("A dry run wrote nothing; there is nothing to revert.")
    if lead_import.reverted_at is not None:
        raise StateConflict("This import has been reverted already.")
    if lead_import.status != ImportStatus.DONE:
        raise StateConflict("Only a finished import can be reverted.")
    rows = lead_import.row_results.filter(action__in=[RowAction.CREATED, RowAction.UPDATED])
    # Created leads: the chunks' id lists (each with when its chunk wrote them), and the rows kept for a hint.
    written_at = {}
    for ids, at in lead_import.chunks.exclude(created_lead_ids=[]).values_list("created_lead_ids", "written_at"):
        written_at.update(dict.fromkeys(ids, at or lead_import.finished_at))
    kept_created = rows.filter(action=RowAction.CREATED, lead__isnull=False).values_list("lead_id", flat=True)
    created_ids = [*written_at, *kept_created]
    updated_ids = list(rows.filter(action=RowAction.UPDATED, lead__isnull=False).values_list("lead_id", flat=True))

    if actor is not None and not user_sees_everything(actor):
        visible = visible_branch_ids(actor)
        for ids in _batches([*created_ids, *updated_ids]):
            if Lead.objects.filter(pk__in=ids).exclude(branch_id__in=visible).exists():
                raise OutOfScope("This import wrote leads outside your branches.")

    worked_on, gone = set(), []
    if rows.filter(lead__isnull=True).exists():
        gone.append("a lead it wrote")  # merged away or deleted: the row's link was cleared
    # Leads it updated, and created leads kept with a hint: their `updated_at` is what the import left.
    changed = rows.filter(lead__isnull=False).exclude(lead__updated_at=F("lead_updated_at"))
    worked_on |= set(changed.values_list("lead_id", flat=True))
    later_followups = FollowUpHistory.objects.filter(
        lead_id=OuterRef("lead_id"), created_at__gt=OuterRef("lead_updated_at")
    ).exclude(pk=Coalesce(OuterRef("followup_id"), Value(0)))
    worked_on |= set(rows.filter(lead__isnull=False).filter(Exists(later_followups)).values_list("lead_id", flat=True))
    # Created leads: any change, follow-up or commitment after their chunk wrote them.
    chunk_ids = list(written_at)
    for ids in _batches(chunk_ids):
        found = dict(Lead.objects.filter(pk__in=ids).values_list("pk", "updated_at"))
        gone.extend(f"#{pk}" for pk in ids if pk not in found)
        worked_on |= {pk for pk, updated_at in found.items() if updated_at > written_at[pk]}
        last_followups = (
            FollowUpHistory.objects.filter(lead_id__in=ids).values("lead_id").annotate(last=Max("created_at")).order_by()
        )
        worked_on |= {row["lead_id"] for row in last_followups if row["last"] > written_at[row["lead_id"]]}
    for ids in _batches(created_ids):
        worked_on |= set(LoanCommitment.objects.filter(lead_id__in=ids).values_list("lead_id", flat=True))
        # Rows of the apps above leads, which this app cannot name (a customer's messages): worked on too.
        for relation in _unhandled_relations(Lead):
            related = relation.related_model._base_manager.filter(**{f"{relation.field.name}__in": ids})
            worked_on |= set(related.values_list(relation.field.attname, flat=True))
    if gone:
        shown = ", ".join(gone[:20]) + (" …" if len(gone) > 20 else "")
        raise StateConflict(
            f"Leads this import wrote have been worked on since: merged or deleted ({shown}); "
            "change the rest by hand instead."
        )
    if worked_on:
        shown = ", ".join(f"#{pk}" for pk in sorted(worked_on)[:20])
        raise StateConflict(
            f"Leads {shown}{' …' if len(worked_on) > 20 else ''} have been worked on since the import; "
            "change them by hand instead."
        )

    reason = f"Revert of import #{lead_import.pk}"
    own_followups = list(
        rows.filter(action=RowAction.UPDATED).exclude(followup_id=None).values_list("followup_id", flat=True)
    )
    for ids in _batches(own_followups):
        _delete_with_history(FollowUpHistory.objects.filter(pk__in=ids), user=actor, reason=reason)
    _restore_updated(rows.filter(action=RowAction.UPDATED, lead__isnull=False), user=actor, reason=reason)
    for ids in _batches(created_ids):
        _delete_with_history(FollowUpHistory.objects.filter(lead_id__in=ids), user=actor, reason=reason)
        LeadImportRow.objects.filter(lead_id__in=ids).update(lead=None)
        _delete_with_history(Lead.objects.filter(pk__in=ids), user=actor, reason=reason)
    lead_import.reverted_at = timezone.now()
    lead_import.reverted_by = actor
    lead_import.save(update_fields=["reverted_at", "reverted_by"])
    return lead_import


def _restore_updated(rows, *, user, reason: str) -> None:
    """Put back the fields the import changed: one bulk UPDATE (and history INSERT) per 1,000 leads."""
    from simple_history.utils import bulk_update_with_history

    now = timezone.now()
    rows = list(rows.order_by("row").values_list("lead_id", "previous"))
    for start in range(0, len(rows), 1000):
        batch = rows[start : start + 1000]
        leads = Lead.objects.select_for_update(of=("self",)).in_bulk([lead_id for lead_id, _previous in batch])
        fields = set()
        for lead_id, previous in batch:
            lead = leads[lead_id]
            for name, old in previous.items():
                setattr(lead, name, Lead._meta.get_field(name).to_python(old))
            fields |= set(previous)
            lead.updated_at = now
        if fields:
            bulk_update_with_history(
                list(leads.values()), Lead, [*sorted(fields), "updated_at"], batch_size=1000,
                default_user=user, default_change_reason=reason,
            )


def _delete_with_history(queryset, *, user, reason: str) -> None:
    """Delete the rows with their "-" history rows, a few statements per 5,000 rows.

    simple_history records a deletion per row from `post_delete`, which Django sends row by row (a
    SELECT, then an INSERT per row); here the history rows are copied in the database (INSERT …
    SELECT) and the rows deleted without signals. Only for models whose incoming relations are all
    dealt with by the caller: any other relation makes this refuse rather than leave dangling rows.
    """
    model = queryset.model
    unhandled = _unhandled_relations(model)
    history = model.history.model
    quote = connection.ops.quote_name
    copied = ", ".join(quote(field.column) for field in history.tracked_fields)
    stamps = ", ".join(
        quote(history._meta.get_field(name).column)
        for name in ("history_date", "history_type", "history_user", "history_change_reason")
    )
    history_date = history._meta.get_field("history_date").get_db_prep_value(timezone.now(), connection)
    for ids in _batches(list(queryset.order_by().values_list("pk", flat=True))):
        for relation in unhandled:  # the caller found none of these rows; never leave one dangling
            if relation.related_model._base_manager.filter(**{f"{relation.field.name}__in": ids}).exists():
                raise RuntimeError(f"Revert cannot delete {model.__name__} rows set-based: {relation} is not handled.")
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {quote(history._meta.db_table)} ({copied}, {stamps}) "
                f"SELECT {copied}, %s, %s, %s, %s FROM {quote(model._meta.db_table)} "
                f"WHERE {quote(model._meta.pk.column)} IN ({', '.join(['%s'] * len(ids))})",
                [history_date, "-", getattr(user, "pk", None), reason, *ids],
            )
        model.objects.filter(pk__in=ids)._raw_delete(queryset.db)


def lead_import_confirm(*, dry_run: LeadImport, actor) -> LeadImport:
    """The real run of a previewed (dry-run) import: same file, branch and mode."""
    if not dry_run.dry_run:
        raise StateConflict("Only a dry run can be confirmed.")
    if dry_run.status != ImportStatus.DONE:
        raise StateConflict("Wait for the preview to finish.")
    return lead_import_start(
        actor=actor,
        branch=dry_run.branch,
        mode=dry_run.mode,
        dry_run=False,
        file_name=dry_run.file_name,
        content=bytes(dry_run.content),
    )
