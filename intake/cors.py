"""CORS for `POST /api/leads/intake/`: a page may call it from an origin an active intake source allows.

django-cors-headers answers the preflight and adds the headers; `CORS_URLS_REGEX` leaves the intake path
out of the SPA's origins, and this receiver of its `check_request_enabled` signal enables the path for
the origins the sources list (one query, answered once per request). The preflight carries no key, so
any active source's origins are enough there; the post itself is then checked against its own source's
list by the view (`origin_allowed`).
"""

from urllib.parse import urlsplit

from django.urls import reverse

from intake.models import IntakeSource

_ANSWER = "_intake_cors_allowed"


def _origin(request) -> str:
    origin = (request.headers.get("origin") or "").strip().lower()
    try:
        return origin if urlsplit(origin).scheme in ("http", "https") else ""
    except ValueError:
        return ""


def intake_origin_allowed(sender, request, **kwargs) -> bool:
    """corsheaders' question "is CORS enabled for this request?": for the intake path, when an active source allows its origin."""
    if request.path_info != reverse("intake:intake"):
        return False
    answer = getattr(request, _ANSWER, None)
    if answer is None:
        origin = _origin(request)
        answer = bool(origin) and any(
            origin in (origins or []) for origins in IntakeSource.objects.active().values_list("allowed_origins", flat=True)
        )
        setattr(request, _ANSWER, answer)
    return answer


def origin_allowed(source: IntakeSource, request) -> bool:
    """A post from a page (with an Origin header) is the source's only when its origins list it, or it lists none."""
    if not source.allowed_origins or "origin" not in request.headers:
        return True
    return _origin(request) in source.allowed_origins
