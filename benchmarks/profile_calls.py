"""`python -m benchmarks.profile_calls PATH...`: Python function calls and CPU time per API request.

A load-independent companion to the timed runs: the number of Python function calls a request
makes (cProfile) does not move with what else the machine is doing, CPU milliseconds (the best of
seven batches) a little. Requests go in-process through the whole stack (middleware, token
authentication, throttles, the view) with a fresh token of `--user`, against `DATABASE_URL` and,
when set, the shared cache at `REDIS_URL`:

    DATABASE_URL=postgres://…/leads_bench REDIS_URL=redis://127.0.0.1:6379/0 \\
        python -m benchmarks.profile_calls --user bench_a01 "/api/leads/detail/1/"
"""

import argparse
import cProfile
import os
import pstats
import sys
import time
import warnings


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.profile_calls", description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="+", help="API paths to GET (each must answer 200)")
    parser.add_argument("--user", default="branch_a1", help="username whose token signs the requests")
    args = parser.parse_args(argv)
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.test import Client
    from knox.models import AuthToken

    _, token = AuthToken.objects.create(user=get_user_model().objects.get(username=args.user))
    client = Client(HTTP_AUTHORIZATION=f"Token {token}")
    for path in args.paths:
        response = client.get(path)
        if response.status_code != 200:
            print(f"{path}: answered {response.status_code}", file=sys.stderr)
            return 1
        for _ in range(30):
            client.get(path)
        best = float("inf")
        for _ in range(7):
            started = time.process_time()
            for _ in range(60):
                client.get(path)
            best = min(best, (time.process_time() - started) / 60 * 1000)
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(20):
            client.get(path)
        profiler.disable()
        calls = pstats.Stats(profiler).total_calls / 20
        print(f"{path:<60} {calls:8,.0f} calls/request  {best:6.2f} ms CPU")
    return 0


def configure_environment() -> None:
    """Production-like settings for this process only (the caller's environment wins)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.settings")
    os.environ.setdefault("DJANGO_SECRET_KEY", "profile-calls-only-" + "x" * 40)
    os.environ.setdefault("DJANGO_DEBUG", "false")
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
    os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")
    for rate in ("DJANGO_THROTTLE_USER", "DJANGO_THROTTLE_SEARCH"):
        os.environ.setdefault(rate, "1000000/second")
    warnings.simplefilter("ignore")


if __name__ == "__main__":
    configure_environment()
    sys.exit(main())
