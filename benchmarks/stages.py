"""Where one API request's time goes, stage by stage, measured in-process.

Hooks installed only for this pass (never in the timed passes, never in production): two timing
middlewares around the project's stack, and timers around DRF's request steps and the render.

| stage       | what it covers                                                                  |
| ----------- | ------------------------------------------------------------------------------- |
| middleware  | every middleware's own work, request and response side (outer minus inner)        |
| auth        | `APIView.perform_authentication`: token → user (lookup, hash, user row)           |
| scope       | `APIView.check_permissions`: the permission classes and the branch scope they build |
| throttles   | `APIView.check_throttles`: every throttle's cache round trips                     |
| negotiation | `APIView.perform_content_negotiation`                                             |
| view        | the rest of DRF's dispatch: request wrapping, the handler (queries, serializers), finalize |
| render      | `Response.rendered_content`: the renderer turning data into bytes                 |
| routing     | inside the stack but outside the view: URL resolution, handler plumbing           |
| client      | the test client building the request and reading the response                     |
"""

import time
from statistics import mean

from django.conf import settings
from django.test import override_settings
from rest_framework.response import Response
from rest_framework.views import APIView

STAGES = ("middleware", "auth", "scope", "throttles", "negotiation", "view", "render", "routing", "client")
_HOOKED = ("perform_authentication", "check_permissions", "check_throttles", "perform_content_negotiation", "dispatch")
_STAGE_OF = {
    "perform_authentication": "auth", "check_permissions": "scope", "check_throttles": "throttles",
    "perform_content_negotiation": "negotiation", "dispatch": "dispatch",
}

_current: dict | None = None  # the request being timed: raw seconds per hook


def _add(name: str, seconds: float) -> None:
    if _current is not None:
        _current[name] = _current.get(name, 0.0) + seconds


def _timed(name: str, function):
    def wrapper(*args, **kwargs):
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            _add(name, time.perf_counter() - started)

    wrapper.__wrapped__ = function
    return wrapper


class OuterTimingMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        _add("outer", time.perf_counter() - started)
        return response


class InnerTimingMiddleware(OuterTimingMiddleware):
    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        _add("inner", time.perf_counter() - started)
        return response


class _Hooks:
    def __enter__(self):
        from common.api.throttling import OneRoundTripThrottlesMixin  # overrides check_throttles

        owners = (APIView, OneRoundTripThrottlesMixin)
        self.saved = {(owner, name): owner.__dict__[name] for owner in owners for name in _HOOKED if name in owner.__dict__}
        for (owner, name), function in self.saved.items():
            setattr(owner, name, _timed(_STAGE_OF[name], function))
        self.saved_render = Response.__dict__["rendered_content"]
        setattr(Response, "rendered_content", property(_timed("render", self.saved_render.fget)))
        middleware = [
            "benchmarks.stages.OuterTimingMiddleware", *settings.MIDDLEWARE, "benchmarks.stages.InnerTimingMiddleware"
        ]
        self.override = override_settings(MIDDLEWARE=middleware)
        self.override.enable()
        return self

    def __exit__(self, *exc):
        self.override.disable()
        for (owner, name), function in self.saved.items():
            setattr(owner, name, function)
        setattr(Response, "rendered_content", self.saved_render)


def _stages_of(raw: dict, total: float) -> dict:
    inner, outer, dispatch = raw.get("inner", 0.0), raw.get("outer", 0.0), raw.get("dispatch", 0.0)
    drf = sum(raw.get(stage, 0.0) for stage in ("auth", "scope", "throttles", "negotiation"))
    return {
        "middleware": outer - inner,
        "auth": raw.get("auth", 0.0),
        "scope": raw.get("scope", 0.0),
        "throttles": raw.get("throttles", 0.0),
        "negotiation": raw.get("negotiation", 0.0),
        "view": dispatch - drf,
        "render": raw.get("render", 0.0),
        "routing": inner - dispatch - raw.get("render", 0.0),
        "client": total - outer,
    }


def breakdown(runner, cases, *, requests: int, log=print) -> dict:
    """Milliseconds per stage for each case (GETs), over `requests` requests after a warm-up."""
    global _current
    from benchmarks.measure import WARMUP, _call

    results = {}
    with _Hooks():
        for case in cases:
            client = case.client or runner.client
            client.handler._middleware_chain = None  # rebuilt with the timing middlewares on the next request
            rows = []
            for i in range(WARMUP + requests):
                path, body = case.request(runner.counter)
                runner.counter += 1
                _current = {}
                started = time.perf_counter()
                _call(client, case.method, path, body)
                total = time.perf_counter() - started
                raw, _current = _current, None
                if i >= WARMUP:
                    rows.append({**_stages_of(raw, total), "total": total})
            client.handler._middleware_chain = None
            # Means over the fastest 90% of requests: additive (the stages sum to the total), and one
            # request stalled by another process on this shared machine does not skew them.
            rows.sort(key=lambda row: row["total"])
            kept = rows[: max(1, int(len(rows) * 0.9))]
            results[case.name] = {key: round(mean(row[key] for row in kept) * 1000, 3) for key in (*STAGES, "total")}
            figures = "  ".join(f"{stage} {results[case.name][stage]:.2f}" for stage in STAGES)
            log(f"  {case.name:<32} total {results[case.name]['total']:.2f} ms: {figures}")
    for case in cases:
        (case.client or runner.client).handler._middleware_chain = None
    return results


def table(results: dict) -> str:
    """A Markdown table: one row per endpoint, one column per stage (mean ms of the fastest 90%)."""
    header = "| endpoint | total | " + " | ".join(STAGES) + " |"
    lines = [header, "|" + " --- |" * (len(STAGES) + 2)]
    for name, row in results.items():
        lines.append(f"| {name} | {row['total']:.2f} | " + " | ".join(f"{row[stage]:.2f}" for stage in STAGES) + " |")
    return "\n".join(lines)
