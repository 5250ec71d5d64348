"""The WhatsApp Cloud API: `POST {META_GRAPH_URL}/{version}/{phone_number_id}/messages` with the access token.

A template message (with its language and body parameters) or, inside the customer's 24-hour window,
a text message. Meta answers `{"messages": [{"id": "wamid…"}]}`, or an `error` with a numeric `code`.
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

# Codes worth another try later (Meta's error-codes page): throttling, pair rate, temporary failures.
RETRYABLE_CODES = {1, 2, 4, 80007, 130429, 131000, 131016, 131056, 133004}
OUTSIDE_WINDOW = 131047  # re-engagement: free text more than 24 hours after the customer's last message


class WhatsAppCloudProvider(Provider):
    name = "whatsapp"

    def __init__(self, *, phone_number_id: str, access_token: str):
        self.phone_number_id = phone_number_id
        self.access_token = access_token

    def url(self) -> str:
        return f"{settings.META_GRAPH_URL}/{settings.META_GRAPH_VERSION}/{self.phone_number_id}/messages"

    @staticmethod
    def payload(message: OutgoingMessage) -> dict:
        to = message.to.lstrip("+")
        if message.template_name:
            template = {"name": message.template_name, "language": {"code": message.template_language or "en"}}
            if message.params:
                template["components"] = [
                    {"type": "body", "parameters": [{"type": "text", "text": value} for value in message.params]}
                ]
            return {
                "messaging_product": "whatsapp", "to": to, "type": "template", "template": template,
                "biz_opaque_callback_data": str(message.message_id),
            }
        return {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": to,
            "type": "text",
            "text": {"preview_url": False, "body": message.body},
            # Echoed in the status webhooks: our message id, whatever the provider's id.
            "biz_opaque_callback_data": str(message.message_id),
        }

    def send(self, message: OutgoingMessage) -> str:
        try:
            response = http_client().post(
                self.url(),
                json=self.payload(message),
                headers={"Authorization": f"Bearer {self.access_token}"},
            )
        except httpx.HTTPError as exc:
            raise transport_error(exc) from None
        data = _json(response)
        if response.status_code < 300:
            try:
                return str(data["messages"][0]["id"])
            except (KeyError, IndexError, TypeError):
                raise ProviderError("WhatsApp answered without a message id.", code="no_id") from None
        raise _error(response, data)


def _json(response: httpx.Response):
    try:
        return response.json()
    except ValueError:
        return {}


def _error(response: httpx.Response, data) -> ProviderError:
    error = data.get("error", {}) if isinstance(data, dict) else {}
    code = error.get("code")
    details = (error.get("error_data") or {}).get("details") if isinstance(error.get("error_data"), dict) else None
    text = details or error.get("message") or f"HTTP {response.status_code}"
    reason = f"WhatsApp error {code}: {text}" if code else f"WhatsApp HTTP {response.status_code}: {text}"
    retryable = code in RETRYABLE_CODES or response.status_code >= 500 or response.status_code == 429
    if code == OUTSIDE_WINDOW:
        reason = f"WhatsApp error {code}: more than 24 hours since the customer's last message; send a template."
        retryable = False
    return ProviderError(reason[:500], code=str(code or response.status_code), retryable=retryable,
                         retry_after=retry_after_seconds(response))
