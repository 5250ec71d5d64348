"""`python -m benchmarks.run`: seed a benchmark database once, then time the API and report.

    python -m benchmarks.run                                   # SQLite var/bench.sqlite3, 100,000 leads
    python -m benchmarks.run --database postgres://postgres@127.0.0.1:5432/leads_bench --leads 1000000
    python -m benchmarks.run --no-http --only search --explain # quick look at one endpoint's queries

The runner configures Django itself (debug off, a throw-away secret key, high throttle rates,
the benchmark's database) and only ever works on a database it created or marked as its own.
A dataset is reused while its size, seeding day and seeder version match; `--reseed` forces it.
"""

import argparse
import os
import secrets
import sys
import time
from datetime import datetime
from datetime import timezone as dt_timezone

from benchmarks.database import (
    BASE_DIR,
    DEFAULT_SQLITE_URL,
    SEED_VERSION,
    NotABenchmarkDatabase,
    claim,
    normalise_url,
    read_marker,
    write_marker,
)

HUGE_RATE = "1000000/second"


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default=DEFAULT_SQLITE_URL, help="database URL (default: %(default)s)")
    parser.add_argument("--leads", type=int, default=100_000, help="leads to seed (default: %(default)s)")
    parser.add_argument("--requests", type=int, default=200, help="timed requests per endpoint (default: %(default)s)")
    parser.add_argument("--reseed", action="store_true", help="drop the benchmark data and seed again")
    parser.add_argument("--seed-only", action="store_true", help="seed (if needed) and stop")
    parser.add_argument("--json", metavar="PATH", help="also write every figure to this JSON file")
    parser.add_argument("--only", metavar="TEXT", help="time only endpoints whose name contains one of these comma-separated words")
    parser.add_argument("--no-job", action="store_true", help="skip mark_overdue_loans")
    parser.add_argument("--no-http", action="store_true", help="skip the gunicorn + wrk run")
    parser.add_argument("--http-seconds", type=int, default=10, help="wrk seconds per read and per twin")
    parser.add_argument("--http-connections", default="1,8", help="comma-separated wrk connection counts")
    parser.add_argument("--http-workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--http-port", type=int, default=8020)
    parser.add_argument(
        "--redis", default=os.environ.get("BENCH_REDIS_URL", ""), metavar="URL",
        help="serve with this shared Redis cache, as production does (default $BENCH_REDIS_URL; unset: per-process memory)",
    )
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE every query of each read endpoint")
    parser.add_argument("--profile", metavar="NAME", help="pyinstrument profile of the endpoint whose name contains NAME")
    args = parser.parse_args(argv)
    if args.leads < 1_000:
        parser.error("--leads must be at least 1000")
    if args.requests < 1:
        parser.error("--requests must be at least 1")
    return args


def configure_environment(url: str, redis_url: str = "") -> None:
    """Production-like settings for this process and the gunicorn it starts; nothing of the user's."""
    os.environ.update({
        "DJANGO_SETTINGS_MODULE": "benchmarks.settings",
        "DATABASE_URL": url,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_THROTTLE_USER": HUGE_RATE,
        "DJANGO_THROTTLE_LOGIN": HUGE_RATE,
        "DJANGO_THROTTLE_SEARCH": HUGE_RATE,
        "LOG_LEVEL": "WARNING",
    })
    if redis_url:
        os.environ["REDIS_URL"] = redis_url
    else:
        os.environ.pop("REDIS_URL", None)  # per-process memory cache: the run does not depend on a Redis


def main(argv=None) -> int:
    args = parse_args(argv)
    url = normalise_url(args.database)
    configure_environment(url, args.redis)
    try:
        claim(url)
    except NotABenchmarkDatabase as exc:
        print(f"refused: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # noqa: BLE001 - e.g. PostgreSQL not running: say so plainly
        print(f"cannot reach or create the benchmark database: {exc}", file=sys.stderr)
        return 2

    import django

    django.setup()
    from benchmarks import steps

    started = time.perf_counter()
    report = {
        "run": {"started_at": datetime.now(dt_timezone.utc).isoformat(), "argv": sys.argv[1:] if argv is None else argv},
        "settings": {"requests": args.requests, "leads": args.leads, "seed_version": SEED_VERSION},
    }
    steps.migrate()
    report["seed"] = steps.ensure_dataset(
        leads=args.leads, reseed=args.reseed, marker=read_marker(), write_marker=write_marker, log=print
    )
    report.update(steps.describe_environment())
    if args.seed_only:
        print(f"dataset ready: {report['database']}")
        return 0
    failures = steps.measure_all(args=args, report=report, log=print)
    if args.profile:
        return 0
    report["run"]["seconds"] = round(time.perf_counter() - started, 1)

    from benchmarks.report import table, write_json

    print()
    print(table(report))
    if args.json:
        path = args.json if os.path.isabs(args.json) else os.path.join(os.getcwd(), args.json)
        write_json(report, path)
        print(f"\nJSON: {os.path.relpath(path, BASE_DIR) if path.startswith(str(BASE_DIR)) else path}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
