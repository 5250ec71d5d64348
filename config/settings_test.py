"""Test settings: the real settings with a fast password hasher (demo logins hash seven passwords)."""

from config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Test databases reuse row ids after each test's rollback, so the per-user request counter of
# "user 3" would carry over from test to test and a fast suite would reach the production rate.
# Likewise every test signs in from 127.0.0.1, through the API, the admin form or `client.login()`
# (all counted by the authentication backend). The throttling tests set the rates they test explicitly.
REST_FRAMEWORK = {
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_THROTTLE_RATES": {
        **REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],  # noqa: F405
        "user": "100000/minute",
        "login": "100000/minute",
        "login_account": "100000/minute",
        "login_account_ceiling": "100000/minute",
    },
}

# Imports run in the caller (the request's on-commit hook, the test): the threaded path has its own tests.
LEADS_IMPORT_RUN_INLINE = True
