"""Token authentication: knox's hashed, expiring tokens, answered from the shared cache when it can."""

import binascii

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from knox.crypto import hash_token
from knox.settings import CONSTANTS
from knox.signals import token_expired
from rest_framework.exceptions import AuthenticationFailed

from organizations import token_cache


class TokenAuthentication(KnoxTokenAuthentication):
    """knox's `TokenAuthentication`, at no query per request while the token's answer is cached.

    With the auth cache on (`organizations.token_cache`: a shared cache), the token's SHA-512
    digest (knox's own hash) names a cache entry holding the user and their branch scope; a
    valid entry answers in one cache round trip. Otherwise knox's lookup runs (one query: the
    token and its user) and its answer is stored. Revoked tokens, expired tokens and changed
    users or memberships are never answered from the cache (see `token_cache`).

    knox 5.1 also loads every token of the user on each request (a second query) to delete the
    expired ones. Here only the presented token's own expiry is checked: an expired token is
    still deleted, announced with `token_expired` and refused with 401, exactly as in knox.
    The user's other expired tokens are swept at login instead (`organizations.views.TokenView`);
    until then they are unusable anyway, since each is refused on its own expiry.
    """

    def authenticate_credentials(self, token):
        if not token_cache.enabled():
            return super().authenticate_credentials(token)
        text = token.decode("utf-8")
        try:
            digest = hash_token(text)
        except (TypeError, binascii.Error, UnicodeError):
            raise AuthenticationFailed(_("Invalid token."))
        lookup = token_cache.Lookup(digest)
        found = lookup.hit()
        if found is not None and found[1].token_key == text[: CONSTANTS.TOKEN_KEY_LENGTH]:
            return found
        user, auth_token = super().authenticate_credentials(token)
        lookup.store(user, auth_token)
        return user, auth_token

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
