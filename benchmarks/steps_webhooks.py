"""Webhook callbacks under load (`--only webhooks`): WhatsApp status callbacks, signed, over HTTP.

gunicorn serves the project (as production runs it) with `META_APP_SECRET` set; one WhatsApp channel
is connected and WEBHOOK_MESSAGES sent messages are written for it. wrk posts pre-signed status
callbacks (`delivered`, then `read`, for each message: distinct bodies, so most requests move a row;
the rest are repeats that change nothing) from 8 connections:

* paced: each connection waits a little between requests (wrk's `delay()`), aiming at a little over
  WEBHOOK_RATE callbacks/s: the target's conditions, latency as a provider would see it;
* flat out: no pause, the most this gunicorn answers (headroom).

Errors are non-2xx answers and socket errors. Afterwards the rows are counted (callbacks really
applied, not just answered 200) and everything written is deleted.
"""

import json
import os
import subprocess
import tempfile
import time

from django.conf import settings
from django.utils import timezone

from benchmarks import http
from leads.models import Lead
from messaging.models import Channel, ChannelKind, Message, MessageDirection, MessageStatus
from messaging.webhooks.signatures import meta_signature

WORDS = ("webhooks",)
MESSAGING_WORDS = ("reminders", "delivery")
WEBHOOK_MESSAGES = int(os.environ.get("BENCH_WEBHOOK_MESSAGES", "4000"))
WEBHOOK_RATE = int(os.environ.get("BENCH_WEBHOOK_RATE", "500"))
CONNECTIONS = 8
RATE_TARGET, P50_TARGET_MS = 500, 20
PHONE_NUMBER_ID = "bench-webhooks"
PATH = "/api/messaging/whatsapp/"


def _words(only):
    return [word.strip().lower() for word in (only or "").split(",") if word.strip()]


def wanted(only: str | None) -> bool:
    words = _words(only)
    return not words or any(word in WORDS for word in words)


def only_these(only: str | None) -> bool:
    words = _words(only)
    return bool(words) and all(word in WORDS + MESSAGING_WORDS for word in words)


def _callback(provider_id: str, status: str, stamp: str) -> bytes:
    payload = {"object": "whatsapp_business_account", "entry": [{"id": "WABA", "changes": [{"field": "messages", "value": {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "15550001111", "phone_number_id": PHONE_NUMBER_ID},
        "statuses": [{"id": provider_id, "status": status, "timestamp": stamp, "recipient_id": "923001234567",
                      "conversation": {"id": "CONVERSATION", "origin": {"type": "utility"}},
                      "pricing": {"billable": True, "pricing_model": "PMP", "category": "utility"}}],
    }}]}]}
    return json.dumps(payload, separators=(",", ":")).encode()


def _lua(bodies: list[bytes], signatures: list[str], delay_ms: float) -> str:
    entries = ",\n".join(f"  {{[==[{body.decode()}]==], \"{signature}\"}}" for body, signature in zip(bodies, signatures))
    delay = f"delay = function()\n  return {delay_ms:.1f}\nend\n" if delay_ms else ""
    # Each wrk thread starts at its own place in the list, so the threads do not repeat each other.
    return (
        f"local calls = {{\n{entries}\n}}\n"
        "local threads, counter = {}, 0\n"
        "setup = function(thread)\n  thread:set(\"id\", counter)\n  counter = counter + 1\n  table.insert(threads, thread)\nend\n"
        "local i = nil\n"
        "request = function()\n"
        "  if i == nil then i = (id or 0) * 7919 end\n"
        "  i = i % #calls + 1\n"
        f"  return wrk.format(\"POST\", \"{PATH}\", {{[\"Content-Type\"] = \"application/json\", "
        "[\"X-Hub-Signature-256\"] = calls[i][2]}, calls[i][1])\n"
        "end\n" + delay
    )


def _wrk(name: str, port: int, script: str, seconds: int, log) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
    try:
        command = ["wrk", "--threads", "2", "--connections", str(CONNECTIONS), "--duration", f"{seconds}s", "--latency",
                   "--timeout", "10s", "--script", handle.name, f"http://{http.HOST}:{port}"]
        completed = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60, check=False)
    finally:
        os.unlink(handle.name)
    if completed.returncode != 0:
        raise RuntimeError(f"wrk failed: {completed.stderr.strip()}")
    figures = http.parse_wrk(completed.stdout)
    figures["errors"] = figures["non_2xx"] + figures["socket_errors"]
    figures["name"] = name
    log(f"  {name:<28} {figures['requests_per_second']:8.1f} req/s  p50 {figures['latency_p50_ms']} ms  "
        f"p99 {figures['latency_p99_ms']} ms  errors {figures['errors']}")
    return figures


def measure(*, args, token: str, log) -> dict:
    """The webhook figures: paced at WEBHOOK_RATE and flat out, from 8 connections."""
    if args.no_http:
        return {"skipped": "--no-http"}
    if not http.wrk_available():
        return {"skipped": "wrk is not installed (make bench-tools)"}
    secret = "bench-meta-app-secret"
    os.environ["META_APP_SECRET"] = secret
    if not settings.FIELD_ENCRYPTION_KEYS:  # debug is off here: a channel's token needs a key
        from cryptography.fernet import Fernet

        os.environ["DJANGO_FIELD_ENCRYPTION_KEY"] = Fernet.generate_key().decode()
        settings.FIELD_ENCRYPTION_KEYS = [os.environ["DJANGO_FIELD_ENCRYPTION_KEY"]]
    lead = Lead.objects.unscoped().order_by("id").only("organization_id").first()
    organization_id = lead.organization_id
    Channel.objects.filter(phone_number_id=PHONE_NUMBER_ID).delete()
    Channel.objects.filter(organization_id=organization_id, kind=ChannelKind.WHATSAPP, active=True).update(active=False)
    channel = Channel.objects.create(organization_id=organization_id, kind=ChannelKind.WHATSAPP,
                                     phone_number_id=PHONE_NUMBER_ID, secret="bench-token")
    result = {"messages": WEBHOOK_MESSAGES, "connections": CONNECTIONS, "workers": args.http_workers,
              "seconds": args.http_seconds, "paced_at": WEBHOOK_RATE}
    try:
        now = timezone.now()
        rows = list(Lead.objects.unscoped().filter(organization_id=organization_id).order_by("id")
                    .values_list("id", "contact_number")[:WEBHOOK_MESSAGES])
        Message.objects.bulk_create([
            Message(organization_id=organization_id, lead_id=lead_id, direction=MessageDirection.OUT,
                    channel=ChannelKind.WHATSAPP, channel_account=channel, body="Benchmark", to_number=phone,
                    status=MessageStatus.SENT, provider_message_id=f"wamid.BENCH{lead_id}", sent_at=now, created_at=now)
            for lead_id, phone in rows
        ], batch_size=2000)
        stamp = str(int(now.timestamp()))
        bodies = [_callback(f"wamid.BENCH{lead_id}", status, stamp) for status in ("delivered", "read") for lead_id, _ in rows]
        signatures = [meta_signature(body=body, app_secret=secret) for body in bodies]
        log_path = settings.BASE_DIR / "var" / "bench-gunicorn-webhooks.log"
        log_path.parent.mkdir(exist_ok=True)
        log(f"webhooks: {len(bodies)} signed WhatsApp status callbacks, gunicorn ({args.http_workers} sync workers) "
            f"on 127.0.0.1:{args.http_port}, wrk {args.http_seconds} s at {CONNECTIONS} connections")
        with http.Server(port=args.http_port, workers=args.http_workers, log_path=log_path) as server:
            server.wait_ready(token)
            # Paced: 8 connections, each pausing so that together they send a little over the rate.
            delay_ms = max(0.0, 1000.0 * CONNECTIONS / (WEBHOOK_RATE * 1.15) - 3.0)
            result["paced"] = _wrk(f"paced ({WEBHOOK_RATE}/s aimed)", args.http_port, _lua(bodies, signatures, delay_ms),
                                   args.http_seconds, log)
            time.sleep(1)
            result["flat_out"] = _wrk("flat out", args.http_port, _lua(bodies[::-1], signatures[::-1], 0), args.http_seconds, log)
        counts = dict.fromkeys((MessageStatus.SENT, MessageStatus.DELIVERED, MessageStatus.READ), 0)
        for status in Message.objects.filter(channel_account=channel).values_list("status", flat=True):
            counts[status] = counts.get(status, 0) + 1
        result["rows"] = counts
        log(f"  rows after: {counts}")
    finally:
        Message.objects.filter(channel_account=channel).delete()
        channel.delete()
        os.environ.pop("META_APP_SECRET", None)
    return result


def table_lines(result: dict | None) -> list[str]:
    if not result:
        return []
    lines = ["", "webhooks (WhatsApp status callbacks, signed, gunicorn + wrk):"]
    if "skipped" in result:
        return lines + [f"  skipped: {result['skipped']}"]
    for key in ("paced", "flat_out"):
        row = result[key]
        met = row["requests_per_second"] >= RATE_TARGET and (row["latency_p50_ms"] or 1e9) <= P50_TARGET_MS and not row["errors"]
        lines.append(
            f"  {row['name']:<24} {row['requests_per_second']:.0f}/s from {result['connections']} connections, "
            f"p50 {row['latency_p50_ms']} ms, p99 {row['latency_p99_ms']} ms, {row['errors']} errors"
            f" (target ≥ {RATE_TARGET}/s, p50 ≤ {P50_TARGET_MS} ms, 0 errors: {'met' if met else 'MISSED'})"
        )
    lines.append(f"  rows after: {result['rows']} of {result['messages']} messages")
    return lines
