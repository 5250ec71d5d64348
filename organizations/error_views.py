"""Error pages for URLs that never reach a DRF view: JSON under /api/, Django's HTML elsewhere.

A path that matches no route (e.g. `/api/leads/detail/abc/`) and an unhandled exception
otherwise answer Django's HTML pages; API clients get DRF's `{"detail": "…"}` shape instead.
"""

from django.http import JsonResponse
from django.views import defaults


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def not_found(request, exception=None):
    if _is_api(request):
        return JsonResponse({"detail": "Not found."}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    if _is_api(request):
        return JsonResponse({"detail": "A server error occurred."}, status=500)
    return defaults.server_error(request)
