"""OpenAPI pieces shared by the leads endpoints: the DRF error shapes as named components.

Every operation lists the error statuses it can answer with these, so a generated client
knows that a 400 is `{"field": ["message"]}` and every other error `{"detail": "message"}`.
"""

from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


class ValidationErrorSerializer(serializers.Serializer):
    """Documentation only: DRF's 400 body, a map of field name to messages."""


class ErrorDetailSerializer(serializers.Serializer):
    """Documentation only: DRF's body for every error but a 400."""

    detail = serializers.CharField()


class ValidationErrorSchema(OpenApiSerializerExtension):
    target_class = ValidationErrorSerializer

    def map_serializer(self, auto_schema, direction):
        return {
            "type": "object",
            "description": "Field name (or `non_field_errors`) → list of messages.",
            # A body that is not even parseable JSON gets DRF's `{"detail": "JSON parse error …"}`.
            # A list field names its bad items by index, a nested object by its own fields: {"merge": {"1": [...]}}.
            "additionalProperties": {
                "anyOf": [
                    {"type": "array", "items": {"type": "string"}},
                    {"type": "string"},
                    {"type": "object"},
                ]
            },
            "example": {"contact_number": ["Enter a valid phone number, such as 0300 1234567 or +923001234567."]},
        }


class RequiredAlternatives:
    """Mixin for an input serializer whose required fields depend on each other.

    `schema_any_of` lists the accepted shapes of the body as JSON schemas (each naming what it
    requires); the request schema says `anyOf` them and the body itself is required, so clients and
    fuzzers learn e.g. that `lead` is required unless `id` is given. The serializer (or the service
    it feeds) enforces the same rule; the schema only states it.
    """

    schema_any_of: tuple[dict, ...] = ()


class RequiredAlternativesSchema(OpenApiSerializerExtension):
    target_class = RequiredAlternatives
    match_subclasses = True

    def map_serializer(self, auto_schema, direction):
        schema = auto_schema._map_serializer(self.target, direction, bypass_extensions=True)
        # A PATCH makes every field optional, and responses are not what the rule is about.
        if direction == "request" and not getattr(self.target, "partial", False):
            schema["anyOf"] = [dict(alternative) for alternative in self.target.schema_any_of]
        return schema


ERROR_DESCRIPTIONS = {
    400: "Invalid input; each offending field (or `non_field_errors`) lists its messages.",
    401: "Not signed in: no, an invalid or an expired token.",
    403: "Signed in, but not a member of any branch or organization.",
    404: "Not found, or outside your branches (which is the same thing for you).",
    409: "The lead's or commitment's current state forbids this change.",
    429: "Too many requests; retry after the number of seconds in `Retry-After`.",
    503: "A service this needs does not answer for a moment; retry after the seconds in `Retry-After`.",
}


def error_responses(*codes: int, **descriptions: str) -> dict[int, OpenApiResponse]:
    """OpenAPI responses for the given error statuses, with the DRF body shape of each.

    `descriptions` override the default text per status, keyed `e400`, `e404`, ...
    """
    responses = {}
    for code in codes:
        description = descriptions.get(f"e{code}", ERROR_DESCRIPTIONS[code])
        body = ValidationErrorSerializer if code == 400 else ErrorDetailSerializer
        responses[code] = OpenApiResponse(response=body, description=description)
    return responses


# Every endpoint here needs a signed-in member and is throttled per user.
ACCESS_ERRORS = (401, 403, 429)
