"""What the providers' webhook bodies say, read defensively: anything missing or of the wrong type is skipped.

WhatsApp Cloud API (`field: messages`): `entry[].changes[].value` with `metadata.phone_number_id`
(our number), `statuses[]` (`id`, `status`, `timestamp`, `errors[]`) and `messages[]` (`from`, `id`,
`timestamp`, `type`, the type's object) with `contacts[]` (`wa_id`, `profile.name`).
Twilio: form fields; a status callback carries `MessageStatus`, an inbound SMS `Body` and
`SmsStatus=received`.
"""

from dataclasses import dataclass, field
from datetime import datetime
from datetime import timezone as dt_timezone

from django.utils import timezone

from messaging.models import MessageStatus
from messaging.services.inbound import InboundMessage
from messaging.services.statuses import StatusUpdate

WHATSAPP_STATUSES = {
    "sent": MessageStatus.SENT,
    "delivered": MessageStatus.DELIVERED,
    "read": MessageStatus.READ,
    "failed": MessageStatus.FAILED,
}
TWILIO_STATUSES = {
    "sent": MessageStatus.SENT,
    "delivered": MessageStatus.DELIVERED,
    "read": MessageStatus.READ,
    "undelivered": MessageStatus.FAILED,
    "failed": MessageStatus.FAILED,
}
# Twilio's delivery error codes staff meet most (https://www.twilio.com/docs/api/errors).
TWILIO_ERROR_TEXTS = {
    "21610": "Attempt to send to unsubscribed recipient",
    "30003": "Unreachable destination handset",
    "30004": "Message blocked",
    "30005": "Unknown destination handset",
    "30006": "Landline or unreachable carrier",
    "30007": "Message filtered by the carrier",
    "30008": "Unknown error",
}


def _dicts(value) -> list[dict]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _str(value) -> str:
    return value.strip() if isinstance(value, str) else (str(value) if isinstance(value, int) else "")


def _time(value) -> datetime:
    """A provider's unix timestamp (seconds), else now."""
    try:
        seconds = int(str(value))
        return datetime.fromtimestamp(seconds, tz=dt_timezone.utc)
    except (TypeError, ValueError, OverflowError, OSError):
        return timezone.now()


@dataclass
class WhatsAppChange:
    phone_number_id: str
    statuses: list[StatusUpdate] = field(default_factory=list)
    messages: list[InboundMessage] = field(default_factory=list)


def _whatsapp_error(errors: list[dict]) -> str:
    parts = []
    for error in errors:
        code = _str(error.get("code"))
        title = _str(error.get("title")) or _str(error.get("message"))
        details = _str((error.get("error_data") or {}).get("details")) if isinstance(error.get("error_data"), dict) else ""
        parts.append(f"WhatsApp error {code}: {title}" + (f" ({details})" if details and details != title else ""))
    return "; ".join(parts)


def _whatsapp_text(message: dict) -> str:
    """What the thread shows for one inbound message of any type."""
    kind = _str(message.get("type"))
    body = message.get(kind) if isinstance(message.get(kind), dict) else {}
    if kind == "text":
        return _str(body.get("body"))
    if kind == "button":
        return _str(body.get("text")) or _str(body.get("payload"))
    if kind == "interactive":
        for reply in ("button_reply", "list_reply", "nfm_reply"):
            if isinstance(body.get(reply), dict):
                return _str(body[reply].get("title")) or _str(body[reply].get("body")) or _str(body[reply].get("id"))
        return "[interactive]"
    if kind in ("image", "video", "document", "audio", "sticker"):
        caption = _str(body.get("caption"))
        filename = _str(body.get("filename"))
        label = f"[{kind}{': ' + filename if filename else ''}]"
        return f"{label} {caption}".strip()
    if kind == "location":
        place = " ".join(part for part in (_str(body.get("name")), _str(body.get("address"))) if part)
        return f"[location {body.get('latitude')}, {body.get('longitude')}] {place}".strip()
    if kind == "reaction":
        return f"[reaction {_str(body.get('emoji'))}]"
    if kind == "contacts":
        return "[contact card]"
    return f"[{kind or 'message'}]"


def whatsapp_changes(payload) -> list[WhatsAppChange]:
    """The `messages` changes of a WhatsApp webhook body, each with its number's statuses and messages."""
    changes = []
    entries = payload.get("entry") if isinstance(payload, dict) else None
    for entry in _dicts(entries):
        for change in _dicts(entry.get("changes")):
            value = change.get("value")
            if change.get("field") != "messages" or not isinstance(value, dict):
                continue
            metadata = value.get("metadata") if isinstance(value.get("metadata"), dict) else {}
            found = WhatsAppChange(phone_number_id=_str(metadata.get("phone_number_id")))
            for status in _dicts(value.get("statuses")):
                mapped = WHATSAPP_STATUSES.get(_str(status.get("status")))
                if mapped and _str(status.get("id")):
                    found.statuses.append(StatusUpdate(
                        _str(status.get("id")), mapped, _time(status.get("timestamp")),
                        _whatsapp_error(_dicts(status.get("errors"))),
                    ))
            names = {}
            for contact in _dicts(value.get("contacts")):
                profile = contact.get("profile") if isinstance(contact.get("profile"), dict) else {}
                names[_str(contact.get("wa_id"))] = _str(profile.get("name"))
            for message in _dicts(value.get("messages")):
                sender = _str(message.get("from"))
                found.messages.append(InboundMessage(
                    provider_message_id=_str(message.get("id")),
                    from_number=sender,
                    text=_whatsapp_text(message),
                    at=_time(message.get("timestamp")),
                    profile_name=names.get(sender, ""),
                ))
            if found.phone_number_id and (found.statuses or found.messages):
                changes.append(found)
    return changes


def twilio_status(params) -> StatusUpdate | None:
    """A Twilio status callback's update, or None (not a status we act on: queued, sending, accepted…)."""
    mapped = TWILIO_STATUSES.get((params.get("MessageStatus") or "").strip().lower())
    sid = (params.get("MessageSid") or params.get("SmsSid") or "").strip()
    if not mapped or not sid:
        return None
    error = ""
    if mapped == MessageStatus.FAILED:
        code = (params.get("ErrorCode") or "").strip()
        text = (params.get("ErrorMessage") or "").strip() or TWILIO_ERROR_TEXTS.get(code, "")
        error = f"Twilio error {code}: {text}".rstrip(": ") if code else f"Twilio: {params.get('MessageStatus')}"
    return StatusUpdate(sid, mapped, timezone.now(), error)


def is_twilio_inbound(params) -> bool:
    status = (params.get("SmsStatus") or params.get("MessageStatus") or "").strip().lower()
    return status == "received" or ("Body" in params and not params.get("MessageStatus"))


def twilio_inbound(params) -> InboundMessage:
    body = (params.get("Body") or "").strip()
    try:
        media = int(params.get("NumMedia") or 0)
    except ValueError:
        media = 0
    if media:
        body = f"[{media} attachment{'s' if media > 1 else ''}] {body}".strip()
    return InboundMessage(
        provider_message_id=(params.get("MessageSid") or params.get("SmsMessageSid") or "").strip(),
        from_number=(params.get("From") or "").strip(),
        text=body,
        at=timezone.now(),
    )
