"""System checks for sign-in: every authentication backend counts attempts in the login limits."""

from django.conf import settings
from django.core.checks import Error, register
from django.utils.module_loading import import_string


@register("security")
def check_backends_are_login_limited(app_configs, **kwargs):
    """A backend that checks passwords outside the login limits would be a sign-in without a throttle."""
    from organizations.backends import LoginLimitedBackendMixin

    errors = []
    for path in settings.AUTHENTICATION_BACKENDS:
        try:
            backend = import_string(path)
        except ImportError:
            continue  # Django's own checks and the first sign-in say so
        if not (isinstance(backend, type) and issubclass(backend, LoginLimitedBackendMixin)):
            errors.append(
                Error(
                    f"Authentication backend {path} is not held to the login limits.",
                    hint="Build it on organizations.backends.LoginLimitedBackendMixin (the admin, token and "
                    "session sign-ins all go through every backend).",
                    id="organizations.E001",
                )
            )
    return errors
