"""Argument types shared by the leads management commands."""

import argparse
from datetime import date


def business_day(value: str) -> date:
    """argparse type for `--date`: an ISO day (YYYY-MM-DD), refused with a clear message otherwise."""
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date; use YYYY-MM-DD, e.g. 2026-11-27.") from None
