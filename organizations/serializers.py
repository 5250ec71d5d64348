from rest_framework import serializers

from organizations.models import Membership


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, style={"input_type": "password"}, trim_whitespace=False)


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField()
    expiry = serializers.DateTimeField(allow_null=True)


class MembershipSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    branch_name = serializers.CharField(source="branch.name", read_only=True, allow_null=True, default=None)
    branch_code = serializers.CharField(source="branch.code", read_only=True, allow_null=True, default=None)

    class Meta:
        model = Membership
        fields = ["organization", "organization_name", "branch", "branch_name", "branch_code", "role"]


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    is_staff = serializers.BooleanField()
    is_superuser = serializers.BooleanField()
    memberships = MembershipSerializer(many=True)


def me_data(user) -> dict:
    """What `GET /api/me/` answers for `user` (also embedded in the desk's page, desk/views.py)."""
    memberships = user.memberships.select_related("organization", "branch")
    return MeSerializer(
        {
            "id": user.id,
            "username": user.get_username(),
            "is_staff": user.is_staff,
            "is_superuser": user.is_superuser,
            "memberships": memberships,
        }
    ).data


class SessionSerializer(serializers.Serializer):
    """The browser session's state, with the CSRF token the SPA sends back as `X-CSRFToken`."""

    authenticated = serializers.BooleanField()
    username = serializers.CharField(allow_null=True)
    csrf_token = serializers.CharField()


class InvitationAcceptSerializer(serializers.Serializer):
    uid = serializers.CharField(max_length=64, help_text="The `uid` of the invitation link.")
    token = serializers.CharField(max_length=128, help_text="The `token` of the invitation link.")
    password = serializers.CharField(
        max_length=128, trim_whitespace=False, style={"input_type": "password"}, help_text="The new password."
    )
