"""Provider secrets encrypted at rest: a model field over `cryptography`'s Fernet, with key rotation.

`DJANGO_FIELD_ENCRYPTION_KEY` holds one or more Fernet keys, comma-separated, newest first: the
first encrypts, every one decrypts (MultiFernet), so a key is rotated by putting the new one in front,
running `manage.py rotate_channel_secrets`, then dropping the old one. In development (DEBUG) with no
key a key derived from SECRET_KEY stands in, so `make run` needs nothing; with debug off and a channel
connected `check --deploy` refuses the missing key (messaging/checks.py) and saving a secret raises.

A value that no configured key opens raises `SecretUnreadable` (never returns garbage, never an empty
string): a wrong or missing key fails loudly at the first send, not silently at the provider.
Chosen over a package (django-fernet-encrypted-fields, django-cryptography): ~60 lines over the
maintained `cryptography` library, a dedicated key (those packages derive from SECRET_KEY or their own
setting names), and rotation through MultiFernet.
"""

import base64
import hashlib
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models


class SecretUnreadable(Exception):
    """A stored secret that no configured key decrypts (wrong `DJANGO_FIELD_ENCRYPTION_KEY`)."""


def configured_keys() -> list[str]:
    keys = [key.strip() for key in getattr(settings, "FIELD_ENCRYPTION_KEYS", []) if key.strip()]
    if keys:
        return keys
    if settings.DEBUG or getattr(settings, "FIELD_ENCRYPTION_DERIVE_FROM_SECRET_KEY", False):
        digest = hashlib.sha256(b"leads.messaging.field-encryption:" + settings.SECRET_KEY.encode()).digest()
        return [base64.urlsafe_b64encode(digest).decode()]
    raise ImproperlyConfigured(
        "DJANGO_FIELD_ENCRYPTION_KEY is required to store or read a channel's secret when DJANGO_DEBUG is false."
    )


@lru_cache(maxsize=8)
def _fernet_for(keys: tuple[str, ...]) -> MultiFernet:
    try:
        return MultiFernet([Fernet(key.encode()) for key in keys])
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured(
            "DJANGO_FIELD_ENCRYPTION_KEY must be Fernet keys (32 url-safe base64-encoded bytes), comma-separated."
        ) from exc


def fernet() -> MultiFernet:
    return _fernet_for(tuple(configured_keys()))


def encrypt(value: str) -> str:
    return fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise SecretUnreadable(
            "A stored channel secret cannot be decrypted with DJANGO_FIELD_ENCRYPTION_KEY (wrong or rotated-out key)."
        ) from exc


def rotate(token: str) -> str:
    """The same secret re-encrypted with the first (newest) key."""
    try:
        return fernet().rotate(token.encode()).decode()
    except InvalidToken as exc:
        raise SecretUnreadable("A stored channel secret cannot be decrypted with any configured key.") from exc


class EncryptedSecret(str):
    """The decrypted secret; its repr hides the value so a traceback or a debug print never shows it."""

    def __repr__(self) -> str:
        return "'***'"


class EncryptedTextField(models.TextField):
    """A text column holding a Fernet token; Python sees the plaintext (lazily decrypted on read)."""

    description = "Text encrypted at rest with DJANGO_FIELD_ENCRYPTION_KEY"

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return EncryptedSecret(decrypt(value))

    def to_python(self, value):
        return value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(str(value))
