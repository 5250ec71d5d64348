"""Errors the services raise besides Django's `ValidationError` (a 400 naming the field)."""


class StateConflict(Exception):
    """The object's current state forbids the change (e.g. converting a lost lead)."""

    def __init__(self, detail: str):
        super().__init__(detail)
        self.detail = detail


class OutOfScope(Exception):
    """The object named on the path is not in the caller's scope (or no longer is): it does not exist for them."""

    def __init__(self, detail: str = "Not found."):
        super().__init__(detail)
        self.detail = detail


class ServiceUnavailable(Exception):
    """A service the request needs (e.g. the job queue) does not answer: try again after `retry_after` seconds."""

    def __init__(self, detail: str, retry_after: int = 30):
        super().__init__(detail)
        self.detail = detail
        self.retry_after = retry_after
