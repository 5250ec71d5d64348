from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _

ORGANIZATION_TEMPLATES_DISPATCH_UID = "messaging.seed_templates_of_new_organization"


class MessagingConfig(AppConfig):
    """Customer messages (WhatsApp, SMS): channels, templates, the outbox and the threads, above the leads app."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "messaging"
    verbose_name = _("Customer messages")

    def ready(self):
        from messaging import checks, signals  # noqa: F401  (checks register themselves)

        post_save.connect(
            signals.seed_templates_of_new_organization,
            sender="organizations.Organization",
            dispatch_uid=ORGANIZATION_TEMPLATES_DISPATCH_UID,
        )
        signals.connect_leads_signals()
