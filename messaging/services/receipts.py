"""`payment_received`: a recorded payment tells a consenting customer, with the receipt number and the balance left."""

import logging

from django.db import transaction

from leads.models import MessagingConsent
from messaging.formatting import money_text
from messaging.models import TemplateCode
from messaging.services.outbox import message_queue

logger = logging.getLogger("messaging.receipts")


def payment_received_queue(*, payment, actor=None):
    """Queue `payment_received` for the payment's customer when they opted in and a channel can send it.

    Runs inside the payment's transaction (leads.events.payment_recorded), in a savepoint: whatever
    goes wrong here is logged and never refuses or rolls back the payment. Once per payment (its dedupe key).
    """
    commitment = payment.commitment
    lead = commitment.lead
    if lead.messaging_consent != MessagingConsent.OPTED_IN:
        return None
    currency = lead.organization.currency
    params = [
        lead.customer_name,
        money_text(payment.amount, currency),
        payment.receipt_number or f"#{payment.pk}",
        money_text(payment.balance_after if payment.balance_after is not None else commitment.balance, currency),
    ]
    try:
        with transaction.atomic():
            return message_queue(
                lead=lead,
                template=TemplateCode.PAYMENT_RECEIVED,
                params=params,
                actor=actor,
                dedupe_key=f"payment_received:{payment.pk}",
            )
    except Exception as exc:  # no channel, a template an admin broke, …: the payment stands
        logger.warning("payment_received not queued for payment #%s: %s", payment.pk, getattr(exc, "detail", exc))
        return None
