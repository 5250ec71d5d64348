"""Input fields shared by the leads serializers."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from common.api.fields import MAX_ID, ChoiceField  # noqa: F401  (re-exported for the leads serializers)
from leads.selectors import user_reaches_branch, users_assignable_by

@extend_schema_field({"type": "integer", "minimum": 1})
class AssignableUserField(serializers.PrimaryKeyRelatedField):
    """A user id limited to `users_assignable_by(request.user)`; anything else is a 400 like an unknown id."""

    def get_queryset(self):
        request = self.context.get("request")
        return users_assignable_by(user=getattr(request, "user", None))


def check_assignee_reaches_branch(*, assignee, branch) -> None:
    """An assignee must be able to open the lead: a member of its branch or organization, or staff."""
    if assignee is not None and branch is not None and not user_reaches_branch(user=assignee, branch=branch):
        raise serializers.ValidationError({"assigned_to": ["This user cannot see leads of this branch."]})


def check_not_in_past(value, *, message: str = "This date cannot be in the past."):
    if value is not None and value < timezone.localdate():
        raise serializers.ValidationError(message)
    return value
