from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TransfersConfig(AppConfig):
    """Lead imports (a background job per file) and exports (streamed), above the leads app."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "transfers"
    verbose_name = _("Imports and exports")
