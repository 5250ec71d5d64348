"""Customer messages at scale (`--only reminders,delivery`).

* reminders: `send_payment_reminders` over the seeded loan book, every lead owed a reminder today
  opted in and every organization given a WhatsApp channel (pointed at the fake server): how many it
  queues and how long it takes (set-based: one read, batched INSERT … ON CONFLICT DO NOTHING), then
  the same run again, which must queue 0. Timed without the hand-off to the workers (the delivery
  step times that).
* delivery: DELIVERY_MESSAGES queued messages (one per customer) handed to 2 Celery worker processes
  (`-P threads`, on RabbitMQ, a queue of their own) sending to the fake WhatsApp server in this
  process; messages per second from the first hand-off to the last `sent`. Then another batch with one
  worker killed (`kill -9`) mid-batch and a fresh one started: the fake server's received message ids
  must hold no duplicate; the dead worker's claimed rows are failed as "delivery unknown" by the sweep.

Everything written is taken back afterwards (messages and channels deleted, consents restored).
Without a reachable broker the delivery step is skipped (said in the figures).
"""

import os
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from datetime import timedelta
from io import StringIO
from unittest import mock

from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test.utils import override_settings
from django.utils import timezone

from leads.models import OPEN_LOAN_STATUSES, Lead, LoanCommitment, MessagingConsent
from messaging.models import Channel, ChannelKind, Message, MessageDirection, MessageStatus
from messaging.tests.fakes import FakeWhatsApp
from organizations.models import Organization

WORDS = ("reminders", "delivery")
BROKER_URL = os.environ.get("BENCH_CELERY_BROKER_URL", "amqp://guest:guest@127.0.0.1:5672//")
BENCH_PHONE_ID_PREFIX = "bench-"
DELIVERY_MESSAGES = int(os.environ.get("BENCH_DELIVERY_MESSAGES", "3000"))
WORKER_THREADS = int(os.environ.get("BENCH_WORKER_THREADS", "8"))
REMINDERS_TARGET_S, DELIVERY_TARGET_PER_S = 30, 80
REMINDERS_SCALED = int(os.environ.get("BENCH_REMINDERS_SCALED", "50000"))


def wanted(only: str | None) -> bool:
    words = [word.strip().lower() for word in (only or "").split(",") if word.strip()]
    return not words or any(word in WORDS for word in words)


def only_these(only: str | None) -> bool:
    words = [word.strip().lower() for word in (only or "").split(",") if word.strip()]
    return bool(words) and all(word in WORDS for word in words)


def _connect_channels(fake: FakeWhatsApp) -> list[int]:
    ids = []
    for organization in Organization.objects.all():
        Channel.objects.filter(organization=organization, kind=ChannelKind.WHATSAPP, active=True).update(active=False)
        channel = Channel.objects.create(
            organization=organization, kind=ChannelKind.WHATSAPP, phone_number_id=f"{BENCH_PHONE_ID_PREFIX}{organization.pk}",
            secret="bench-token", daily_limit=1_000_000,
        )
        ids.append(channel.pk)
    return ids


def _opt_in(lead_ids: list[int]) -> list[int]:
    """Opt these leads in; returns those that were not (to put back)."""
    changed = list(Lead.objects.unscoped().filter(pk__in=lead_ids).exclude(messaging_consent=MessagingConsent.OPTED_IN)
                   .values_list("pk", flat=True))
    for start in range(0, len(changed), 10_000):
        Lead.objects.unscoped().filter(pk__in=changed[start:start + 10_000]).update(messaging_consent=MessagingConsent.OPTED_IN)
    return changed


def _restore(changed: list[int]) -> None:
    for start in range(0, len(changed), 10_000):
        Lead.objects.unscoped().filter(pk__in=changed[start:start + 10_000]).update(messaging_consent=MessagingConsent.UNKNOWN)


def _reminder_leads(today) -> list[int]:
    days = [today + timedelta(days=offset) for offset in (2, 0, -1, -7)]
    return list(
        LoanCommitment.objects.unscoped()
        .filter(promised_clear_date__in=days, status__in=OPEN_LOAN_STATUSES)
        .values_list("lead_id", flat=True)
        .distinct()
    )


def _move_onto_reminder_days(today, limit: int) -> list[tuple[int, object]]:
    """Put up to `limit` open commitments' promised dates on today's four reminder days (returns the old dates)."""
    days = [today + timedelta(days=offset) for offset in (2, 0, -1, -7)]
    rows = list(
        LoanCommitment.objects.unscoped().filter(status__in=OPEN_LOAN_STATUSES).exclude(promised_clear_date__in=days)
        .order_by("id").values_list("id", "promised_clear_date")[:limit]
    )
    with connection.cursor() as cursor:
        for index, day in enumerate(days):
            ids = [pk for pk, _old in rows[index::len(days)]]
            for start in range(0, len(ids), 10_000):
                cursor.execute(
                    "UPDATE leads_loancommitment SET promised_clear_date = %s WHERE id = ANY(%s)", [day, ids[start:start + 10_000]]
                )
    return rows


def _put_back_dates(rows: list[tuple[int, object]]) -> None:
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 5_000):
            chunk = rows[start:start + 5_000]
            cursor.execute(
                "UPDATE leads_loancommitment AS c SET promised_clear_date = v.day FROM "
                "(SELECT unnest(%s::bigint[]) AS id, unnest(%s::date[]) AS day) AS v WHERE c.id = v.id",
                [[pk for pk, _day in chunk], [day for _pk, day in chunk]],
            )


def _run_reminders(log) -> dict:
    handed = []
    out = StringIO()
    with mock.patch("messaging.services.reminders.enqueue_on_commit", side_effect=handed.extend):
        started = time.perf_counter()
        call_command("send_payment_reminders", stdout=out)
        seconds = time.perf_counter() - started
    log(f"  {out.getvalue().strip()} in {seconds:.2f} s")
    return {"seconds": round(seconds, 2), "queued": len(handed), "output": out.getvalue().strip()}


def _delete_reminders() -> None:
    Message.objects.filter(dedupe_key__startswith="reminder:", created_at__gte=timezone.now() - timedelta(hours=1)).delete()


def _worker(queue: str, fake_url: str):
    name = f"bench-messages-{uuid.uuid4().hex[:8]}@%h"  # each its own name: two on one host must not share a pidbox
    command = [
        sys.executable, "-m", "celery", "-A", "config", "worker", "-n", name, "-P", "threads", "-c", str(WORKER_THREADS),
        "-Q", queue,
        "-l", "warning", "--without-gossip", "--without-mingle", "--without-heartbeat", "--prefetch-multiplier", "1",
    ]
    env = {**os.environ, "CELERY_BROKER_URL": BROKER_URL, "CELERY_TASK_DEFAULT_QUEUE": queue, "META_GRAPH_URL": fake_url,
           "MESSAGING_QUIET_HOURS": "", "MESSAGING_LOG_PROVIDER": "false"}
    return subprocess.Popen(command, env=env, start_new_session=True)


def _cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a process and its threads (from /proc)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except OSError:
        return None


def _broker_reachable() -> bool:
    from kombu import Connection

    try:
        with Connection(BROKER_URL, connect_timeout=2) as broker:
            broker.ensure_connection(max_retries=1)
        return True
    except Exception:  # noqa: BLE001 - any transport error means "no broker"
        return False


def _queue_batch(lead_rows: list[tuple[int, int, str]], channels: dict[int, int], tag: str) -> list[int]:
    now = timezone.now()
    Message.objects.bulk_create([
        Message(
            organization_id=organization_id, lead_id=lead_id, direction=MessageDirection.OUT, channel=ChannelKind.WHATSAPP,
            channel_account_id=channels[organization_id], body="Benchmark message", to_number=phone,
            status=MessageStatus.QUEUED, dedupe_key=f"bench:{tag}:{lead_id}", next_attempt_at=now, created_at=now,
        )
        for lead_id, organization_id, phone in lead_rows
    ], batch_size=2000)
    return list(Message.objects.filter(dedupe_key__startswith=f"bench:{tag}:").order_by("id").values_list("id", flat=True))


def _wait_done(ids: list[int], timeout: float) -> float:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        left = Message.objects.filter(pk__in=ids, status=MessageStatus.QUEUED, claimed_at__isnull=True).count()
        unfinished = Message.objects.filter(pk__in=ids, status=MessageStatus.QUEUED).count()
        if unfinished == 0 or (left == 0 and unfinished <= WORKER_THREADS):
            return time.monotonic()
        time.sleep(0.05)
    raise TimeoutError(f"{unfinished} of {len(ids)} messages still queued after {timeout} s")


def _delivery(fake: FakeWhatsApp, channels: dict[int, int], log) -> dict:
    from config.celery import app
    from messaging.services.outbox import enqueue

    rows = list(
        Lead.objects.unscoped().order_by("id").values_list("id", "organization_id", "contact_number")[: DELIVERY_MESSAGES * 2]
    )
    changed = _opt_in([row[0] for row in rows])
    queue = f"bench-messages-{uuid.uuid4().hex[:10]}"
    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager", "task_default_queue")}
    app.conf.update(broker_url=BROKER_URL, task_always_eager=False, task_default_queue=queue)
    workers = [_worker(queue, fake.url), _worker(queue, fake.url)]
    result = {"workers": f"2 × celery worker -P threads -c {WORKER_THREADS} (RabbitMQ)", "messages": DELIVERY_MESSAGES}
    try:
        time.sleep(4)  # the workers connect
        # 1. Throughput.
        fake.requests.clear()
        ids = _queue_batch(rows[:DELIVERY_MESSAGES], channels, "rate")
        cpu_before = sum(_cpu_seconds(worker.pid) or 0 for worker in workers)
        started = time.monotonic()
        enqueue(ids)
        ended = _wait_done(ids, timeout=600)
        cpu = sum(_cpu_seconds(worker.pid) or 0 for worker in workers) - cpu_before
        sent = Message.objects.filter(pk__in=ids, status=MessageStatus.SENT).count()
        result["rate"] = {
            "seconds": round(ended - started, 2), "sent": sent,
            "per_second": round(sent / (ended - started), 1), "fake_received": fake.sent_count(),
            # CPU the two workers spent per message: what a busy shared machine distorts least.
            "worker_cpu_ms_per_message": round(1000 * cpu / max(sent, 1), 2),
        }
        log(f"  delivery: {sent} sent in {result['rate']['seconds']} s = {result['rate']['per_second']} msg/s "
            f"({result['rate']['worker_cpu_ms_per_message']} ms of worker CPU per message)")
        # 2. A worker killed mid-batch.
        fake.requests.clear()
        ids = _queue_batch(rows[DELIVERY_MESSAGES:], channels, "kill")
        enqueue(ids)
        while fake.sent_count() < len(ids) // 3:
            time.sleep(0.01)
        os.killpg(workers[0].pid, signal.SIGKILL)
        workers[0].wait()
        workers[0] = _worker(queue, fake.url)  # takes the dead worker's redelivered tasks
        _wait_done(ids, timeout=600)
        time.sleep(1)
        with override_settings(MESSAGING_STALE_CLAIM_MINUTES=0):
            call_command("send_queued_messages", stdout=StringIO())
        opaque = [value for value in fake.opaque_ids() if value]
        counts = Counter(opaque)
        statuses = Counter(Message.objects.filter(pk__in=ids).values_list("status", flat=True))
        unknown = Message.objects.filter(pk__in=ids, error__startswith="Delivery unknown").count()
        result["kill"] = {
            "messages": len(ids), "received_by_fake": len(opaque), "distinct_received": len(counts),
            "duplicates": sum(count - 1 for count in counts.values() if count > 1),
            "sent": statuses.get(MessageStatus.SENT, 0), "failed_delivery_unknown": unknown,
            "still_queued": statuses.get(MessageStatus.QUEUED, 0),
        }
        log(f"  kill -9 mid-batch: {result['kill']}")
    finally:
        for worker in workers:
            if worker.poll() is None:
                os.killpg(worker.pid, signal.SIGTERM)
                try:
                    worker.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(worker.pid, signal.SIGKILL)
        app.conf.update(saved)
        _purge_queue(queue)
        Message.objects.filter(dedupe_key__startswith="bench:").delete()
        _restore(changed)
    return result


def _purge_queue(queue: str) -> None:
    from kombu import Connection

    try:
        with Connection(BROKER_URL, connect_timeout=2) as broker:
            broker.default_channel.queue_delete(queue)
    except Exception:  # noqa: BLE001 - a leftover queue is harmless
        pass


def measure(*, only: str | None, log) -> dict:
    """The messaging figures (only the parts `--only` names)."""
    words = [word.strip().lower() for word in (only or "reminders,delivery").split(",")]
    result: dict = {"database": connection.vendor}
    if not settings.FIELD_ENCRYPTION_KEYS:  # debug is off here: the channels' tokens need a key (the workers inherit it)
        from cryptography.fernet import Fernet

        os.environ["DJANGO_FIELD_ENCRYPTION_KEY"] = Fernet.generate_key().decode()
        settings.FIELD_ENCRYPTION_KEYS = [os.environ["DJANGO_FIELD_ENCRYPTION_KEY"]]
    fake = FakeWhatsApp().start()
    channel_ids: list[int] = []
    changed: list[int] = []
    try:
        with override_settings(META_GRAPH_URL=fake.url, MESSAGING_QUIET_HOURS="", MESSAGING_LOG_PROVIDER=False):
            channel_ids = _connect_channels(fake)
            channels = dict(Channel.objects.filter(pk__in=channel_ids).values_list("organization_id", "pk"))
            if "reminders" in words:
                today = timezone.localdate()
                changed = _opt_in(_reminder_leads(today))
                log(f"reminders: send_payment_reminders for {today} ({len(changed)} leads opted in for it)")
                result["reminders"] = _run_reminders(log)
                result["reminders_again"] = _run_reminders(log)
                _delete_reminders()
                _restore(changed)
                changed = []
                # The seeded book puts few promises on one day; move every open one onto the reminder days.
                if connection.vendor == "postgresql":
                    moved = _move_onto_reminder_days(today, REMINDERS_SCALED)
                    try:
                        changed = _opt_in(_reminder_leads(today))
                        log(f"reminders at scale: {len(moved)} open commitments moved onto today's reminder days")
                        result["reminders_scaled"] = {"moved": len(moved), **_run_reminders(log)}
                        result["reminders_scaled_again"] = _run_reminders(log)
                    finally:
                        _delete_reminders()
                        _put_back_dates(moved)
                        _restore(changed)
                        changed = []
            if "delivery" in words:
                if _broker_reachable():
                    log(f"delivery: {DELIVERY_MESSAGES} messages to the fake WhatsApp server, 2 worker processes")
                    result["delivery"] = _delivery(fake, channels, log)
                else:
                    result["delivery"] = {"skipped": f"no broker at {BROKER_URL}"}
    finally:
        _restore(changed)
        Message.objects.filter(channel_account_id__in=channel_ids).delete()
        Channel.objects.filter(pk__in=channel_ids).delete()
        fake.stop()
    return result


def table_lines(result: dict | None) -> list[str]:
    if not result:
        return []
    lines = ["", f"customer messages ({result.get('database')}; shared 2-CPU machine):"]
    for key in ("reminders", "reminders_again", "reminders_scaled", "reminders_scaled_again"):
        if key in result:
            row = result[key]
            target = " (must be 0)" if key.endswith("again") else f" (target ≤ {REMINDERS_TARGET_S} s)"
            label = "send_payment_reminders" + (" again" if key.endswith("again") else "")
            if key.startswith("reminders_scaled"):
                label += f", {result['reminders_scaled']['moved']} open promises moved onto the reminder days"
            lines.append(f"  {label}: queued {row['queued']} in {row['seconds']} s{target}")
    delivery = result.get("delivery") or {}
    if "skipped" in delivery:
        lines.append(f"  delivery: skipped, {delivery['skipped']}")
    elif delivery:
        rate = delivery["rate"]
        lines.append(f"  delivery ({delivery['workers']}): {rate['sent']} sent in {rate['seconds']} s = "
                     f"{rate['per_second']} msg/s (target ≥ {DELIVERY_TARGET_PER_S}); "
                     f"{rate.get('worker_cpu_ms_per_message')} ms of worker CPU per message")
        kill = delivery["kill"]
        lines.append(f"  kill -9 of a worker mid-batch: {kill['messages']} messages, fake received {kill['received_by_fake']} "
                     f"({kill['distinct_received']} distinct, {kill['duplicates']} duplicates); {kill['sent']} sent, "
                     f"{kill['failed_delivery_unknown']} failed as delivery unknown, {kill['still_queued']} still queued")
    return lines
