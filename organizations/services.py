"""Sign-out services: revoking a user's API tokens and browser sessions."""

from django.db import transaction
from knox.models import get_token_model

from organizations.models import UserSession


@transaction.atomic
def user_revoke_tokens(*, user_id: int) -> int:
    """Delete every API token of the user (each deletion also drops it from the token cache); how many."""
    # One by one through the model's delete signals (organizations.signals: the token cache forgets each).
    deleted, _ = get_token_model().objects.filter(user_id=user_id).delete()
    return deleted


@transaction.atomic
def user_sign_out_everywhere(*, user) -> None:
    """Revoke every API token and every browser session of `user`: the caller's own included."""
    user_revoke_tokens(user_id=user.pk)
    UserSession.objects.filter(user_id=user.pk).delete()


def user_password_changed(*, user_id: int) -> None:
    """A new password: the API tokens issued with the old one stop working.

    Browser sessions need nothing here: Django keeps a hash of the password in each session and
    signs out every session whose hash no longer matches (the one that changed the password is
    re-hashed by `update_session_auth_hash` in the password-change views).
    """
    user_revoke_tokens(user_id=user_id)
