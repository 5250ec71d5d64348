from django.apps import AppConfig


class DeskConfig(AppConfig):
    """The branch desk (frontend/): its built assets and the page that starts it; no models."""

    name = "desk"
    verbose_name = "Branch desk"
