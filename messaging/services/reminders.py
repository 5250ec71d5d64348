"""Payment reminders: one message per open commitment per reminder kind, queued set-based for a business day."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from leads.models import OPEN_LOAN_STATUSES, LoanCommitment, MessagingConsent
from messaging.formatting import date_text, money_text
from messaging.models import Channel, ChannelKind, Message, MessageDirection, MessageStatus, MessageTemplate, TemplateCode
from messaging.services.channels import log_provider_allowed
from messaging.services.outbox import enqueue_on_commit
from messaging.services.templates import template_render

# kind → (days from the business day to the promised date, template)
REMINDER_KINDS: dict[str, tuple[int, str]] = {
    "due_soon": (2, TemplateCode.PAYMENT_DUE_SOON),
    "due_today": (0, TemplateCode.PAYMENT_DUE_TODAY),
    "overdue_1": (-1, TemplateCode.PAYMENT_OVERDUE),
    "overdue_7": (-7, TemplateCode.PAYMENT_OVERDUE),
}
INSERT_BATCH = 2000
KEY_BATCH = 5000


@dataclass
class ReminderRun:
    day: date
    candidates: int = 0
    queued: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)
    skipped_no_channel: int = 0


def reminder_key(commitment_id: int, kind: str) -> str:
    return f"reminder:{commitment_id}:{kind}"


def reminders_due(*, day: date):
    """The open commitments (pending or overdue, balance left) of consenting leads owed a reminder on `day`."""
    promised = {day + timedelta(days=offset): kind for kind, (offset, _template) in REMINDER_KINDS.items()}
    rows = (
        LoanCommitment.objects.unscoped()
        .filter(
            promised_clear_date__in=list(promised),
            status__in=OPEN_LOAN_STATUSES,
            amount__gt=F("paid_amount"),
            lead__messaging_consent=MessagingConsent.OPTED_IN,
        )
        .order_by()
        .values_list(
            "id", "promised_clear_date", "amount", "paid_amount", "lead_id", "lead__customer_name",
            "lead__contact_number", "lead__language", "lead__organization_id", "lead__organization__currency",
        )
        .iterator(chunk_size=5000)
    )
    return promised, rows


def _existing_keys(keys: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(keys), KEY_BATCH):
        found.update(
            Message.objects.filter(dedupe_key__in=keys[start:start + KEY_BATCH]).values_list("dedupe_key", flat=True)
        )
    return found


def payment_reminders_queue(*, day: date, dry_run: bool = False, now: datetime | None = None) -> ReminderRun:
    """Queue `day`'s reminders: due in 2 days, due today, 1 and 7 days overdue; once per commitment per kind.

    Set-based: one read of the commitments due, one INSERT … ON CONFLICT DO NOTHING per batch on the
    messages' unique dedupe key (`reminder:<commitment>:<kind>`), so a second run, or two runs at
    once, queue nothing twice. Organizations without a connected channel get none (unless the log
    provider is on: development). Quiet hours are the caller's check; the rows also wait them out.
    """
    now = now or timezone.now()
    run = ReminderRun(day=day)
    channels: dict[int, Channel] = {}
    for channel in Channel.objects.active().order_by("organization_id", "kind"):
        if channel.organization_id not in channels or channel.kind == ChannelKind.WHATSAPP:
            channels[channel.organization_id] = channel
    templates: dict[tuple[int, str, str, str], MessageTemplate] = {
        (template.organization_id, template.code, template.channel, template.language): template
        for template in MessageTemplate.objects.filter(code__in=[code for _offset, code in REMINDER_KINDS.values()])
    }
    allow_log = log_provider_allowed()
    promised, rows = reminders_due(day=day)
    messages: list[Message] = []
    for (commitment_id, promised_date, amount, paid, lead_id, name, phone, language, organization_id, currency) in rows:
        kind = promised[promised_date]
        code = REMINDER_KINDS[kind][1]
        channel = channels.get(organization_id)
        if channel is None and not allow_log:
            run.skipped_no_channel += 1
            continue
        channel_kind = channel.kind if channel else ChannelKind.WHATSAPP
        template = templates.get((organization_id, code, channel_kind, language)) or templates.get(
            (organization_id, code, channel_kind, "en")
        )
        if template is None:
            continue
        run.candidates += 1
        params = [name, money_text(amount - paid, currency), date_text(promised_date)]
        messages.append(
            Message(
                organization_id=organization_id,
                lead_id=lead_id,
                direction=MessageDirection.OUT,
                channel=channel_kind,
                channel_account=channel,
                template=code,
                language=template.language,
                body=template_render(template.body, params),
                params=params,
                to_number=phone,
                from_number=(channel.display_phone_number or channel.from_number) if channel else "",
                status=MessageStatus.QUEUED,
                dedupe_key=reminder_key(commitment_id, kind),
                respect_quiet_hours=True,
                next_attempt_at=now,
                created_at=now,
            )
        )
    if dry_run:
        existing = _existing_keys([message.dedupe_key for message in messages])
        for message in messages:
            if message.dedupe_key not in existing:
                kind = message.dedupe_key.rsplit(":", 1)[1]
                run.by_kind[kind] = run.by_kind.get(kind, 0) + 1
        run.queued = sum(run.by_kind.values())
        return run
    with transaction.atomic():
        for start in range(0, len(messages), INSERT_BATCH):
            Message.objects.bulk_create(messages[start:start + INSERT_BATCH], ignore_conflicts=True)
        # Ours are the rows carrying this run's timestamp: a concurrent run's (or yesterday's) have another.
        created = []
        keys = [message.dedupe_key for message in messages]
        for start in range(0, len(keys), KEY_BATCH):
            created += Message.objects.filter(dedupe_key__in=keys[start:start + KEY_BATCH], created_at=now).values_list(
                "id", "dedupe_key"
            )
        for _pk, key in created:
            kind = key.rsplit(":", 1)[1]
            run.by_kind[kind] = run.by_kind.get(kind, 0) + 1
        run.queued = len(created)
        enqueue_on_commit(sorted(pk for pk, _key in created))
    return run
