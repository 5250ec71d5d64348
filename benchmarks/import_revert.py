"""`python -m benchmarks.import_revert`: how long reverting a large import takes (issue 21).

    python -m benchmarks.import_revert                      # SQLite file var/bench-revert.sqlite3
    python -m benchmarks.import_revert --database postgres://postgres@127.0.0.1:5432/leads_bench_revert

It migrates the database it is given (a throw-away one: a file under var/ by default; the
PostgreSQL database is created if missing), then for each round: imports `--rows` rows in upsert
mode through the services (`--updates` of them change existing leads and carry a follow-up
remark, the rest create leads), and times `lead_import_revert` alone, printing rows, seconds and
the number of SQL statements. Everything the round wrote is gone again after the revert.
"""

import argparse
import os
import sys
import time
import uuid


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m benchmarks.import_revert", description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default="sqlite:///var/bench-revert.sqlite3")
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--updates", type=int, default=2_000, help="rows of the import that update existing leads")
    parser.add_argument("--rounds", type=int, default=1)
    return parser.parse_args(argv)


def _ensure_postgres_database(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')


def main(argv=None) -> None:
    args = parse_args(argv if argv is not None else sys.argv[1:])
    if args.database.startswith("postgres"):
        _ensure_postgres_database(args.database)
    else:
        os.makedirs("var", exist_ok=True)
    os.environ["DATABASE_URL"] = args.database
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.pop("CELERY_BROKER_URL", None)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from leads.models import Lead
    from organizations.tests.factories import BranchFactory, OrganizationFactory, UserFactory, branch_user
    from transfers.background import wait_for_background_work
    from transfers.models import ImportStatus, LeadImport
    from transfers.services import lead_import_revert, lead_import_run, lead_import_start

    call_command("migrate", verbosity=0)
    run = uuid.uuid4().hex[:8]  # a database used before keeps its rows: every run names its own
    branch = BranchFactory(organization=OrganizationFactory(name=f"Revert benchmark {run}"))
    user = branch_user(branch, user=UserFactory(username=f"revert-bench-{run}"))
    for round_number in range(args.rounds):
        tag = f"R{round_number}"
        existing = Lead.objects.bulk_create(
            Lead(branch=branch, organization_id=branch.organization_id, customer_name=f"Old {n}",
                 contact_number=f"+92301{n:07d}", passport_number=f"OL{n:07d}", created_by=user)
            for n in range(args.updates)
        )
        lines = ["customer_name,contact_number,passport_number,area,followup_remarks"]
        lines += [f"Renamed {n},,{lead.passport_number},Gulberg,Called" for n, lead in enumerate(existing)]
        lines += [f"Person {n},0300 {n:07d},{tag[:2]}{n:07d},," for n in range(args.rows - args.updates)]
        started = time.perf_counter()
        lead_import = lead_import_start(
            actor=user, branch=branch, mode="upsert", dry_run=False, file_name="bench.csv",
            content=("\n".join(lines) + "\n").encode(),
        )
        wait_for_background_work()  # no broker here: the run went to this process's background thread
        lead_import_run(import_id=lead_import.pk)  # a no-op once that run is done
        import_seconds = time.perf_counter() - started
        lead_import = LeadImport.objects.get(pk=lead_import.pk)
        assert lead_import.status == ImportStatus.DONE, lead_import.failure
        statements = []
        with connection.execute_wrapper(lambda execute, sql, params, many, context: (statements.append(1), execute(sql, params, many, context))[1]):
            started = time.perf_counter()
            lead_import_revert(lead_import=lead_import, actor=user)
            seconds = time.perf_counter() - started
        print(
            f"{connection.vendor}: import of {lead_import.total} rows ({lead_import.created} created, "
            f"{lead_import.updated} updated) took {import_seconds:.1f} s; revert took {seconds:.2f} s "
            f"in {len(statements)} statements"
        )
        Lead.objects.filter(pk__in=[lead.pk for lead in existing]).delete()


if __name__ == "__main__":
    main()
