"""Serializers of the assignee picker (`GET assignees/`)."""

from rest_framework import serializers

from common.api.fields import ScopedPrimaryKeyRelatedField
from organizations.models import Branch


class AssigneesInputSerializer(serializers.Serializer):
    branch = ScopedPrimaryKeyRelatedField(model=Branch, help_text="A branch of yours: the lead's branch.")


class AssigneeOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    username = serializers.CharField(read_only=True)
    full_name = serializers.CharField(
        source="get_full_name", read_only=True, help_text="First and last name; empty when the user has none."
    )
