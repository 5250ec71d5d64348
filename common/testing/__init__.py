"""Helpers for the test suites of every app (no app code imports this package)."""
