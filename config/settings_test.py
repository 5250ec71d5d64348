"""Test settings: the real settings with a fast password hasher (demo logins hash seven passwords)."""

from config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
