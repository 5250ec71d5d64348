"""The session engine (`SESSION_ENGINE`): Django's database sessions, each row naming its user.

Django's documented way to extend the database engine: `create_model_instance` writes the
signed-in user's id (`_auth_user_id`) into `UserSession.user_id` at every save, including the new
row a sign-in or a password change rotates to, so `organizations.services.user_sign_out_everywhere`
finds every session of a user without reading any session's data.
"""

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DBStore


class SessionStore(DBStore):
    @classmethod
    def get_model_class(cls):
        from organizations.models import UserSession

        return UserSession

    def create_model_instance(self, data):
        obj = super().create_model_instance(data)
        try:
            obj.user_id = int(data.get(SESSION_KEY))
        except (TypeError, ValueError):
            obj.user_id = None
        return obj
