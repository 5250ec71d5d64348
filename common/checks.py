"""System checks for the settings this project adds (some only under `manage.py check --deploy`)."""

import re
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


@register("email", deploy=True)
def check_email_configured(app_configs, **kwargs):
    """Production must say where mail goes; otherwise the reminder digests would be printed to the log."""
    if getattr(settings, "EMAIL_CONFIGURED", True):
        return []
    return [
        Warning(
            "DJANGO_EMAIL_URL is not set: no email can be sent, and send_followup_reminders refuses to run.",
            hint="Set DJANGO_EMAIL_URL, e.g. smtp+tls://user:password@smtp.example.com:587, and "
            "DJANGO_DEFAULT_FROM_EMAIL (docs/deployment.md, SMTP).",
            id="common.W001",
        )
    ]



@register("celery", deploy=True)
def check_broker_configured(app_configs, **kwargs):
    """Production runs imports on a worker; without a broker they would run inside the upload's web request."""
    if settings.DEBUG or getattr(settings, "CELERY_BROKER_URL", ""):
        return []
    return [
        Warning(
            "CELERY_BROKER_URL is not set: imports run inside the upload's web request instead of on a worker.",
            hint="Set CELERY_BROKER_URL (amqp://user:password@127.0.0.1:5672/vhost or redis://127.0.0.1:6379/1) "
            "and run `celery -A config worker` (docs/deployment.md, sections 3 and 4).",
            id="common.W002",
        )
    ]

# Static files the pages need beyond what their own templates name: the API docs (drf-spectacular's
# sidecar, SWAGGER_UI_DIST/REDOC_DIST = "SIDECAR"), the admin's stylesheet, and the branch desk's
# build (frontend/, `make desk`: not committed, so a checkout that skipped the build fails here).
REQUIRED_STATIC_ASSETS = (
    "desk/manifest.json",
    "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js",
    "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-standalone-preset.js",
    "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui.css",
    "drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js",
    "admin/css/base.css",
)
STATIC_TAG = re.compile(r"""{%\s*static\s+(['"])(?P<path>[^'"]+)\1""")


def project_static_references() -> dict[str, str]:
    """Every `{% static '…' %}` path named by the project's own templates → the first template naming it.

    The project's apps are those whose code lives under BASE_DIR (not site-packages).
    """
    base_dir = Path(settings.BASE_DIR).resolve()
    found: dict[str, str] = {}
    for app_config in apps.get_app_configs():
        app_dir = Path(app_config.path).resolve()
        if base_dir not in app_dir.parents:
            continue
        for template in sorted((app_dir / "templates").rglob("*.html")):
            for match in STATIC_TAG.finditer(template.read_text(encoding="utf-8")):
                found.setdefault(match["path"], str(template.relative_to(base_dir)))
    return found


@register(Tags.staticfiles)
def check_static_assets_present(app_configs, **kwargs):
    """A page whose static file is missing is a 500 once collectstatic's manifest is in use (DEBUG off).

    Registered as a regular check, so `check`, `check --deploy`, `migrate` and `runserver` all run it.
    """
    from django.contrib.staticfiles import finders

    needed = {path: "REQUIRED_STATIC_ASSETS (common/checks.py)" for path in REQUIRED_STATIC_ASSETS}
    needed.update(project_static_references())
    return [
        Error(
            f"Static file {path!r} is missing: pages that use it would fail (named by {source}).",
            hint="The desk's files (desk/static/desk/) are built: `make desk`, or `cd frontend && npm ci && "
            "npm run build`. The project's own static files are committed (restore them with git); the "
            "sidecar and admin files come with `pip install -r requirements.txt`.",
            id="common.E001",
        )
        for path, source in sorted(needed.items())
        if not finders.find(path)
    ]
