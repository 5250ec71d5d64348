"""Seconds and peak RSS of reading the red team's two hostile XLSX files the way an import does.

    .venv/bin/python -m benchmarks.hostile_xlsx            # both files, each in a fresh process
    .venv/bin/python -m benchmarks.hostile_xlsx padded     # one of: padded, huge_string

Each file is read by `transfers.files.iter_records` (what an import's preparation runs) in a child
process, stopped after `--timeout` seconds (default 60); the line says how the read ended.
"""

import argparse
import os
import resource
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FILES = ("padded", "huge_string")


def _child(name: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
    import django

    django.setup()
    from django.core.exceptions import ValidationError

    from transfers.files import iter_records
    from transfers.tests import hostile_xlsx

    content = hostile_xlsx.padded_to_the_last_row() if name == "padded" else hostile_xlsx.one_huge_shared_string()
    started = time.monotonic()
    try:
        rows = sum(1 for _ in iter_records(content, "xlsx", mode="create"))
        outcome = f"read {rows} data rows"
    except ValidationError as exc:
        outcome = f"refused: {'; '.join(exc.messages)}"
    seconds = time.monotonic() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{name}: {len(content)} bytes, {seconds:.2f} s, peak RSS {peak_mb:.0f} MB, {outcome}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("files", nargs="*", help="padded, huge_string (default: both)")
    parser.add_argument("--timeout", type=float, default=60)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child)
        return
    for name in args.files or FILES:
        if name not in FILES:
            parser.error(f"unknown file {name}; choose from {FILES}")
        started = time.monotonic()
        try:
            subprocess.run([sys.executable, "-m", "benchmarks.hostile_xlsx", "--child", name], cwd=ROOT, timeout=args.timeout, check=False)
        except subprocess.TimeoutExpired:
            print(f"{name}: still reading after {time.monotonic() - started:.0f} s (stopped)")


if __name__ == "__main__":
    main()
