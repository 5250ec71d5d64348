"""The benchmark's own database: created or claimed with a marker table, never a user's data.

`claim(url)` runs before Django is set up. It creates the database when it is missing (a SQLite
file under var/, or a PostgreSQL database), and writes a `bench_marker` table into it. A database
that already exists is used only when it carries that marker, or is completely empty; anything
else (a database with tables but no marker, the project's db.sqlite3) is refused.
"""

import sqlite3
from datetime import datetime, timezone
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE_URL = f"sqlite:///{BASE_DIR / 'var' / 'bench.sqlite3'}"
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/leads_bench"
MARKER_TABLE = "bench_marker"
PROTECTED_SQLITE_FILES = (BASE_DIR / "db.sqlite3",)
SEED_VERSION = 3  # bump when the seeder's data changes, so an older dataset is reseeded

MARKER_DDL = (
    f"CREATE TABLE {MARKER_TABLE} (id INTEGER PRIMARY KEY, claimed_at TEXT NOT NULL, "
    "seeded_leads BIGINT, seeded_on TEXT, seed_version INTEGER)"
)


class NotABenchmarkDatabase(Exception):
    """The database exists, holds data and carries no benchmark marker: it is not ours to touch."""


def _sqlite_path(config: dict) -> Path:
    path = Path(config["NAME"])
    return path if path.is_absolute() else (BASE_DIR / path)


def normalise_url(url: str) -> str:
    """A SQLite URL with a relative path is taken relative to the project folder."""
    config = environ.Env.db_url_config(url)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{_sqlite_path(config)}"
    return url


def claim(url: str) -> bool:
    """Make sure `url` names a benchmark database, creating it if needed; True when newly created."""
    config = environ.Env.db_url_config(url)
    engine = config["ENGINE"]
    if engine == "django.db.backends.sqlite3":
        return _claim_sqlite(_sqlite_path(config))
    if engine == "django.db.backends.postgresql":
        return _claim_postgres(config)
    raise NotABenchmarkDatabase(f"The benchmark runs on SQLite or PostgreSQL, not {engine}.")


def _claim_sqlite(path: Path) -> bool:
    resolved = path.resolve()
    if resolved in {p.resolve() for p in PROTECTED_SQLITE_FILES}:
        raise NotABenchmarkDatabase(f"{path} is the project's own database; the benchmark never touches it.")
    created = not path.exists()
    path.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(path) as conn:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        _check_or_mark(conn, tables, label=str(path), created=created)
    conn.close()
    return created


def _claim_postgres(config: dict) -> bool:
    import psycopg
    from psycopg import sql

    params = {
        "user": config.get("USER") or "postgres",
        "host": config.get("HOST") or None,
        "port": config.get("PORT") or None,
        "password": config.get("PASSWORD") or None,
    }
    params = {key: value for key, value in params.items() if value}
    name = config["NAME"]
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as conn:
        created = not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if created:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    with psycopg.connect(dbname=name, autocommit=True, **params) as conn:
        tables = {
            row[0]
            for row in conn.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
            )
        }
        _check_or_mark(conn, tables, label=f"PostgreSQL database {name}", created=created)
    return created


def _check_or_mark(conn, tables: set, *, label: str, created: bool) -> None:
    if MARKER_TABLE in tables:
        return
    if tables and not created:
        raise NotABenchmarkDatabase(
            f"{label} already holds {len(tables)} tables and no {MARKER_TABLE} table: it is not a benchmark "
            "database, so the benchmark refuses to seed into it. Point --database at a new database name."
        )
    is_sqlite = isinstance(conn, sqlite3.Connection)
    placeholder = "?" if is_sqlite else "%s"
    conn.execute(MARKER_DDL)
    conn.execute(
        f"INSERT INTO {MARKER_TABLE} (id, claimed_at) VALUES (1, {placeholder})",
        [datetime.now(timezone.utc).isoformat()],
    )
    if is_sqlite:
        conn.commit()


def read_marker() -> dict:
    """The marker row through Django's connection (after setup): what was seeded, and on which day."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT seeded_leads, seeded_on, seed_version FROM {MARKER_TABLE} WHERE id = 1")
        row = cursor.fetchone()
    return {"seeded_leads": row[0], "seeded_on": row[1], "seed_version": row[2]} if row else {}


def write_marker(*, seeded_leads: int | None, seeded_on: str | None) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {MARKER_TABLE} SET seeded_leads = %s, seeded_on = %s, seed_version = %s WHERE id = 1",
            [seeded_leads, seeded_on, SEED_VERSION if seeded_leads is not None else None],
        )
