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


def increment_windows(cache, windows: list[tuple[str, int]]) -> list[int]:
    """Add one to each `(key, period)` counter; their new values. With Redis: one round trip for all."""
    client = _redis_client(cache, windows[0][0])
    if client is not None:
        # common.cache.ResilientRedisCache's back-off: while it has marked Redis down, do not wait
        # for another timeout; a failure here marks it down for everyone in the process.
        is_down, failed = getattr(cache, "_is_down", None), getattr(cache, "_failed", None)
        if is_down is not None and is_down():
            raise ConnectionError("cache marked unavailable")
        pipeline = client.pipeline(transaction=True)
        for key, period in windows:
            full_key = cache.make_and_validate_key(key)
            pipeline.set(full_key, 0, ex=period, nx=True)
            pipeline.incr(full_key)
        try:
            replies = pipeline.execute()
        except Exception as exc:
            if failed is not None:
                failed("throttle", exc)
            raise
        return [int(value) for value in replies[1::2]]
    return [_increment_one(cache, key, period) for key, period in windows]


def _increment_one(cache, key: str, period: int) -> int:
    try:
        return cache.incr(key)
    except ValueError:  # the window's first request
        if cache.add(key, 1, period):
            return 1
        return cache.incr(key)


def count_windows(throttles) -> list[int]:
    """Count this request in each prepared throttle's window, in one round trip; their new counts.

    While the cache fails (unreachable, timing out) every count is 0: the request goes through (fail
    open, module docstring)."""
    try:
        return increment_windows(throttles[0].cache, [(t.window_key, t.duration + 1) for t in throttles])
    except Exception as exc:  # noqa: BLE001 - any cache failure
        _warn_cache_down(exc)
        return [0] * len(throttles)


class FixedWindowThrottleMixin:
    """Replaces SimpleRateThrottle's history list with an atomic per-window counter."""

    def allow_request(self, request, view):
        if not self.prepare(request, view):
            return True
        return self.allows(count_windows([self])[0])

    def prepare(self, request, view) -> bool:
        """Work out this request's window counter (`window_key`); False when nothing is to be counted."""
        if self.rate is None:
            return False
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return False
        self.now = self.timer()
        window = int(self.now // self.duration)
        self.window_ends_at = (window + 1) * self.duration
        self.window_key = f"{self.key}:w{window}"
        return True

    def allows(self, count: int) -> bool:
        return count <= self.num_requests

    def wait(self):
        return max(1, math.ceil(self.window_ends_at - self.now))


class OneRoundTripThrottlesMixin:
    """An APIView whose fixed-window throttles (a search's per-user and per-search rates) are counted
    together: one cache round trip per request (`refusals`; a sign-in's limits are counted the same way).

    DRF asks each throttle in turn, a round trip each. The answer is the same: a request refused
    by any rate is a 429 with the longest wait, and every rate counts the request.
    """

    def check_throttles(self, request):
        durations = refusals(self.get_throttles(), request, self)
        if durations:
            self.throttled(request, max((d for d in durations if d is not None), default=None))


class SearchRateMixin:
    """An endpoint that answers whether an identity exists (search, the duplicate check): besides the
    user's rate, it spends the per-user `search` budget (`DJANGO_THROTTLE_SEARCH`), which an import's
    answers about leads the importer cannot see draw on too (`UserScopeBudget`)."""

    throttle_scope = "search"

    def get_throttles(self):
        throttles = super().get_throttles()
        if not any(isinstance(throttle, ScopedRateThrottle) for throttle in throttles):
            throttles.append(ScopedRateThrottle())
        return throttles


def refusals(throttles, request, view) -> list:
    """Count `request` in every throttle (the fixed-window ones in one round trip); the waits of those refusing it."""
    durations, pending = [], []
    for throttle in throttles:
        if isinstance(throttle, FixedWindowThrottleMixin):
            if throttle.prepare(request, view):
                pending.append(throttle)
        elif not throttle.allow_request(request, view):
            durations.append(throttle.wait())
    if pending:
        counts = count_windows(pending)
        durations += [throttle.wait() for throttle, count in zip(pending, counts) if not throttle.allows(count)]
    return durations


class UserRateThrottle(FixedWindowThrottleMixin, throttling.UserRateThrottle):
    """`DJANGO_THROTTLE_USER`: requests per signed-in user (per client address when anonymous)."""


class ScopedRateThrottle(FixedWindowThrottleMixin, throttling.ScopedRateThrottle):
    """The view's `throttle_scope` rate (`search`: `DJANGO_THROTTLE_SEARCH`), per user, or per client
    address when anonymous. (Sign-ins are limited by the authentication backend: `sign_in_refusals`.)"""

    def prepare(self, request, view) -> bool:
        # DRF's own preamble: the rate is the view's scope's, known only now.
        self.scope = getattr(view, self.scope_attr, None)
        if not self.scope:
            return False
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().prepare(request, view)


def _account_digest(username) -> str | None:
    """The account a sign-in names, as the cache sees it: a hash of the username (case and surrounding spaces ignored)."""
    if not isinstance(username, str) or not username.strip():
        return None
    return hashlib.sha256(username.strip().lower().encode()).hexdigest()[:32]


class _SignInThrottle(FixedWindowThrottleMixin, throttling.SimpleRateThrottle):
    """A limit on password attempts, asked by the authentication backend (`organizations.backends`)
    for one sign-in: `request` is the sign-in's request (None when a caller authenticates without one)."""

    def __init__(self, username):
        self.account = _account_digest(username)
        super().__init__()

    def address(self, request) -> str | None:
        return None if request is None else self.get_ident(request)


class LoginAddressThrottle(_SignInThrottle):
    """`DJANGO_THROTTLE_LOGIN`: password attempts per client address, whatever the account."""

    scope = "login"

    def get_cache_key(self, request, view):
        address = self.address(request)
        return None if address is None else self.cache_format % {"scope": self.scope, "ident": address}


class LoginAccountAddressThrottle(_SignInThrottle):
    """`DJANGO_THROTTLE_LOGIN_ACCOUNT`: password attempts for one account from one client address.

    Keyed by account and address together (django-axes' username + IP combination): guesses from
    one address hold back that address only, so an attacker cannot lock the owner, signing in from
    elsewhere, out of their account.
    """

    scope = "login_account"

    def get_cache_key(self, request, view):
        address = self.address(request)
        if self.account is None or address is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": f"{self.account}:{address}"}


class LoginAccountCeilingThrottle(_SignInThrottle):
    """`DJANGO_THROTTLE_LOGIN_ACCOUNT_CEILING`: password attempts for one account from every address together.

    A backstop against guesses spread over many addresses, set far above what one address may try
    (`login_account`), so reaching it takes many addresses; attempts without a username are left to
    the per-address rates.
    """

    scope = "login_account_ceiling"

    def get_cache_key(self, request, view):
        if self.account is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.account}


SIGN_IN_THROTTLES = (LoginAddressThrottle, LoginAccountAddressThrottle, LoginAccountCeilingThrottle)


def sign_in_refusals(request, username) -> list:
    """Count one password attempt for `username` from `request`'s address in every sign-in limit, in one
    round trip; the waits (seconds) of the limits it is over (empty: go ahead)."""
    return refusals([throttle(username) for throttle in SIGN_IN_THROTTLES], request, None)


class UserScopeBudget:
    """A user's allowance of a throttle scope, spent outside a request: the same per-window counter
    as the scope's views (`search`: `GET /api/leads/search/`), so both draw on one budget.

    An import spends the `search` budget for every answer it gives about a lead the importer cannot
    see (transfers.rows). `stop()` marks the budget spent for the rest of the window, so
    later rows are withheld even before they meet such a lead. Fails open like every throttle.
    """

    def __init__(self, user, scope: str):
        self.throttle = ScopedRateThrottle()
        request, view = type("Request", (), {"user": user})(), type("View", (), {"throttle_scope": scope})()
        self.limited = self.throttle.prepare(request, view)
        self.last_unit = False

    def spend(self) -> bool:
        """Count one answer; False when the window's allowance was spent before it."""
        if not self.limited:
            return True
        count = count_windows([self.throttle])[0]
        self.last_unit = count == self.throttle.num_requests
        return self.throttle.allows(count)

    @property
    def _stop_key(self) -> str:
        return f"{self.throttle.window_key}:stopped"

    def stopped(self) -> bool:
        try:
            return self.limited and bool(self.throttle.cache.get(self._stop_key))
        except Exception as exc:  # noqa: BLE001 - fail open
            _warn_cache_down(exc)
            return False

    def stop(self) -> None:
        if not self.limited:
            return
        try:
            self.throttle.cache.set(self._stop_key, 1, self.throttle.duration + 1)
        except Exception as exc:  # noqa: BLE001 - fail open
            _warn_cache_down(exc)
