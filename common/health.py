"""Liveness and readiness probes for load balancers and process managers.

`GET /healthz`: 200 while the process serves. `GET /readyz`: 200 when the database and the cache
answer, else 503 naming what failed (`{"status": "unavailable", "failed": ["database"]}`). Both
are answered by a middleware placed first, so they need no sign-in, skip host validation and
the HTTPS redirect (a probe calls the instance by address over plain HTTP), and reveal no data.
"""

import logging

from django.core.cache import cache
from django.db import connections
from django.http import JsonResponse

logger = logging.getLogger("common.health")

HEALTH_PATH = "/healthz"
READY_PATH = "/readyz"


def _database_answers() -> bool:
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means "not ready"; the probe must answer, not raise
        logger.warning("Readiness: database does not answer (%s)", type(exc).__name__)
        return False
    return True


def _cache_answers() -> bool:
    try:
        ping = getattr(cache, "ping", None)
        if ping is not None:
            ping()
        else:  # local-memory and other backends: a round trip through the cache API
            cache.set("readyz-probe", 1, 5)
            if cache.get("readyz-probe") != 1:
                raise RuntimeError("cache lost the probe value")
    except Exception as exc:
        logger.warning("Readiness: cache does not answer (%s)", type(exc).__name__)
        return False
    return True


def readiness() -> tuple[int, dict]:
    failed = [name for name, answers in (("database", _database_answers), ("cache", _cache_answers)) if not answers()]
    if failed:
        return 503, {"status": "unavailable", "failed": failed}
    return 200, {"status": "ok"}


class HealthCheckMiddleware:
    """Answer the probes before any other middleware runs (no session, host check or redirect)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info.rstrip("/")
        if path == HEALTH_PATH and request.method in ("GET", "HEAD"):
            return _no_store(JsonResponse({"status": "ok"}))
        if path == READY_PATH and request.method in ("GET", "HEAD"):
            status, body = readiness()
            return _no_store(JsonResponse(body, status=status))
        return self.get_response(request)


def _no_store(response):
    response["Cache-Control"] = "no-store"
    return response
