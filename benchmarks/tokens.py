"""API tokens for the benchmark's requests: made for one run, deleted after it.

Its own module because steps.py, steps_loans.py and steps_reports.py all sign in with it, and
steps.py imports the other two.
"""

from contextlib import contextmanager

from django.contrib.auth import get_user_model

BENCH_USERNAME = "bench_a01"


@contextmanager
def bench_token(username: str = BENCH_USERNAME):
    from knox.models import AuthToken

    user = get_user_model().objects.get(username=username)
    instance, token = AuthToken.objects.create(user=user)
    try:
        yield user, token
    finally:
        instance.delete()
