"""`/desk/` and every deep link under it: the page that starts the branch desk (a history fallback).

The desk is built by Vite (frontend/, `make desk`) into this app's static files, `desk/static/desk/`,
with a manifest naming the hashed entry script and stylesheet. The page links them by Vite's own
names under STATIC_URL (Vite's `base`), not through the manifest storage's names: the entry and its
lazily loaded chunks import one another by Vite's names, and one module under two URLs would run twice.
Vite's names carry their content hash already (whitenoise serves them as immutable, desk/static_files.py).
No inline script, so the CSP's script-src 'self' holds.

So the first screen needs no round trip it can avoid, the page also carries:
- `<link rel="modulepreload">` for the chunks of the page the address opens (My day at /desk/), which
  the entry would otherwise only ask for once it has run;
- for a signed-in user, `GET /api/me/`'s answer as a JSON data block (`json_script`, never executed,
  so the CSP holds), which the app takes instead of asking (frontend/src/lib/auth.ts).

`/dashboard/`, the address of the server-rendered dashboard this app replaced, redirects to the
desk's (`dashboard_redirect`, routed by config/urls.py).
"""

import json
import re
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import ImproperlyConfigured
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.templatetags.static import PrefixNode
from django.urls import reverse
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_GET, require_safe

from organizations.serializers import me_data

MANIFEST = "desk/manifest.json"
ENTRY = "src/main.tsx"
# The route module each address opens (frontend/src/app/router.tsx), for its modulepreload links.
ROUTE_MODULES = [
    (re.compile(r"^$"), "src/app/routes/my-day.tsx"),
    (re.compile(r"^signin/?$"), "src/app/routes/sign-in.tsx"),
    (re.compile(r"^find/?$"), "src/app/routes/find.tsx"),
    (re.compile(r"^leads/new/?$"), "src/app/routes/new-lead.tsx"),
    (re.compile(r"^leads/[^/]+/?$"), "src/app/routes/lead.tsx"),
    (re.compile(r"^loans/?$"), "src/app/routes/who-owes.tsx"),
    (re.compile(r"^dashboard/?$"), "src/app/routes/dashboard.tsx"),
    (re.compile(r"^intake/?$"), "src/app/routes/intake.tsx"),
    (re.compile(r"^unassigned/?$"), "src/app/routes/unassigned.tsx"),
    (re.compile(r"^team/?$"), "src/app/routes/team.tsx"),
    (re.compile(r"^welcome/?$"), "src/app/routes/welcome.tsx"),
]


def manifest_path() -> Path | None:
    found = finders.find(MANIFEST)
    if found:
        return Path(found)
    collected = Path(settings.STATIC_ROOT or "") / MANIFEST
    return collected if settings.STATIC_ROOT and collected.is_file() else None


@lru_cache(maxsize=4)
def _manifest(path: str, mtime: float) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def _manifest_now() -> dict:
    path = manifest_path()
    if path is None:
        raise ImproperlyConfigured(f"The desk is not built: {MANIFEST} is missing (run `make desk`).")
    return _manifest(str(path), path.stat().st_mtime)


def _prefix() -> str:
    return PrefixNode.handle_simple("STATIC_URL") + "desk/"


def entry_assets() -> tuple[str, list[str]]:
    """(script URL, stylesheet URLs) of the built entry; ImproperlyConfigured when the desk is not built."""
    entry = _manifest_now()[ENTRY]
    prefix = _prefix()
    return prefix + entry["file"], [prefix + css for css in entry.get("css", [])]


def route_preloads(path: str) -> list[str]:
    """URLs of the chunks the page at `path` imports (its route module and what it imports statically)."""
    manifest = _manifest_now()
    module = next((module for pattern, module in ROUTE_MODULES if pattern.match(path)), None)
    if module not in manifest:
        return []
    seen: list[str] = []
    pending = [module]
    while pending:
        key = pending.pop(0)
        if key in seen or key == ENTRY or key not in manifest:
            continue
        seen.append(key)
        pending.extend(manifest[key].get("imports", []))
    return [_prefix() + manifest[key]["file"] for key in seen]


@require_safe
@ensure_csrf_cookie
def desk(request, path: str = ""):
    """The desk's page for `/desk/` and any `/desk/<deep link>`; the app reads the address itself."""
    script, stylesheets = entry_assets()
    me = me_data(request.user) if request.user.is_authenticated else None
    response = render(
        request,
        "desk/index.html",
        {"script": script, "stylesheets": stylesheets, "preloads": route_preloads(path), "me": me},
    )
    # It names who is signed in: no shared cache keeps it, the browser asks again each time.
    patch_cache_control(response, private=True, no_cache=True)
    return response


@require_GET
def dashboard_redirect(request):
    """`/dashboard/` opens the desk's dashboard, keeping the branch picked (the desk signs in itself);
    nothing else of the query is carried over."""
    target = reverse("desk:dashboard")
    branch_id = request.GET.get("branch_id", "").strip()
    if branch_id.isdigit():
        target += f"?branch_id={branch_id}"
    return redirect(target)
