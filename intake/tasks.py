"""Celery tasks: thin wrappers over the services, taking ids (HackSoftware's pattern)."""

from celery import shared_task
from django.conf import settings

from intake.graph import GraphError
from intake.services.meta import meta_lead_fetch, meta_lead_give_up


def retry_delay(retries: int) -> int:
    """Seconds before retry number `retries + 1`: 30 s doubling, at most an hour."""
    return min(30 * 2**retries, 3600)


@shared_task(name="intake.fetch_meta_lead", bind=True, acks_late=True, reject_on_worker_lost=True,
             max_retries=settings.META_FETCH_MAX_RETRIES)
def fetch_meta_lead(self, meta_lead_id: int) -> None:
    """Fetch a Lead Ads lead from the Graph API and take it in; a transient failure is retried with back-off,
    and the last retry's failure marks the lead failed with its reason."""
    try:
        meta_lead_fetch(meta_lead_id=meta_lead_id)
    except GraphError as exc:
        if self.request.retries >= self.max_retries:
            meta_lead_give_up(meta_lead_id=meta_lead_id, reason=str(exc))
            return
        raise self.retry(exc=exc, countdown=retry_delay(self.request.retries)) from None


@shared_task(name="intake.process_intake_submission", bind=True, acks_late=True, reject_on_worker_lost=True,
             max_retries=5)
def process_intake_submission(self, submission_id: int) -> None:
    """Take an accepted enquiry in (once: the row is claimed). An unexpected error is retried with back-off and
    the last retry marks the submission failed with its reason; the sweep catches a task that was lost."""
    from intake.services.accept import intake_submission_give_up, intake_submission_process

    try:
        intake_submission_process(submission_id=submission_id)
    except Exception as exc:  # noqa: BLE001 - recorded on the row by the service
        if self.request.retries >= self.max_retries:
            intake_submission_give_up(submission_id=submission_id, reason=f"{exc.__class__.__name__}: {exc}")
            return
        raise self.retry(exc=exc, countdown=retry_delay(self.request.retries)) from None
