"""Sign-in: Django's ModelBackend behind the login limits, so every sign-in form is held to them alike.

The API's token and session sign-ins, the admin's login form and any form added later all check
a password through `django.contrib.auth.authenticate()`, which asks the backends in
`AUTHENTICATION_BACKENDS`. Counting attempts here, before the password is checked, is the one
place none of them can miss: each attempt is counted per client address (`login`), per account
from that address (`login_account`) and per account from every address (`login_account_ceiling`,
a backstop), in one cache round trip (common/api/throttling.py). An attempt over any limit is
refused before the password is even looked at, so the right password does not sign in either
until the window has passed.

The refusal is `LoginThrottled`, DRF's `Throttled`: a DRF view answers 429 with `Retry-After`;
the admin's login form shows it as a form error with a 429 (organizations/admin_site.py); any
other Django view gets a plain 429 from `LoginThrottledMiddleware`. `manage.py check` refuses
a backend that is not limited (`organizations.E001`).
"""

from django.contrib.auth.backends import ModelBackend
from rest_framework.exceptions import Throttled

from common.api.throttling import sign_in_refusals


class LoginThrottled(Throttled):
    """Too many password attempts: a 429, with the seconds to wait."""


class LoginLimitedBackendMixin:
    """Counts each password attempt in the login limits before the backend checks it."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(self.username_field_name())
        waits = sign_in_refusals(request, username)
        if waits:
            raise LoginThrottled(wait=max(waits))
        return super().authenticate(request, username=username, password=password, **kwargs)

    @staticmethod
    def username_field_name() -> str:
        from django.contrib.auth import get_user_model

        return get_user_model().USERNAME_FIELD


class LoginLimitedModelBackend(LoginLimitedBackendMixin, ModelBackend):
    """Django's ModelBackend (usernames and passwords of `auth.User`), behind the login limits."""
