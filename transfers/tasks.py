"""Celery tasks: thin wrappers over the services, taking ids (HackSoftware's pattern)."""

from celery import shared_task
from django.conf import settings

from transfers.services import lead_import_run


@shared_task(
    name="transfers.run_lead_import",
    acks_late=True,
    reject_on_worker_lost=True,
    # A run past the soft limit stops between statements (its chunk rolls back) and is queued again,
    # or failed after LEADS_IMPORT_MAX_ATTEMPTS cuts without progress; the hard limit kills a run
    # stuck where no signal reaches it, and `resume_imports` takes that import up later.
    soft_time_limit=settings.LEADS_IMPORT_TIME_LIMIT,
    time_limit=settings.LEADS_IMPORT_TIME_LIMIT + 30,
)
def run_lead_import(import_id: int) -> None:
    """Run (or resume) an import; several workers may run the same import at once."""
    lead_import_run(import_id=import_id)
