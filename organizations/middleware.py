"""Django's session, auth, messages and history middleware, skipped by token-authenticated API calls.

An `/api/` request with `Authorization: Token …` is authenticated by the token or answered 401
by DRF, never by the session, so loading a session, attaching a lazy session user and setting
up message storage is work with no use. Each class here is Django's own (the admin's system
checks see them as such) and steps aside for those requests only; every other request, and the
session sign-in endpoint always, gets Django's behaviour unchanged. CSRF stays Django's own (its
system checks look for it by name): for a token call it only reads a cookie and sees the DRF view
is exempt. The history middleware (who made a change, for django-simple-history) is skipped by
token reads only: a token write needs it to record its user.
"""

from django.contrib.auth.middleware import AuthenticationMiddleware as DjangoAuthenticationMiddleware
from django.contrib.messages.middleware import MessageMiddleware as DjangoMessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.urls import reverse
from simple_history.middleware import HistoryRequestMiddleware as SimpleHistoryRequestMiddleware

_session_paths = None


def is_token_api_call(request) -> bool:
    """True for an `/api/` request carrying `Authorization: Token …` (other than the session sign-in)."""
    known = getattr(request, "_is_token_api_call", None)
    if known is not None:
        return known
    global _session_paths
    if _session_paths is None:
        _session_paths = (reverse("organizations:session"),)
    header = request.META.get("HTTP_AUTHORIZATION", "")
    answer = (
        header[:6].lower() == "token "
        and request.path_info.startswith("/api/")
        and request.path_info not in _session_paths
    )
    request._is_token_api_call = answer
    return answer


class SessionMiddleware(DjangoSessionMiddleware):
    def process_request(self, request):
        if not is_token_api_call(request):
            super().process_request(request)

    def process_response(self, request, response):
        if not hasattr(request, "session"):
            return response
        return super().process_response(request, response)


class AuthenticationMiddleware(DjangoAuthenticationMiddleware):
    def process_request(self, request):
        if not is_token_api_call(request):
            super().process_request(request)


class MessageMiddleware(DjangoMessageMiddleware):
    def process_request(self, request):
        if not is_token_api_call(request):
            super().process_request(request)

    def process_response(self, request, response):
        if not hasattr(request, "_messages"):
            return response
        return super().process_response(request, response)


def HistoryRequestMiddleware(get_response):
    history = SimpleHistoryRequestMiddleware(get_response)

    def middleware(request):
        if request.method in ("GET", "HEAD") and is_token_api_call(request):
            return get_response(request)
        return history(request)

    return middleware


class LoginThrottledMiddleware:
    """A sign-in refused for too many attempts (`organizations.backends.LoginThrottled`) raised in a
    view that does not answer it itself: a plain 429 with `Retry-After`, never a server error.

    DRF views answer it themselves (a JSON 429) and the admin's login form shows it on the form.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.http import HttpResponse

        from organizations.backends import LoginThrottled

        if not isinstance(exception, LoginThrottled):
            return None
        response = HttpResponse(
            f"Too many sign-in attempts. Try again in {exception.wait} seconds.\n",
            status=429,
            content_type="text/plain; charset=utf-8",
        )
        response["Retry-After"] = str(exception.wait)
        return response
