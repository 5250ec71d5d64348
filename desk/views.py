"""`/desk/` and every deep link under it: the page that starts the branch desk (a history fallback).

The desk is built by Vite (frontend/, `make desk`) into this app's static files, `desk/static/desk/`,
with a manifest naming the hashed entry script and stylesheet. The page links them by Vite's own
names under STATIC_URL (Vite's `base`), not through the manifest storage's names: the entry and its
lazily loaded chunks import one another by Vite's names, and one module under two URLs would run twice.
Vite's names carry their content hash already. No inline script, so the CSP's script-src 'self' holds.

`/dashboard/`, the address of the server-rendered dashboard this app replaced, redirects to the
desk's (`dashboard_redirect`, routed by config/urls.py).
"""

import json
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import ImproperlyConfigured
from django.shortcuts import redirect, render
from django.templatetags.static import PrefixNode
from django.urls import reverse
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_GET, require_safe

MANIFEST = "desk/manifest.json"
ENTRY = "src/main.tsx"


def manifest_path() -> Path | None:
    found = finders.find(MANIFEST)
    if found:
        return Path(found)
    collected = Path(settings.STATIC_ROOT or "") / MANIFEST
    return collected if settings.STATIC_ROOT and collected.is_file() else None


@lru_cache(maxsize=4)
def _entry(path: str, mtime: float) -> dict:
    manifest = json.loads(Path(path).read_text(encoding="utf-8"))
    return manifest[ENTRY]


def entry_assets() -> tuple[str, list[str]]:
    """(script URL, stylesheet URLs) of the built entry; ImproperlyConfigured when the desk is not built."""
    path = manifest_path()
    if path is None:
        raise ImproperlyConfigured(f"The desk is not built: {MANIFEST} is missing (run `make desk`).")
    entry = _entry(str(path), path.stat().st_mtime)
    prefix = PrefixNode.handle_simple("STATIC_URL") + "desk/"
    return prefix + entry["file"], [prefix + css for css in entry.get("css", [])]


@require_safe
@ensure_csrf_cookie
def desk(request, path: str = ""):
    """The desk's page for `/desk/` and any `/desk/<deep link>`; the app reads the address itself."""
    script, stylesheets = entry_assets()
    return render(request, "desk/index.html", {"script": script, "stylesheets": stylesheets})


@require_GET
def dashboard_redirect(request):
    """`/dashboard/` opens the desk's dashboard, keeping the branch picked (the desk signs in itself);
    nothing else of the query is carried over."""
    target = reverse("desk:dashboard")
    branch_id = request.GET.get("branch_id", "").strip()
    if branch_id.isdigit():
        target += f"?branch_id={branch_id}"
    return redirect(target)
