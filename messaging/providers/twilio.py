"""Twilio SMS: `POST {TWILIO_API_URL}/2010-04-01/Accounts/{sid}/Messages.json`, basic auth, a form body.

Twilio answers 201 with the message's `sid`, or an error body with a numeric `code` (21610: the
recipient replied STOP to this sender; 20429/HTTP 429: too many requests).
"""

import httpx
from django.conf import settings

from messaging.providers.base import (
    OutgoingMessage,
    Provider,
    ProviderError,
    http_client,
    retry_after_seconds,
    transport_error,
)

UNSUBSCRIBED = 21610
RETRYABLE_CODES = {20429, 20500, 20503, 30001}


class TwilioProvider(Provider):
    name = "twilio"

    def __init__(self, *, account_sid: str, auth_token: str, from_number: str = "", messaging_service_sid: str = ""):
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.from_number = from_number
        self.messaging_service_sid = messaging_service_sid

    def url(self) -> str:
        return f"{settings.TWILIO_API_URL}/2010-04-01/Accounts/{self.account_sid}/Messages.json"

    def form(self, message: OutgoingMessage) -> dict:
        form = {"To": message.to, "Body": message.body}
        if self.messaging_service_sid:
            form["MessagingServiceSid"] = self.messaging_service_sid
        else:
            form["From"] = self.from_number
        if settings.TWILIO_STATUS_CALLBACK_URL:
            form["StatusCallback"] = settings.TWILIO_STATUS_CALLBACK_URL
        return form

    def send(self, message: OutgoingMessage) -> str:
        try:
            response = http_client().post(self.url(), data=self.form(message), auth=(self.account_sid, self.auth_token))
        except httpx.HTTPError as exc:
            raise transport_error(exc) from None
        try:
            data = response.json()
        except ValueError:
            data = {}
        if not isinstance(data, dict):
            data = {}
        if response.status_code < 300:
            if not data.get("sid"):
                raise ProviderError("Twilio answered without a message sid.", code="no_id")
            return str(data["sid"])
        code = data.get("code")
        reason = f"Twilio error {code}: {data.get('message') or response.reason_phrase}" if code else (
            f"Twilio HTTP {response.status_code}: {data.get('message') or response.reason_phrase}"
        )
        return_retryable = code in RETRYABLE_CODES or response.status_code >= 500 or response.status_code == 429
        raise ProviderError(
            reason[:500],
            code=str(code or response.status_code),
            retryable=return_retryable,
            opt_out=code == UNSUBSCRIBED,
            retry_after=retry_after_seconds(response),
        )
