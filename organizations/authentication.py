"""Token authentication: knox's hashed, expiring tokens at one query per request."""

from django.utils import timezone
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from knox.signals import token_expired


class TokenAuthentication(KnoxTokenAuthentication):
    """knox's `TokenAuthentication` without its per-request sweep of the user's other tokens.

    knox 5.1 loads every token of the user on each request (a second query) to delete the
    expired ones. Here only the presented token's own expiry is checked: an expired token is
    still deleted, announced with `token_expired` and refused with 401, exactly as in knox.
    The user's other expired tokens are swept at login instead (`organizations.views.TokenView`);
    until then they are unusable anyway, since each is refused on its own expiry.
    Lookup, hashing (SHA-512 digest compared in constant time) and the inactive-user check are knox's.
    """

    def _cleanup_token(self, auth_token) -> bool:
        if auth_token.expiry is not None and auth_token.expiry < timezone.now():
            username = auth_token.user.get_username()
            auth_token.delete()
            token_expired.send(sender=self.__class__, username=username, source="auth_token")
            return True
        return False


class TokenScheme(KnoxTokenScheme):
    """The OpenAPI security scheme of the class above: drf-spectacular's knox one, unchanged."""

    target_class = "organizations.authentication.TokenAuthentication"
