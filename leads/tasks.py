"""Celery tasks of the leads app: thin wrappers over services, taking ids."""

from celery import shared_task

from leads import assignment_notices


@shared_task(name="leads.send_assignment_notices", acks_late=True, ignore_result=True)
def send_assignment_notices(lead_ids: list[int], assigned_by_id: int | None = None) -> int:
    """Tell the assignees of these leads (leads/assignment_notices.py)."""
    return assignment_notices.send_assignment_notices(lead_ids=lead_ids, assigned_by_id=assigned_by_id)
