"""Webhook signatures, checked on the raw request before anything is parsed or stored.

- Meta (WhatsApp Cloud API): `X-Hub-Signature-256: sha256=<hex>`, HMAC-SHA256 of the raw body keyed
  with the app secret (`META_APP_SECRET`): `common.meta_webhooks`, shared with Lead Ads (intake).
- Twilio: `X-Twilio-Signature`, base64 HMAC-SHA1 keyed with the account's auth token over the full
  URL Twilio requested followed by every POST parameter, sorted by name, as name+value (Twilio's
  documented algorithm; its own validator also accepts the URL with or without the scheme's default
  port, as Twilio may sign either, and so do we). The `twilio` package is not needed for one HMAC.

Every comparison is `hmac.compare_digest`; a missing secret or token verifies nothing.
"""

import base64
import hashlib
import hmac
from urllib.parse import urlsplit, urlunsplit

from common.meta_webhooks import meta_signature, meta_signature_valid  # noqa: F401  (Meta's, shared with intake)

_DEFAULT_PORTS = {"https": 443, "http": 80}


def twilio_signature(*, url: str, params, auth_token: str) -> str:
    """Twilio's signature of a request: `params` a dict or a QueryDict (every value of a repeated name, sorted)."""
    data = url
    getlist = getattr(params, "getlist", None)
    for name in sorted(set(params)):
        values = getlist(name) if getlist else [params[name]]
        for value in sorted(set(values)):
            data += name + value
    digest = hmac.new(auth_token.encode(), data.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def _port_variants(url: str) -> list[str]:
    """The URL as given, without its port when it is the scheme's default, and with the default port added."""
    parts = urlsplit(url)
    default = _DEFAULT_PORTS.get(parts.scheme)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError:
        return [url]
    variants = [url]
    if port is None and default:
        variants.append(urlunsplit(parts._replace(netloc=f"{host}:{default}")))
    elif port is not None:
        variants.append(urlunsplit(parts._replace(netloc=host)))
    return variants


def twilio_signature_valid(*, url: str, params, header: str | None, auth_token: str) -> bool:
    if not auth_token or not isinstance(header, str) or not header.strip():
        return False
    given = header.strip().encode()
    return any(
        hmac.compare_digest(twilio_signature(url=variant, params=params, auth_token=auth_token).encode(), given)
        for variant in _port_variants(url)
    )
