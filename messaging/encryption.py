"""Provider secrets encrypted at rest: a model field over `cryptography`'s Fernet, with key rotation.

`DJANGO_FIELD_ENCRYPTION_KEY` holds one or more Fernet keys, comma-separated, newest first: the
first encrypts, every one decrypts (MultiFernet), so a key is rotated by putting the new one in front,
running `manage.py rotate_channel_secrets`, then dropping the old one. In development (DEBUG) with no
key a key derived from SECRET_KEY stands in, so `make run` needs nothing; with debug off and a channel
connected `check --deploy` refuses the missing key (messaging/checks.py) and saving a secret raises.

Reading a row never decrypts (`SealedSecret`); `reveal()` does, and a value that no configured key
opens raises `SecretUnreadable` (never garbage, never an empty string): a wrong key fails loudly at the
first send, and the message is `failed` with that reason.
Chosen over a package: django-cryptography is unmaintained (no Django 5 release) and
django-fernet-encrypted-fields derives its keys from SECRET_KEY plus a salt setting (rotating
SECRET_KEY, which sessions and tokens invite, would then lose every secret) and decrypts on every
read; this is ~100 lines over the maintained `cryptography` library, with a dedicated key list.
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
    if getattr(settings, "FIELD_ENCRYPTION_DERIVE_FROM_SECRET_KEY", False):
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


class SealedSecret:
    """A stored secret as read from the database: the ciphertext, opened only by `reveal()`.

    Loading a channel (the admin's list, the API) never decrypts; only the provider call does, so a
    wrong key fails there, loudly (`SecretUnreadable`), and the value never sits in a repr or a log.
    """

    __slots__ = ("token",)

    def __init__(self, token: str):
        self.token = token

    def reveal(self) -> str:
        return decrypt(self.token)

    def __bool__(self) -> bool:
        return bool(self.token)

    def __eq__(self, other) -> bool:
        return isinstance(other, SealedSecret) and other.token == self.token

    def __hash__(self) -> int:
        return hash(self.token)

    def __repr__(self) -> str:
        return "<SealedSecret ***>"

    __str__ = __repr__


def reveal(value) -> str:
    """The plaintext of a field value: a `SealedSecret` read from the database, or a string just assigned."""
    if isinstance(value, SealedSecret):
        return value.reveal()
    return value or ""


class EncryptedTextField(models.TextField):
    """A text column holding a Fernet token. Assign the plaintext; reading gives a `SealedSecret`."""

    description = "Text encrypted at rest with DJANGO_FIELD_ENCRYPTION_KEY"

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return SealedSecret(value)

    def to_python(self, value):
        return value

    def get_prep_value(self, value):
        if isinstance(value, SealedSecret):
            return value.token  # unchanged: stored as it was read
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(str(value))

    def value_to_string(self, obj):  # serialization (dumpdata) keeps the ciphertext, never the plaintext
        value = self.value_from_object(obj)
        return value.token if isinstance(value, SealedSecret) else ""
