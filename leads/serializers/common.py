"""Input fields shared by the leads serializers."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from common.api.fields import MAX_ID, ChoiceField  # noqa: F401  (re-exported for the leads serializers)
from leads.selectors import users_assignable_by


@extend_schema_field({"type": "integer", "minimum": 1})
class AssignableUserField(serializers.PrimaryKeyRelatedField):
    """A user id limited to `users_assignable_by(request.user)`; anything else is a 400 like an unknown id."""

    def get_queryset(self):
        request = self.context.get("request")
        return users_assignable_by(user=getattr(request, "user", None))
