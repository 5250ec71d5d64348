"""Input fields shared by the leads serializers."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from leads.selectors import user_reaches_branch, users_assignable_by

# Largest id the database can hold (BigAutoField): larger ids are refused as a 400, not looked up.
MAX_ID = 2**63 - 1


@extend_schema_field({"type": "integer", "minimum": 1})
class AssignableUserField(serializers.PrimaryKeyRelatedField):
    """A user id limited to `users_assignable_by(request.user)`; anything else is a 400 like an unknown id."""

    def get_queryset(self):
        request = self.context.get("request")
        return users_assignable_by(user=getattr(request, "user", None))


class ChoiceField(serializers.ChoiceField):
    """A choice whose error lists the valid values instead of echoing the input.

    Echoing would put whatever the client sent (a lone surrogate, say) into a response that
    cannot then be encoded.
    """

    def __init__(self, choices, **kwargs):
        super().__init__(choices, **kwargs)
        allowed = ", ".join(str(key) for key in self.choices)
        self.error_messages["invalid_choice"] = f"Not a valid choice; use one of: {allowed}."


def check_assignee_reaches_branch(*, assignee, branch) -> None:
    """An assignee must be able to open the lead: a member of its branch or organization, or staff."""
    if assignee is not None and branch is not None and not user_reaches_branch(user=assignee, branch=branch):
        raise serializers.ValidationError({"assigned_to": ["This user cannot see leads of this branch."]})


def check_not_in_past(value, *, message: str = "This date cannot be in the past."):
    if value is not None and value < timezone.localdate():
        raise serializers.ValidationError(message)
    return value
