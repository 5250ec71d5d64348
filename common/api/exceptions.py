"""The DRF handler that turns the services' domain errors into responses.

Services raise Django's `ValidationError` (a 400 naming the field), `StateConflict` (a 409:
the request is well formed but the lead's state forbids it), `OutOfScope` (a 404: the object
is not, or no longer, in the caller's scope) or `ServiceUnavailable` (a 503 with Retry-After: a
backing service such as the job queue does not answer); views never translate by hand.
"""

from django.core.exceptions import RequestDataTooBig, ValidationError as DjangoValidationError
from rest_framework import exceptions, status
from rest_framework.views import exception_handler as drf_exception_handler

from common.api.parsers import PayloadTooLarge
from common.errors import OutOfScope, ServiceUnavailable, StateConflict


class ConflictError(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The request conflicts with the current state of the resource."
    default_code = "conflict"


class UnavailableError(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "The service is unavailable for a moment; try again."
    default_code = "unavailable"

    def __init__(self, detail=None, wait: int | None = None):
        super().__init__(detail)
        self.wait = wait  # DRF's handler sends it as Retry-After


def api_exception_handler(exc, context):
    """DRF's handler, taught the domain errors: ValidationError → 400, StateConflict → 409, OutOfScope → 404,
    ServiceUnavailable → 503 with Retry-After."""
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        exc = exceptions.ValidationError(detail=detail)
    elif isinstance(exc, RequestDataTooBig):  # DATA_UPLOAD_MAX_MEMORY_SIZE, raised while reading the body
        exc = PayloadTooLarge()
    elif isinstance(exc, StateConflict):
        exc = ConflictError(detail=exc.detail)
    elif isinstance(exc, OutOfScope):
        exc = exceptions.NotFound()
    elif isinstance(exc, ServiceUnavailable):
        exc = UnavailableError(detail=exc.detail, wait=exc.retry_after)
    return drf_exception_handler(exc, context)
