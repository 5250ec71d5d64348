from django.apps import AppConfig


class CommonConfig(AppConfig):
    """The plumbing every app shares: API helpers, the resilient cache, health, idempotency keys."""

    name = "common"
    verbose_name = "Common"

    def ready(self):
        from common import checks  # noqa: F401  (registers the deployment checks)
