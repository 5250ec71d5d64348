"""Intake keys: `ik_<prefix>_<secret>`, shown once; stored as the prefix (to find the row) and the secret's SHA-256.

The secret is 32 random bytes, so a fast hash is enough (nothing to brute-force, unlike a password);
the comparison is constant-time (`hmac.compare_digest`). A key that does not parse finds nothing.
"""

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

KEY_PREFIX_LENGTH = 10
_KEY = re.compile(r"^ik_([0-9a-f]{10})_([A-Za-z0-9_-]{43})$")


@dataclass(frozen=True)
class NewKey:
    key: str  # the whole key: shown to its creator once, never stored
    prefix: str
    digest: str


def digest_of(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_key() -> NewKey:
    prefix, secret = secrets.token_hex(KEY_PREFIX_LENGTH // 2), secrets.token_urlsafe(32)
    return NewKey(key=f"ik_{prefix}_{secret}", prefix=prefix, digest=digest_of(secret))


def split_key(key) -> tuple[str, str] | None:
    """`(prefix, secret)` of a well-formed key, else None."""
    if not isinstance(key, str):
        return None
    match = _KEY.match(key.strip())
    return (match.group(1), match.group(2)) if match else None


def secret_matches(secret: str, stored_digest: str) -> bool:
    return hmac.compare_digest(digest_of(secret), stored_digest)
