"""The DRF handler that turns the services' domain errors into responses.

Services raise Django's `ValidationError` (a 400 naming the field), `StateConflict` (a 409:
the request is well formed but the lead's state forbids it) or `OutOfScope` (a 404: the object
is not, or no longer, in the caller's scope); views never translate by hand.
"""

from django.core.exceptions import RequestDataTooBig, ValidationError as DjangoValidationError
from rest_framework import exceptions, status
from rest_framework.views import exception_handler as drf_exception_handler

from common.api.parsers import PayloadTooLarge
from common.errors import OutOfScope, StateConflict


class ConflictError(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The request conflicts with the current state of the resource."
    default_code = "conflict"


def api_exception_handler(exc, context):
    """DRF's handler, taught the domain errors: ValidationError → 400, StateConflict → 409, OutOfScope → 404."""
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        exc = exceptions.ValidationError(detail=detail)
    elif isinstance(exc, RequestDataTooBig):  # DATA_UPLOAD_MAX_MEMORY_SIZE, raised while reading the body
        exc = PayloadTooLarge()
    elif isinstance(exc, StateConflict):
        exc = ConflictError(detail=exc.detail)
    elif isinstance(exc, OutOfScope):
        exc = exceptions.NotFound()
    return drf_exception_handler(exc, context)
