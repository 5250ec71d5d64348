"""OpenAPI pieces shared by the leads endpoints: the DRF error shapes as named components.

Every operation lists the error statuses it can answer with these, so a generated client
knows that a 400 is `{"field": ["message"]}` and every other error `{"detail": "message"}`.
"""

from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.plumbing import ResolvedComponent
from drf_spectacular.settings import spectacular_settings
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
    """Mixin for an input serializer whose body comes in several shapes (required fields that depend on each other).

    `schema_shapes` names each accepted shape and says how it narrows the serializer's own request
    schema: `required` (the fields it needs), and optionally `exclude` (fields it does not take),
    `properties` (constraints or descriptions merged into a field's schema) and `description`. Each
    shape becomes a named component (`<name>Request`, as COMPONENT_SPLIT_REQUEST names request
    components) and the serializer's request component says `anyOf` them: a body may fit more than
    one (there is no field telling them apart), so not `oneOf`, and no discriminator. Generated
    clients then get one named model per shape (an inline `anyOf` of `required` lists types the body
    `Any` in openapi-python-client and `unknown` in openapi-typescript). The serializer (or the
    service it feeds) enforces the same rule; the schema only states it.
    """

    schema_shapes: dict[str, dict] = {}


class RequiredAlternativesSchema(OpenApiSerializerExtension):
    target_class = RequiredAlternatives
    match_subclasses = True

    def map_serializer(self, auto_schema, direction):
        schema = auto_schema._map_serializer(self.target, direction, bypass_extensions=True)
        # A PATCH makes every field optional, and responses are not what the rule is about.
        if direction != "request" or getattr(self.target, "partial", False) or not self.target.schema_shapes:
            return schema
        suffix = "Request" if spectacular_settings.COMPONENT_SPLIT_REQUEST else ""
        alternatives = []
        for name, shape in self.target.schema_shapes.items():
            component = ResolvedComponent(
                name=f"{name}{suffix}",
                type=ResolvedComponent.SCHEMA,
                object=(type(self.target), name, direction),
                schema=_narrowed(schema, shape),
            )
            auto_schema.registry.register_on_missing(component)
            alternatives.append(component.ref)
        alternatives_schema = {"anyOf": alternatives}
        if "description" in schema:
            alternatives_schema = {"description": schema["description"], **alternatives_schema}
        return alternatives_schema


def _narrowed(schema: dict, shape: dict) -> dict:
    """The serializer's object schema as one shape accepts it: its own required fields, less the excluded."""
    properties = {}
    for field, field_schema in schema.get("properties", {}).items():
        if field in shape.get("exclude", ()):
            continue
        field_schema = {**field_schema, **shape.get("properties", {}).get(field, {})}
        if field in shape["required"]:
            # A default only says what an omitted field means, and a required field is never omitted.
            field_schema.pop("default", None)
        properties[field] = field_schema
    missing = [field for field in (*shape["required"], *shape.get("properties", {})) if field not in properties]
    if missing:
        raise ValueError(f"schema_shapes name fields the request schema does not have: {missing}")
    narrowed = {"type": "object"}
    description = shape.get("description", schema.get("description"))
    if description:
        narrowed["description"] = description
    return {**narrowed, "properties": properties, "required": list(shape["required"])}


ERROR_DESCRIPTIONS = {
    400: "Invalid input; each offending field (or `non_field_errors`) lists its messages.",
    401: "Not signed in: no, an invalid or an expired token.",
    403: "Signed in, but not a member of any branch or organization.",
    404: "Not found, or outside your branches (which is the same thing for you).",
    409: "The lead's or commitment's current state forbids this change.",
    413: "The request body is larger than this endpoint accepts.",
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
