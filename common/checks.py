"""Deployment checks (`manage.py check --deploy`) for the settings this project adds."""

from django.conf import settings
from django.core.checks import Warning, register


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
