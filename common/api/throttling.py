"""Throttles: one atomic cache round trip per check, fail-open while the cache is unreachable.

Each throttle counts requests in fixed windows (`<rate's period>` long, aligned to the clock):
the check is a single atomic increment of the window's counter, so concurrent requests can
never overshoot the limit (60 allowed means exactly 60 answered, however they race), and a
check costs one cache round trip instead of DRF's read-modify-write of a timestamp list (two
round trips, racy). With Redis the increment is `SET key 0 EX <period> NX` + `INCR key` in
one MULTI/EXEC pipeline; other backends use their own atomic `incr` (`add` on a window's first hit).

A fixed window admits at most the rate per window; a client timing a burst across a window's
edge can get up to twice the rate within one period. That is the usual price of one round trip
and is what the rates are chosen with.

Fail-open policy: when the cache raises (unreachable, timing out), the check lets the request
through and logs a warning (`common.api.throttling`, at most once a minute per process).
Throttling protects capacity; it must not turn a cache outage into an API outage. Logins keep
their other defence (password hashing cost), and the outage is visible in the logs and `/readyz`.
"""

import hashlib
import logging
import math
import time

from rest_framework import throttling

logger = logging.getLogger(__name__)
_WARN_EVERY_SECONDS = 60
_last_warning = 0.0


def _warn_cache_down(exc: Exception) -> None:
    global _last_warning
    now = time.monotonic()
    if now - _last_warning >= _WARN_EVERY_SECONDS:
        _last_warning = now
        logger.warning("throttle cache unavailable, letting requests through (fail open): %s", exc.__class__.__name__)


def _redis_client(cache, key: str):
    """The raw redis-py client behind Django's RedisCache (or a backend wrapping one), else None."""
    backend = getattr(cache, "_cache", None)
    get_client = getattr(backend, "get_client", None)
    if get_client is None or not hasattr(cache, "make_and_validate_key"):
        return None
    return get_client(key, write=True)


def increment_window(cache, key: str, period: int) -> int:
    """Atomically add one to the counter `key` (created with a `period`-second lifetime); its new value."""
    client = _redis_client(cache, key)
    if client is not None:
        # common.cache.ResilientRedisCache's back-off: while it has marked Redis down, do not wait
        # for another timeout; a failure here marks it down for everyone in the process.
        is_down, failed = getattr(cache, "_is_down", None), getattr(cache, "_failed", None)
        if is_down is not None and is_down():
            raise ConnectionError("cache marked unavailable")
        full_key = cache.make_and_validate_key(key)
        pipeline = client.pipeline(transaction=True)
        pipeline.set(full_key, 0, ex=period, nx=True)
        pipeline.incr(full_key)
        try:
            return int(pipeline.execute()[1])
        except Exception as exc:
            if failed is not None:
                failed("throttle", exc)
            raise
    try:
        return cache.incr(key)
    except ValueError:  # the window's first request
        if cache.add(key, 1, period):
            return 1
        return cache.incr(key)


class FixedWindowThrottleMixin:
    """Replaces SimpleRateThrottle's history list with an atomic per-window counter."""

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.now = self.timer()
        window = int(self.now // self.duration)
        self.window_ends_at = (window + 1) * self.duration
        try:
            count = increment_window(self.cache, f"{self.key}:w{window}", self.duration + 1)
        except Exception as exc:  # noqa: BLE001 - any cache failure: fail open (module docstring)
            _warn_cache_down(exc)
            return True
        return count <= self.num_requests

    def wait(self):
        return max(1, math.ceil(self.window_ends_at - self.now))


class UserRateThrottle(FixedWindowThrottleMixin, throttling.UserRateThrottle):
    """`DJANGO_THROTTLE_USER`: requests per signed-in user (per client address when anonymous)."""


class ScopedRateThrottle(FixedWindowThrottleMixin, throttling.ScopedRateThrottle):
    """The view's `throttle_scope` rate (`search`: `DJANGO_THROTTLE_SEARCH`, `login`: `DJANGO_THROTTLE_LOGIN`),
    per user, or per client address when anonymous (so `login` counts attempts per address)."""

    def allow_request(self, request, view):
        # DRF's own preamble: the rate is the view's scope's, known only now.
        self.scope = getattr(view, self.scope_attr, None)
        if not self.scope:
            return True
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return FixedWindowThrottleMixin.allow_request(self, request, view)


class LoginAccountRateThrottle(FixedWindowThrottleMixin, throttling.SimpleRateThrottle):
    """`DJANGO_THROTTLE_LOGIN_ACCOUNT`: password attempts per account, from any address.

    Beside the per-address `login` rate: an attacker spreading guesses for one account over many
    addresses is held back here. The account is the submitted username (case and surrounding
    spaces ignored), stored in the cache only as a hash; attempts without a username are left
    to the per-address rate.
    """

    scope = "login_account"

    def get_cache_key(self, request, view):
        try:
            username = request.data.get("username")
        except AttributeError:  # a body that is not a JSON object: the view answers 400
            return None
        if not isinstance(username, str) or not username.strip():
            return None
        digest = hashlib.sha256(username.strip().lower().encode()).hexdigest()[:32]
        return self.cache_format % {"scope": self.scope, "ident": digest}
