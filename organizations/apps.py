from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class OrganizationsConfig(AppConfig):
    default = True
    name = "organizations"
    verbose_name = _("Organizations")

    def ready(self):
        from organizations import checks, signals  # noqa: F401 - registers the system checks and the signal receivers


class LeadsAdminConfig(admin_apps.AdminConfig):
    """Django's admin, with the site that lets branch members in (see `admin_site.py`)."""

    default = False
    default_site = "organizations.admin_site.LeadsAdminSite"
