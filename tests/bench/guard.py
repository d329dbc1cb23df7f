"""The check every benchmark script makes before it deletes or bulk-writes anything.

The scripts fill whatever database DATABASE_URL names; a production or development database
must never be emptied or flooded by a mistyped variable. They run only against a database
whose name says it is a benchmark's ("bench" in it), or when told --yes-destroy.
"""

import sys
from pathlib import Path

from django.db import connection

MARK = "bench"
CONFIRM = "--yes-destroy"


def database_name(connection=connection):
    """The database's name: for SQLite, its file name, not the folders it sits in."""
    name = str(connection.settings_dict["NAME"])
    return Path(name).name if connection.vendor == "sqlite" else name


def refusal(name, yes_destroy=False):
    """Why the scripts must not write to the database of this name, or None if they may."""
    if yes_destroy or MARK in name.lower():
        return None
    return (
        f"Refusing to write benchmark data into the database {name!r}: its name does not "
        f"contain {MARK!r}, so it may hold content someone needs. Point DATABASE_URL at a "
        f"database of the benchmark's own (e.g. …/newsroom_bench), or pass {CONFIRM} if "
        "this database may be emptied and filled."
    )


def require_bench_database(yes_destroy=False):
    """Exit with a message and status 2 unless the database may be written."""
    message = refusal(database_name(), yes_destroy)
    if message:
        print(message, file=sys.stderr)
        raise SystemExit(2)
