from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.signals import user_logged_out
from django.middleware.csrf import get_token
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from knox.models import AuthToken
from knox.views import LogoutView as KnoxLogoutView
from rest_framework import status
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from organizations.authentication import TokenAuthentication
from common.api.throttling import ScopedRateThrottle
from common.errors import OutOfScope
from organizations.business_time import WEEKDAY_NAMES
from organizations.scoped_views import BranchScopedAPIView
from organizations.selectors import organizations_visible_to
from organizations.services import (
    WorkingDay,
    organization_working_time_set,
    user_accept_invitation,
    user_sign_out_everywhere,
)
from organizations.serializers import (
    InvitationAcceptSerializer,
    MeSerializer,
    SessionSerializer,
    TokenRequestSerializer,
    TokenResponseSerializer,
    WorkingTimeInputSerializer,
    WorkingTimeOutputSerializer,
    me_data,
    working_time_data,
)

# Every endpoint is throttled per user (or per address when anonymous); logins more strictly.
THROTTLED = OpenApiResponse(description="Too many requests; retry after the number of seconds in `Retry-After`.")
CREDENTIAL_ERRORS = {
    400: OpenApiResponse(description="Missing or malformed username or password."),
    401: OpenApiResponse(description="Wrong username or password."),
    429: OpenApiResponse(description="Too many attempts; see Retry-After."),
}


def _user_from_credentials(request):
    """The active user named by the body's username and password; 400 when malformed, 401 when wrong."""
    serializer = TokenRequestSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    user = authenticate(request, **serializer.validated_data)
    if user is None or not user.is_active:
        raise AuthenticationFailed("Unable to log in with the provided credentials.")
    return user


class TokenView(APIView):
    """Exchange a username and password for an expiring API token (stored hashed).

    Password attempts are limited per client address, per account from one address and per account
    overall by the authentication backend (organizations/backends.py), as on every sign-in form.
    """

    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(
        summary="Obtain an API token",
        request=TokenRequestSerializer,
        responses={200: TokenResponseSerializer, **CREDENTIAL_ERRORS},
        auth=[],
        tags=["auth"],
    )
    def post(self, request):
        user = _user_from_credentials(request)
        # The sweep knox does on every request (see organizations.authentication), once per login.
        AuthToken.objects.filter(user=user, expiry__lt=timezone.now()).delete()
        instance, token = AuthToken.objects.create(user)
        return Response(TokenResponseSerializer({"token": token, "expiry": instance.expiry}).data)

    def get_authenticate_header(self, request):
        return "Token"


class LogoutView(KnoxLogoutView):
    """Revoke the token used for this request."""

    authentication_classes = [TokenAuthentication]

    @extend_schema(
        summary="Revoke the current token",
        request=None,
        responses={204: None, 401: OpenApiResponse(description="Not signed in with a token."), 429: THROTTLED},
        tags=["auth"],
    )
    def post(self, request, format=None):
        super().post(request, format)
        return Response(status=status.HTTP_204_NO_CONTENT)


class LogoutAllView(APIView):
    """Sign out everywhere: revoke every API token and every browser session of the caller.

    knox's `logoutall/`, extended to sessions (organizations/sessions.py keeps each session's user).
    With a session, the call needs `X-CSRFToken` like every session write, and ends that session too.
    """

    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Sign out everywhere: revoke all your tokens and sessions",
        request=None,
        responses={
            204: None,
            401: OpenApiResponse(description="Not signed in."),
            403: OpenApiResponse(description="Session call without a valid CSRF token."),
            429: THROTTLED,
        },
        tags=["auth"],
    )
    def post(self, request):
        user = request.user
        user_sign_out_everywhere(user=user)
        if hasattr(request._request, "session"):
            logout(request._request)  # the caller's own cookie: flushed, and `user_logged_out` sent
        else:
            user_logged_out.send(sender=user.__class__, request=request, user=user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(APIView):
    """Who the caller is: username, staff flags and memberships (organization, branch, role)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="The signed-in user and their memberships",
        responses={200: MeSerializer, 401: OpenApiResponse(description="Not signed in."), 429: THROTTLED},
        tags=["auth"],
    )
    def get(self, request):
        return Response(me_data(request.user))


def _session_state(request) -> dict:
    user = request.user
    return {
        "authenticated": bool(user and user.is_authenticated),
        "username": user.get_username() if user and user.is_authenticated else None,
        "csrf_token": get_token(request),
    }


class SessionView(APIView):
    """Cookie sign-in for the browser SPA: read the CSRF token, sign in, sign out.

    GET answers the session state and sets the `csrftoken` cookie (its value is also in the
    body, for an SPA on another origin that cannot read the API's cookies). POST signs in with
    username and password and DELETE signs out; both need the token in `X-CSRFToken`. Signing
    in rotates the CSRF token, so the POST answer carries the new one.
    """

    authentication_classes = [SessionAuthentication]

    def get_permissions(self):
        return [IsAuthenticated()] if self.request.method == "DELETE" else [AllowAny()]

    @extend_schema(
        summary="The browser session's state and CSRF token",
        responses={200: SessionSerializer, 429: THROTTLED},
        auth=[],
        tags=["auth"],
    )
    def get(self, request):
        return Response(SessionSerializer(_session_state(request)).data)

    @extend_schema(
        summary="Sign in with a session cookie (browser SPA)",
        request=TokenRequestSerializer,
        responses={
            200: SessionSerializer,
            **CREDENTIAL_ERRORS,
            403: OpenApiResponse(description="CSRF token missing or wrong."),
        },
        auth=[],
        tags=["auth"],
    )
    def post(self, request):
        # Login CSRF: the form must come from a page that read our token, even though nobody is signed in yet.
        SessionAuthentication().enforce_csrf(request)
        user = _user_from_credentials(request)
        login(request._request, user)
        request.user = user  # DRF cached the anonymous user before login
        return Response(SessionSerializer(_session_state(request)).data)

    @extend_schema(
        summary="Sign out of the browser session",
        request=None,
        responses={
            204: None,
            401: OpenApiResponse(description="No session."),
            403: OpenApiResponse(description="CSRF token missing or wrong."),
            429: THROTTLED,
        },
        tags=["auth"],
    )
    def delete(self, request):
        logout(request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def get_authenticate_header(self, request):
        # A 401 here is about the session, yet still a 401 (not DRF's 403 fallback) for clients to tell apart.
        return 'Session realm="api"'


class WorkingTimeView(BranchScopedAPIView):
    """An organization's working time: the first-contact SLA's hours, working days, opening hours, public holiday
    calendar and its own exceptions (docs/sla.md). Any member of the organization reads it; its org admins (and
    staff) replace it with `PUT`. An organization the caller is no member of answers 404."""

    scoped_queryset = staticmethod(organizations_visible_to)
    serializer_class = WorkingTimeInputSerializer

    @extend_schema(
        summary="An organization's working time (first-contact SLA)",
        responses={200: WorkingTimeOutputSerializer, 404: OpenApiResponse(description="Not your organization."),
                   429: THROTTLED},
        tags=["organizations"],
    )
    def get(self, request, pk):
        return Response(working_time_data(self.get_scoped_object(pk)))

    @extend_schema(
        summary="Replace an organization's working time (org admins)",
        request=WorkingTimeInputSerializer,
        responses={
            200: WorkingTimeOutputSerializer,
            400: OpenApiResponse(description="A field is invalid; the body names it."),
            403: OpenApiResponse(description="A member who is not an org admin of the organization."),
            404: OpenApiResponse(description="Not your organization."),
            429: THROTTLED,
        },
        tags=["organizations"],
    )
    def put(self, request, pk):
        organization = self.get_scoped_object(pk)
        serializer = WorkingTimeInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            organization = organization_working_time_set(
                organization=organization,
                actor=request.user,
                first_contact_hours=data["first_contact_hours"],
                working_days={WEEKDAY_NAMES.index(name) for name in data["working_days"]},
                opens_at=data["opens_at"],
                closes_at=data["closes_at"],
                holiday_country=data["holiday_country"],
                days=[WorkingDay(date=day["date"], closed=day["closed"], name=day["name"]) for day in data["days"]],
            )
        except OutOfScope:
            # A member of the organization who may read it but not change it.
            return Response({"detail": "Only the organization's admins change its working time."}, status=403)
        return Response(working_time_data(organization))


class InvitationAcceptView(APIView):
    """A new member chooses their first password with the one-time link their manager passed on."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"

    @extend_schema(
        summary="Set your first password from an invitation link",
        description="`uid` and `token` come from the link (`/desk/welcome#uid=…&token=…`). The link works once "
        "and expires (PASSWORD_RESET_TIMEOUT); a used, expired or altered one is a 400 on `token`, a weak "
        "password a 400 on `password`. Then sign in as usual.",
        request=InvitationAcceptSerializer,
        responses={204: None, 400: OpenApiResponse(description="Bad link or weak password."), 429: THROTTLED},
        auth=[],
        tags=["auth"],
    )
    def post(self, request):
        serializer = InvitationAcceptSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user_accept_invitation(**serializer.validated_data)
        return Response(status=status.HTTP_204_NO_CONTENT)
