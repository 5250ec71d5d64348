"""Create the PostgreSQL database named by DATABASE_URL when it does not exist yet.

The test runner makes its own `test_<name>` database, but connects to the named one first.
"""

import os
import sys

import environ
import psycopg
from psycopg import sql


def main() -> int:
    url = os.environ.get("DATABASE_URL", "")
    config = environ.Env.db_url_config(url)
    if config["ENGINE"] != "django.db.backends.postgresql":
        print(f"DATABASE_URL does not name PostgreSQL: {url!r}", file=sys.stderr)
        return 2
    name = config["NAME"]
    params = {"dbname": "postgres", "user": config.get("USER") or "postgres", "host": config.get("HOST") or None,
              "port": config.get("PORT") or None, "password": config.get("PASSWORD") or None}
    with psycopg.connect(**{k: v for k, v in params.items() if v}, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"Created database {name}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
