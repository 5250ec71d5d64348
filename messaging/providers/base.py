"""The provider interface: send one message, get the provider's id, or a `ProviderError` saying whether to retry.

Providers are called only by the outbox (messaging/services/outbox.py), after the message is claimed.
Each is a thin client over the provider's HTTP API (httpx): the WhatsApp Cloud API and Twilio's REST
API need one POST each, so their SDKs (pywa, twilio) would add a dependency tree and their own retry
and threading behaviour for two calls whose retries the outbox must own (claim, back-off, give-up).
"""

from dataclasses import dataclass, field
from functools import lru_cache

import httpx
from django.conf import settings


@dataclass(frozen=True)
class OutgoingMessage:
    """What a provider needs to send one message (no model objects: a provider never touches the database)."""

    message_id: int
    to: str  # E.164
    body: str  # the rendered text (SMS and WhatsApp free text send it; the log provider writes it)
    template_name: str = ""  # WhatsApp: the approved template's name; empty = free text
    template_language: str = ""
    params: list[str] = field(default_factory=list)


class ProviderError(Exception):
    """A send the provider refused or could not take.

    `retryable`: try again later (5xx, timeouts, rate limits); else the message fails for good with
    `reason`. `opt_out`: the provider says the customer unsubscribed (Twilio 21610): the lead is opted
    out too. `retry_after`: the provider's own wait, in seconds, when it gave one.
    """

    def __init__(self, reason: str, *, code: str = "", retryable: bool = False, opt_out: bool = False,
                 retry_after: float | None = None):
        super().__init__(reason)
        self.reason = reason
        self.code = code
        self.retryable = retryable
        self.opt_out = opt_out
        self.retry_after = retry_after


class Provider:
    """Send `message`; return the provider's message id, or raise `ProviderError`."""

    name = "provider"

    def send(self, message: OutgoingMessage) -> str:  # pragma: no cover - interface
        raise NotImplementedError


@lru_cache(maxsize=1)
def http_client() -> httpx.Client:
    """One pooled HTTP client per process (thread-safe), with the configured timeout."""
    timeout = settings.MESSAGING_HTTP_TIMEOUT
    return httpx.Client(
        timeout=httpx.Timeout(timeout, connect=min(timeout, 5.0)),
        limits=httpx.Limits(max_connections=20, max_keepalive_connections=10),
        headers={"User-Agent": "leads-messaging/1"},
        follow_redirects=False,
    )


def retry_after_seconds(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After", "")
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


def transport_error(exc: httpx.HTTPError) -> ProviderError:
    """A timeout or a broken connection: the message may be retried (nothing reached the provider, or it will say)."""
    kind = "timed out" if isinstance(exc, httpx.TimeoutException) else "could not be reached"
    return ProviderError(f"The provider {kind} ({type(exc).__name__}).", code="transport", retryable=True)
