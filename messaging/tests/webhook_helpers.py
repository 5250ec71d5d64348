"""Signed webhook requests as Meta and Twilio send them, for the webhook tests and the benchmark."""

import itertools
import json
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone

from messaging.webhooks.signatures import meta_signature, twilio_signature

APP_SECRET = "meta-app-secret-for-tests"
VERIFY_TOKEN = "verify-token-for-tests"
_ids = itertools.count(1)


def wamid() -> str:
    return f"wamid.TEST{next(_ids):010d}"


def now_stamp(seconds_ago: int = 0) -> str:
    return str(int(timezone.now().timestamp()) - seconds_ago)


def wa_status(provider_id: str, status: str, *, errors=None, seconds_ago: int = 0, recipient: str = "923001234567") -> dict:
    status_row = {"id": provider_id, "status": status, "timestamp": now_stamp(seconds_ago), "recipient_id": recipient}
    if errors:
        status_row["errors"] = errors
    return status_row


def wa_text(sender: str, text: str, *, message_id: str | None = None, seconds_ago: int = 0) -> dict:
    return {"from": sender, "id": message_id or wamid(), "timestamp": now_stamp(seconds_ago), "type": "text",
            "text": {"body": text}}


def wa_payload(phone_number_id: str, *, statuses=(), messages=(), contacts=(), display="15550001111") -> dict:
    value = {"messaging_product": "whatsapp", "metadata": {"display_phone_number": display, "phone_number_id": phone_number_id}}
    if statuses:
        value["statuses"] = list(statuses)
    if messages:
        value["messages"] = list(messages)
    if contacts:
        value["contacts"] = list(contacts)
    return {"object": "whatsapp_business_account",
            "entry": [{"id": "WABA-ID", "changes": [{"field": "messages", "value": value}]}]}


def wa_contact(wa_id: str, name: str) -> dict:
    return {"wa_id": wa_id, "profile": {"name": name}}


def signed_whatsapp(payload: dict, *, secret: str = APP_SECRET) -> tuple[bytes, str]:
    body = json.dumps(payload).encode()
    return body, meta_signature(body=body, app_secret=secret)


def twilio_url(base: str = "http://testserver") -> str:
    return base + reverse("messaging:twilio-webhook")


def signed_twilio(params: dict, *, auth_token: str, url: str | None = None) -> tuple[bytes, str]:
    return urlencode(params).encode(), twilio_signature(url=url or twilio_url(), params=params, auth_token=auth_token)
