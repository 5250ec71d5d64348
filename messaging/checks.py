"""System checks of the messaging app (under `manage.py check --deploy`)."""

from django.conf import settings
from django.core.checks import Error, register
from django.db import DatabaseError


@register("messaging", deploy=True)
def check_field_encryption_key(app_configs, **kwargs):
    """With debug off, a connected channel's secret needs DJANGO_FIELD_ENCRYPTION_KEY to be stored or read."""
    if settings.DEBUG or getattr(settings, "FIELD_ENCRYPTION_KEYS", []):
        return []
    from messaging.models import Channel

    try:
        connected = Channel.objects.exists()
    except (DatabaseError, AssertionError):  # not migrated yet, or no database here (a SimpleTestCase): none known
        connected = False
    if not connected:
        return []
    return [
        Error(
            "DJANGO_FIELD_ENCRYPTION_KEY is not set, and a messaging channel is connected: its secret cannot be read.",
            hint="Set DJANGO_FIELD_ENCRYPTION_KEY to the Fernet key the secrets were stored with "
            "(docs/configuration.md; docs/messaging.md, Keys).",
            id="messaging.E001",
        )
    ]
