"""Celery tasks: thin wrappers over the services, taking ids (HackSoftware's pattern)."""

from celery import shared_task

from transfers.services import lead_import_run


@shared_task(name="transfers.run_lead_import", acks_late=True, reject_on_worker_lost=True)
def run_lead_import(import_id: int) -> None:
    """Run (or resume) an import; several workers may run the same import at once."""
    lead_import_run(import_id=import_id)
