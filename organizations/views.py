from django.contrib.auth import authenticate
from drf_spectacular.utils import OpenApiResponse, extend_schema
from knox.models import AuthToken
from knox.views import LogoutView as KnoxLogoutView
from rest_framework import status
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from organizations.serializers import MeSerializer, TokenRequestSerializer, TokenResponseSerializer


class TokenView(APIView):
    """Exchange a username and password for an expiring API token (stored hashed)."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"

    @extend_schema(
        summary="Obtain an API token",
        request=TokenRequestSerializer,
        responses={
            200: TokenResponseSerializer,
            400: OpenApiResponse(description="Missing or malformed username or password."),
            401: OpenApiResponse(description="Wrong username or password."),
            429: OpenApiResponse(description="Too many attempts; see Retry-After."),
        },
        auth=[],
        tags=["auth"],
    )
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = authenticate(request, **serializer.validated_data)
        if user is None or not user.is_active:
            raise AuthenticationFailed("Unable to log in with the provided credentials.")
        instance, token = AuthToken.objects.create(user)
        return Response(TokenResponseSerializer({"token": token, "expiry": instance.expiry}).data)

    def get_authenticate_header(self, request):
        return "Token"


class LogoutView(KnoxLogoutView):
    """Revoke the token used for this request."""

    @extend_schema(
        summary="Revoke the current token",
        request=None,
        responses={204: None, 401: OpenApiResponse(description="Not signed in with a token.")},
        tags=["auth"],
    )
    def post(self, request, format=None):
        super().post(request, format)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(APIView):
    """Who the caller is: username, staff flags and memberships (organization, branch, role)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="The signed-in user and their memberships",
        responses={200: MeSerializer, 401: OpenApiResponse(description="Not signed in.")},
        tags=["auth"],
    )
    def get(self, request):
        user = request.user
        memberships = user.memberships.select_related("organization", "branch")
        return Response(
            MeSerializer(
                {
                    "id": user.id,
                    "username": user.get_username(),
                    "is_staff": user.is_staff,
                    "is_superuser": user.is_superuser,
                    "memberships": memberships,
                }
            ).data
        )
