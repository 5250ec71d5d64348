"""A re-runnable performance benchmark: `python -m benchmarks.run` (see `make bench`, `make bench-postgres`).

It seeds a large, realistic dataset into a database it created (or marked as its own), times the
API in-process beside bare-Django twins, times `mark_overdue_loans`, and loads the served API with
wrk. Nothing here is imported by the service itself.
"""
