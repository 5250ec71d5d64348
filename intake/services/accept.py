"""Accept, then process: `POST /api/leads/intake/` stores one `IntakeSubmission` and answers; the lead comes after.

The request validates the enquiry (bad fields are a 400 there), normalises it and stores it in one short
transaction (`intake_accept`); a Celery task queued on commit (`process_intake_submission`) takes it in
through `intake_submit` (dedupe, `lead_create` or the follow-up). Without a broker (the embedded default,
tests) the processing runs in-process right after the commit, so nothing changes there.

* Idempotency: an `Idempotency-Key` is unique per source (a database constraint): a retried post with the
  same key stores nothing new and is answered as received again.
* Claim: a processor locks the pending row (`FOR UPDATE SKIP LOCKED` on PostgreSQL; SQLite's IMMEDIATE
  transactions serialise writers) and re-reads its status, so a redelivered task, a second worker or the
  sweep never processes a submission twice; dedupe itself stays `intake_submit`'s identity lock.
* Failures: a refused enquiry (a ValidationError when the lead is made) marks the row `failed` with the
  reason; anything else leaves it `pending` with the error, for the task's retry or the sweep
  (`process_intake_submissions`, rows pending for more than `SWEEP_AFTER`).
"""

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from common.identity import normalize_identity_fields
from intake.models import IntakeSource, IntakeSubmission, IntakeSubmissionStatus
from intake.services.submissions import Enquiry, intake_submit

logger = logging.getLogger("leads.intake")

# A pending submission older than this has lost its task (a worker died, the broker was down): the sweep takes it.
SWEEP_AFTER = timedelta(minutes=1)
ENQUIRY_FIELDS = ("customer_name", "contact_number", "passport_number", "cnic", "area", "remarks",
                  "messaging_consent", "utm_source", "utm_campaign")


@dataclass(frozen=True)
class Accepted:
    submission: IntakeSubmission
    created: bool  # False: the Idempotency-Key was seen before; nothing new was stored


def _queue(submission_id: int) -> None:
    from intake.tasks import process_intake_submission

    process_intake_submission.delay(submission_id)


def intake_accept(*, source: IntakeSource, enquiry: Enquiry | None, client_address: str | None = None,
                  idempotency_key: str = "") -> Accepted:
    """Store one enquiry for `source` (normalised; a bad identity value is a ValidationError naming the field)
    and have it processed after the commit. `enquiry=None`: the honeypot was filled (stored as `spam`, never
    processed). A key already used by the source: the submission it stored, `created=False`."""
    fields = {}
    if enquiry is not None:
        normalize_identity_fields(enquiry)
        fields = {name: getattr(enquiry, name) for name in ENQUIRY_FIELDS}
        fields["customer_name"] = fields["customer_name"] or ""
    status = IntakeSubmissionStatus.PENDING if enquiry is not None else IntakeSubmissionStatus.SPAM
    submission = IntakeSubmission(source=source, idempotency_key=idempotency_key, client_address=client_address,
                                  status=status, **fields)
    connection = transaction.get_connection()
    try:
        if connection.in_atomic_block:
            with transaction.atomic():  # a savepoint: a repeated key must not spoil the caller's transaction
                submission.save(force_insert=True)
        else:
            submission.save(force_insert=True)  # one INSERT, committed by itself (no BEGIN/COMMIT round trips)
    except IntegrityError:
        existing = (IntakeSubmission.objects.filter(source=source, idempotency_key=idempotency_key).first()
                    if idempotency_key else None)
        if existing is None:
            raise
        return Accepted(submission=existing, created=False)
    if status == IntakeSubmissionStatus.PENDING:
        if settings.CELERY_TASK_ALWAYS_EAGER:
            # No broker: process in-process now (the row is committed unless a caller's transaction holds it).
            intake_submission_process_safely(submission.pk)
        else:
            transaction.on_commit(lambda pk=submission.pk: _queue(pk), robust=True)
    return Accepted(submission=submission, created=True)


def intake_submission_process_safely(submission_id: int) -> None:
    """Process without raising (the answer is given either way): an unexpected error is logged and the row
    stays pending for the sweep."""
    try:
        intake_submission_process(submission_id=submission_id)
    except Exception:  # noqa: BLE001 - the enquiry is stored; the sweep retries it
        logger.exception("Intake submission %s: processing failed; left pending for the sweep.", submission_id,
                         extra={"event": "intake.process_error", "submission_id": submission_id})


def _enquiry(submission: IntakeSubmission) -> Enquiry:
    return Enquiry(**{name: getattr(submission, name) for name in ENQUIRY_FIELDS})


def intake_submission_process(*, submission_id: int) -> IntakeSubmission | None:
    """Take one pending submission in, once: the row is claimed (locked, pending only; None when it is not, or
    another processor holds it). A refused enquiry marks it failed with the reason; an unexpected error is
    recorded on the row (still pending) and re-raised for the task's retry."""
    failure = None
    with transaction.atomic():
        submission = (
            IntakeSubmission.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("source__branch")
            .filter(pk=submission_id, status=IntakeSubmissionStatus.PENDING)
            .first()
        )
        if submission is None:
            return None
        submission.attempts = min(submission.attempts + 1, 32767)
        source = submission.source
        try:
            with transaction.atomic():
                if not source.is_active:
                    raise ValidationError({"source": ["The intake source was revoked before processing."]})
                outcome = intake_submit(source=source, enquiry=_enquiry(submission))
        except ValidationError as exc:
            reasons = exc.message_dict if hasattr(exc, "error_dict") else {"lead": exc.messages}
            submission.status = IntakeSubmissionStatus.FAILED
            submission.error = "; ".join(f"{name}: {' '.join(messages)}" for name, messages in reasons.items())[:1000]
            submission.processed_at = timezone.now()
        except Exception as exc:  # noqa: BLE001 - recorded, then re-raised after the attempt is saved
            submission.error = f"{exc.__class__.__name__}: {exc}"[:1000]
            failure = exc
        else:
            submission.status = IntakeSubmissionStatus.DONE
            submission.lead, submission.created_lead, submission.error = outcome.lead, outcome.created, ""
            submission.processed_at = timezone.now()
        submission.save(update_fields=["status", "attempts", "error", "lead", "created_lead", "processed_at"])
    if submission.status == IntakeSubmissionStatus.FAILED:
        logger.warning("Intake submission %s failed: %s", submission.pk, submission.error,
                       extra={"event": "intake.failed", "submission_id": submission.pk})
    if failure is not None:
        raise failure
    return submission


def intake_submission_give_up(*, submission_id: int, reason: str) -> None:
    """Mark a still pending submission failed (its retries are spent), keeping the last error as the reason."""
    IntakeSubmission.objects.filter(pk=submission_id, status=IntakeSubmissionStatus.PENDING).update(
        status=IntakeSubmissionStatus.FAILED, error=f"Gave up after retries: {reason}"[:1000],
        processed_at=timezone.now(),
    )


@dataclass
class SweepResult:
    seen: int = 0
    done: int = 0
    failed: int = 0
    skipped: int = 0  # claimed by someone else meanwhile, or still erroring (left pending)


def intake_submissions_sweep(*, older_than: timedelta = SWEEP_AFTER, limit: int | None = None) -> SweepResult:
    """Process, here and now, every submission pending for longer than `older_than` (their task was lost)."""
    result = SweepResult()
    cutoff = timezone.now() - older_than
    pending = IntakeSubmission.objects.filter(status=IntakeSubmissionStatus.PENDING, received_at__lt=cutoff)
    ids = list(pending.order_by("received_at", "id").values_list("pk", flat=True)[:limit])
    for pk in ids:
        result.seen += 1
        try:
            submission = intake_submission_process(submission_id=pk)
        except Exception:  # noqa: BLE001 - recorded on the row; the next sweep tries again
            logger.exception("Intake submission %s: the sweep could not process it.", pk,
                             extra={"event": "intake.sweep_error", "submission_id": pk})
            submission = None
        if submission is None:
            result.skipped += 1
        elif submission.status == IntakeSubmissionStatus.DONE:
            result.done += 1
        elif submission.status == IntakeSubmissionStatus.FAILED:
            result.failed += 1
        else:
            result.skipped += 1
    return result
