"""Throttle rates for one test: DRF reads them from a class attribute, patched for the block."""

from unittest import mock

from rest_framework.throttling import SimpleRateThrottle


def rates(**overrides):
    """A context manager (or decorator) setting the named scopes' rates, e.g. `rates(search="2/minute")`."""
    return mock.patch.dict(SimpleRateThrottle.THROTTLE_RATES, overrides)
