"""Celery tasks: thin wrappers over the outbox service, taking ids (HackSoftware's pattern)."""

from celery import shared_task

from messaging.services.outbox import message_deliver


@shared_task(name="messaging.deliver_messages", acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def deliver_messages(message_ids: list[int]) -> dict[str, int]:
    """Deliver each message that is due and still unclaimed.

    Redelivered after a worker dies (acks late): the ids it had claimed are skipped (their claim
    stands; the sweep fails them as "delivery unknown"), the rest are sent.
    """
    outcome: dict[str, int] = {}
    lookups: dict = {}  # the chunk's channels and templates, read once
    for message_id in message_ids:
        result = message_deliver(message_id=message_id, lookups=lookups)
        outcome[result] = outcome.get(result, 0) + 1
    return outcome
