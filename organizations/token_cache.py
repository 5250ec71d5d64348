"""The token → user → branch scope answer, kept in the shared cache with immediate invalidation.

An API call with a valid cached token costs one cache round trip (an MGET of three keys) and no
query: the token's user (id, username, active and staff flags) and the ids of the branches the
user reaches (`visible_branch_ids`) come from the entry.

Invalidation, across processes because it goes through the shared cache:
- every entry is stamped with its token's *generation* (a random value under its own key) and
  with the global generation; a hit is served only while both still match. Revoking a token
  (logout, expiry sweep, deletion) deletes its entry and replaces its generation; changing a
  user or one of their memberships replaces the generation of each of the user's tokens;
  creating or deleting a branch (org admins reach every branch of their organization) replaces
  the global generation. Each replacement is done at once and again when the transaction
  commits, so a process that read the database before the commit can never store a stale entry
  that matches (it stamped the generation it read first);
- an entry records the token's expiry and is not served past it (knox's own check then deletes
  the token and answers 401), and lives at most `DJANGO_AUTH_CACHE_SECONDS`.

Writes that bypass model signals (`QuerySet.update()` on users or memberships, raw SQL) are not
seen until the entry's lifetime ends; the services and the admin save and delete models.

On only when the cache is shared by every process (`REDIS_URL`), or `DJANGO_AUTH_CACHE_SECONDS`
says so: a per-process memory cache could not hear another worker's logout.
"""

import secrets
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, transaction

ENTRY = "auth:t:{digest}"
TOKEN_GENERATION = "auth:g:{digest}"
GLOBAL_GENERATION = "auth:g:all"
USER_FIELDS = ("id", "username", "is_active", "is_staff", "is_superuser")  # what the API reads of request.user


def cache_seconds() -> int:
    return int(getattr(settings, "AUTH_CACHE_SECONDS", 0) or 0)


def enabled() -> bool:
    return cache_seconds() > 0


def _new_generation() -> str:
    return secrets.token_hex(8)


class Lookup:
    """One token's cache state, read in one round trip."""

    __slots__ = ("digest", "entry", "token_generation", "global_generation")

    def __init__(self, digest: str):
        self.digest = digest
        keys = [ENTRY.format(digest=digest), TOKEN_GENERATION.format(digest=digest), GLOBAL_GENERATION]
        try:
            found = cache.get_many(keys)
        except Exception:  # noqa: BLE001 - the cache down: every lookup is a miss, the database answers
            found = {}
        self.entry = found.get(keys[0])
        self.token_generation = found.get(keys[1])
        self.global_generation = found.get(keys[2])

    def hit(self):
        """(user, token) from the entry, or None when it is missing, stale or past the token's expiry."""
        entry = self.entry
        if not entry or self.token_generation is None or self.global_generation is None:
            return None
        token_generation, global_generation, user_values, expiry, token_key, created, scope = entry
        if token_generation != self.token_generation or global_generation != self.global_generation:
            return None
        if expiry is not None and expiry <= time.time():
            return None
        from knox.models import get_token_model

        from organizations.models import remember_visible_branch_ids

        # Model instances as a query would load them, with the other fields deferred (read lazily;
        # a save() writes only the loaded fields).
        user = _from_values(get_user_model(), dict(zip(USER_FIELDS, user_values)))
        token = _from_values(get_token_model(), {
            "digest": self.digest, "token_key": token_key, "user_id": user_values[0],
            "created": _datetime(created), "expiry": _datetime(expiry),
        })
        token.user = user
        if scope is not None:
            remember_visible_branch_ids(user, scope)
        return user, token

    def store(self, user, token) -> None:
        """Remember a token the database just accepted, stamped with the generations read before the query."""
        from organizations.models import user_sees_everything, visible_branch_ids

        seconds = cache_seconds()
        if token.expiry is not None:
            seconds = min(seconds, int(token.expiry.timestamp() - time.time()))
        if seconds <= 0:
            return
        try:
            token_generation = self.token_generation or _claim(TOKEN_GENERATION.format(digest=self.digest))
            global_generation = self.global_generation or _claim(GLOBAL_GENERATION)
            if token_generation is None or global_generation is None:
                return
            scope = None if user_sees_everything(user) else list(visible_branch_ids(user))
            entry = (
                token_generation, global_generation, tuple(getattr(user, name) for name in USER_FIELDS),
                token.expiry.timestamp() if token.expiry else None, token.token_key,
                token.created.timestamp() if token.created else None, scope,
            )
            cache.set(ENTRY.format(digest=self.digest), entry, seconds)
        except Exception:  # noqa: BLE001 - not cached this time; the answer was right anyway
            return


def _from_values(model, values: dict):
    names = [field.attname for field in model._meta.concrete_fields if field.attname in values]
    return model.from_db(DEFAULT_DB_ALIAS, names, [values[name] for name in names])


def _claim(key: str) -> str | None:
    """The generation under `key`, creating one if there is none (lives a day past any entry)."""
    fresh = _new_generation()
    if cache.add(key, fresh, cache_seconds() + 86_400):
        return fresh
    return cache.get(key)


def _datetime(stamp):
    if stamp is None:
        return None
    from datetime import datetime, timezone

    return datetime.fromtimestamp(stamp, tz=timezone.utc)


def _now_and_on_commit(function) -> None:
    function()
    transaction.on_commit(function)


def _safely(function):
    def run():
        try:
            function()
        except Exception:  # noqa: BLE001 - the cache down: entries expire on their own
            pass

    return run


def forget_token(*, digest: str) -> None:
    """A token is gone (logout, expiry, deletion): its entry stops being served at once, everywhere."""
    if not enabled():
        return

    @_safely
    def forget():
        cache.set(TOKEN_GENERATION.format(digest=digest), _new_generation(), cache_seconds() + 86_400)
        cache.delete(ENTRY.format(digest=digest))

    _now_and_on_commit(forget)


def forget_user(*, user_id: int) -> None:
    """A user or one of their memberships changed: every token of theirs is looked up afresh."""
    if not enabled():
        return
    from knox.models import get_token_model

    digests = list(get_token_model().objects.filter(user_id=user_id).values_list("digest", flat=True))
    if not digests:
        return

    @_safely
    def forget():
        seconds = cache_seconds() + 86_400
        cache.set_many({TOKEN_GENERATION.format(digest=d): _new_generation() for d in digests}, seconds)

    _now_and_on_commit(forget)


def forget_all() -> None:
    """Branches were added or removed (an org admin's scope): every entry is looked up afresh."""
    if not enabled():
        return

    @_safely
    def forget():
        cache.set(GLOBAL_GENERATION, _new_generation(), cache_seconds() + 86_400)

    _now_and_on_commit(forget)
