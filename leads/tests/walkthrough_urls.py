"""The project's URLs plus one for the README walkthrough test only: `POST /__manage__/` runs a management
command (its argv as a JSON list) in the live server's process, against the test database, which another
process cannot reach (SQLite's in-memory test database). Never part of the project's own URLs."""

import io
import json

from django.core.management import call_command
from django.http import HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from config.urls import handler404, handler500, urlpatterns as project_urlpatterns  # noqa: F401


@csrf_exempt
def run_command(request):
    argv = json.loads(request.body)
    out = io.StringIO()
    try:
        call_command(*argv, stdout=out, stderr=out)
    except Exception as exc:  # noqa: BLE001 - the shell sees the failure as a non-zero curl
        return HttpResponse(f"{out.getvalue()}{type(exc).__name__}: {exc}\n", status=500, content_type="text/plain")
    return HttpResponse(out.getvalue(), content_type="text/plain")


urlpatterns = [*project_urlpatterns, path("__manage__/", run_command)]
