from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    """Leads that arrive by themselves: intake sources (web forms with a key) and Meta Lead Ads, above the leads app."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "intake"
    verbose_name = _("Intake")

    def ready(self):
        # CORS for POST /api/leads/intake/: the origins the intake sources allow (django-cors-headers' signal).
        from corsheaders.signals import check_request_enabled

        from intake.cors import intake_origin_allowed

        check_request_enabled.connect(intake_origin_allowed, dispatch_uid="intake.cors")
