"""Backups: the PostgreSQL database (pg_dump, custom format) and the uploads (a tar of
MEDIA_ROOT), together in one timestamped folder; and their restore into a fresh database.

A restore never writes over anything: it creates a new database (and fails if the name is
taken), restores into it in one transaction, and unpacks the uploads into an empty folder.
Pointing DATABASE_URL and MEDIA_ROOT at the restored copies is a deliberate, separate step.
The cache is namespaced by database name, so the restored copy never serves pages cached for
the site it was copied from, even from the same Redis.
"""

import os
import subprocess
import tarfile
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings

from .cache import forget_database

DUMP_NAME = "database.dump"
MEDIA_NAME = "media.tar.gz"


class BackupError(Exception):
    pass


def _database():
    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.postgresql":
        raise BackupError(
            "Backups work with PostgreSQL (DATABASE_URL=postgres://…). With SQLite, copy the "
            "database file and MEDIA_ROOT while the site is stopped."
        )
    return database


def _client(program, database, *args):
    """Run one PostgreSQL client program against the server of the default database.
    The password, if any, goes through the environment, never the command line."""
    command = [program]
    if database.get("HOST"):
        command += ["--host", database["HOST"]]
    if database.get("PORT"):
        command += ["--port", str(database["PORT"])]
    if database.get("USER"):
        command += ["--username", database["USER"]]
    env = {**os.environ, "PGCONNECT_TIMEOUT": "10"}
    if database.get("PASSWORD"):
        env["PGPASSWORD"] = database["PASSWORD"]
    try:
        result = subprocess.run(
            [*command, "--no-password", *args], env=env, capture_output=True, text=True
        )
    except FileNotFoundError as error:
        raise BackupError(
            f"{program} was not found; install the PostgreSQL client tools."
        ) from error
    if result.returncode != 0:
        raise BackupError(f"{program} failed: {result.stderr.strip() or result.stdout.strip()}")
    return result


def default_folder():
    return settings.VAR_DIR / "backups"


def backup(folder=None, now=None):
    """Write database.dump and media.tar.gz into a new folder named for the time (UTC)
    under `folder` (var/backups by default); return that new folder."""
    database = _database()
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%d-%H%M%S")
    target = Path(folder or default_folder()) / stamp
    Path(target.parent).mkdir(parents=True, exist_ok=True)
    target.mkdir(mode=0o700)  # it holds commenters' email addresses
    _client(
        "pg_dump",
        database,
        "--format=custom",
        "--file",
        str(target / DUMP_NAME),
        database["NAME"],
    )
    media_root = Path(settings.MEDIA_ROOT)
    with tarfile.open(target / MEDIA_NAME, "w:gz") as archive:
        if media_root.is_dir():
            for child in sorted(media_root.iterdir()):
                archive.add(child, arcname=child.name)
    return target


def restore(folder, database_name, media_root=None):
    """Create `database_name` afresh and restore the backup in `folder` into it; unpack the
    uploads into `media_root` (MEDIA_ROOT by default), which must be empty or absent."""
    database = _database()
    folder = Path(folder)
    dump, media = folder / DUMP_NAME, folder / MEDIA_NAME
    for part in (dump, media):
        if not part.is_file():
            raise BackupError(f"{part} is missing: is {folder} a backup folder?")
    media_root = Path(media_root or settings.MEDIA_ROOT)
    if media_root.exists() and any(media_root.iterdir()):
        raise BackupError(
            f"{media_root} is not empty; restore the uploads into an empty folder "
            "(set MEDIA_ROOT or pass --media-root)."
        )
    _client("createdb", database, "--template=template0", "--encoding=UTF8", database_name)
    _client(
        "pg_restore",
        database,
        "--dbname",
        database_name,
        "--no-owner",
        "--no-privileges",
        "--single-transaction",
        "--exit-on-error",
        str(dump),
    )
    # Cache keys name the database (newsroom.cache.make_key): a new name shares nothing with
    # the old site, and anything left under a name used before is dropped here.
    forget_database(database_name)
    media_root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(media, "r:gz") as archive:
        if hasattr(tarfile, "data_filter"):
            archive.extractall(media_root, filter="data")
        else:  # Python before 3.11.4: no filters; the archive is one we wrote.
            archive.extractall(media_root)
    return media_root
