"""Backups: the PostgreSQL database (pg_dump, custom format) and the uploads, together in one
timestamped folder; and their restore into a fresh database and an empty upload store.

The uploads are wherever the site keeps them:

- On the local disk (MEDIA_ROOT): a tar of the folder, ``media.tar.gz``.
- On S3-compatible storage (newsroom/s3.py): every object under the site's prefix is copied
  into ``media/`` inside the backup folder, one file per object, streamed in chunks (never a
  whole object in memory), with a progress callback. A copy cut short (network, Ctrl-C) is
  resumed by running the backup again on the same folder (``resume=``): objects already
  copied whole are kept, the rest are fetched. ``media.json`` (the list of objects and their
  sizes) is written last: a backup folder without it is not complete.

A restore never writes over anything: it creates a new database (and fails if the name is
taken), restores into it in one transaction, and puts the uploads into an empty folder, or an
empty bucket or prefix (AWS_STORAGE_BUCKET_NAME, AWS_LOCATION), whichever kind of backup it
is (a disk backup can be restored into a bucket: that is how a site moves to S3). Uploads
cut short on their way back are finished with ``restore_media(resume=True)``.
Pointing DATABASE_URL and MEDIA_ROOT (or the bucket) at the restored copies is a deliberate,
separate step. The cache is namespaced by database name, so the restored copy never serves
pages cached for the site it was copied from, even from the same Redis.
"""

import json
import os
import posixpath
import shutil
import subprocess
import tarfile
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

from django.conf import settings
from django.core.files.storage import storages

from .cache import forget_database

DUMP_NAME = "database.dump"
MEDIA_NAME = "media.tar.gz"
MEDIA_FOLDER = "media"  # S3 uploads, one file per object
MEDIA_LIST = "media.json"  # written when the copy of MEDIA_FOLDER is complete
PARTIAL = ".part"


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


def bucket_storage():
    """The upload storage when it is S3-compatible (newsroom/s3.py), else None."""
    storage = storages["default"]
    return storage if callable(getattr(storage, "objects", None)) else None


def describe_media():
    storage = bucket_storage()
    if storage is None:
        return f"the folder {settings.MEDIA_ROOT}"
    where = f"s3://{storage.bucket_name}/{storage.prefix}"
    return f"the objects under {where}"


def backup(folder=None, now=None, *, resume=None, progress=None):
    """Write database.dump and the uploads into a new folder named for the time (UTC) under
    `folder` (var/backups by default), or finish the backup begun in the folder `resume`;
    return the backup folder. `progress(done, total, done_bytes, total_bytes)` is called as
    S3 objects are copied."""
    database = _database()
    if resume is not None:
        target = Path(resume)
        if not target.is_dir():
            raise BackupError(f"{target} is not a backup folder to resume.")
    else:
        stamp = (now or datetime.now(UTC)).strftime("%Y%m%d-%H%M%S")
        target = Path(folder or default_folder()) / stamp
        Path(target.parent).mkdir(parents=True, exist_ok=True)
        target.mkdir(mode=0o700)  # it holds commenters' email addresses
    dump = target / DUMP_NAME
    if not dump.is_file():  # a resumed backup keeps its finished dump
        partial = target / (DUMP_NAME + PARTIAL)
        _client("pg_dump", database, "--format=custom", "--file", str(partial), database["NAME"])
        partial.rename(dump)
    storage = bucket_storage()
    if storage is None:
        media_root = Path(settings.MEDIA_ROOT)
        with tarfile.open(target / MEDIA_NAME, "w:gz") as archive:
            if media_root.is_dir():
                for child in sorted(media_root.iterdir()):
                    archive.add(child, arcname=child.name)
    else:
        try:
            copy_bucket(storage, target, progress=progress)
        except (OSError, BackupError) as error:
            raise BackupError(
                f"The copy of the uploads stopped: {error}\nWhat was copied is kept; finish "
                f"it with: manage.py backup --resume {target}"
            ) from error
    return target


def _local_path(root, name):
    """Where object `name` goes under `root`; refuses a name that would leave it."""
    clean = posixpath.normpath(name)
    if clean != name or clean.startswith(("/", "../")) or clean in {".", ".."}:
        raise BackupError(f"Refusing an object name that is not a plain path: {name!r}")
    return root / clean


def copy_bucket(storage, target, *, progress=None):
    """Copy every upload object into target/media/, then write target/media.json.
    Objects already there with their full size (an earlier, interrupted run) are kept."""
    target = Path(target)
    root = target / MEDIA_FOLDER
    objects = list(storage.objects())
    total, total_bytes = len(objects), sum(size for _, size in objects)
    done = done_bytes = 0
    if progress:
        progress(done, total, done_bytes, total_bytes)
    for name, size in objects:
        path = _local_path(root, name)
        if not (path.is_file() and path.stat().st_size == size):
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_name(path.name + PARTIAL)
            with open(partial, "wb") as file:
                storage.download(name, file)
            if partial.stat().st_size != size:
                raise BackupError(f"{name}: got {partial.stat().st_size} of {size} bytes.")
            partial.rename(path)
        done, done_bytes = done + 1, done_bytes + size
        if progress:
            progress(done, total, done_bytes, total_bytes)
    listing = {
        "storage": "s3",
        "bucket": storage.bucket_name,
        "prefix": storage.prefix,
        "objects": [[name, size] for name, size in objects],
    }
    (target / MEDIA_LIST).write_text(json.dumps(listing, indent=1))
    return listing


# Restore ------------------------------------------------------------------------------------------


def _media_files(folder):
    """(name, size, open) of each upload in a backup folder, whichever kind it is."""
    folder = Path(folder)
    if (folder / MEDIA_LIST).is_file():
        listing = json.loads((folder / MEDIA_LIST).read_text())
        root = folder / MEDIA_FOLDER
        for name, size in listing["objects"]:
            path = _local_path(root, name)
            if not path.is_file() or path.stat().st_size != size:
                raise BackupError(f"{path} is missing or incomplete: the backup is damaged.")
            yield name, size, partial(path.open, "rb")
        return
    with tarfile.open(folder / MEDIA_NAME, "r:gz") as archive:
        for member in archive:
            if member.isfile():
                _local_path(Path("."), member.name)  # the same check as for objects
                yield member.name, member.size, partial(archive.extractfile, member)


def _check_backup(folder):
    folder = Path(folder)
    if not (folder / DUMP_NAME).is_file():
        raise BackupError(f"{folder / DUMP_NAME} is missing: is {folder} a backup folder?")
    if (folder / MEDIA_LIST).is_file() or (folder / MEDIA_NAME).is_file():
        return
    if (folder / MEDIA_FOLDER).is_dir():
        raise BackupError(
            f"{folder} holds an unfinished copy of the uploads (no {MEDIA_LIST}): finish it "
            f"with: manage.py backup --resume {folder}"
        )
    raise BackupError(f"{folder / MEDIA_NAME} is missing: is {folder} a backup folder?")


def _check_media_target(media_root):
    """Refuse a target that holds anything: a restore never writes over uploads."""
    storage = bucket_storage()
    if storage is not None:
        if not storage.is_empty():
            raise BackupError(
                f"s3://{storage.bucket_name}/{storage.prefix} is not empty; restore the uploads "
                "into an empty bucket or prefix (set AWS_STORAGE_BUCKET_NAME or AWS_LOCATION)."
            )
        return storage
    if media_root.exists() and any(media_root.iterdir()):
        raise BackupError(
            f"{media_root} is not empty; restore the uploads into an empty folder "
            "(set MEDIA_ROOT or pass --media-root)."
        )
    return None


def restore_media(folder, media_root=None, *, progress=None, resume=False):
    """Put a backup's uploads into the empty upload store: MEDIA_ROOT (or `media_root`), or
    the bucket and prefix when the uploads are on S3. Returns where they went.

    `resume`: finish a restore whose uploads were cut short. The store need not be empty;
    files already there with their full size are kept, the rest are put back."""
    _check_backup(folder)
    media_root = Path(media_root or settings.MEDIA_ROOT)
    storage = bucket_storage() if resume else _check_media_target(media_root)
    return _put_media(folder, storage, media_root, progress, resume=resume)


def _present(storage, media_root):
    """name -> size of the uploads already in the store."""
    if storage is not None:
        return dict(storage.objects())
    if not media_root.is_dir():
        return {}
    return {
        path.relative_to(media_root).as_posix(): path.stat().st_size
        for path in media_root.rglob("*")
        if path.is_file()
    }


def _put_media(folder, storage, media_root, progress, *, resume=False):
    present = _present(storage, media_root) if resume else {}
    files = list(_media_files(folder)) if (Path(folder) / MEDIA_LIST).is_file() else None
    if files is None:  # a tar streams once: count its members first
        with tarfile.open(Path(folder) / MEDIA_NAME, "r:gz") as archive:
            sizes = [member.size for member in archive if member.isfile()]
        total, total_bytes = len(sizes), sum(sizes)
        files = _media_files(folder)
    else:
        total, total_bytes = len(files), sum(size for _, size, _ in files)
    done = done_bytes = 0
    if progress:
        progress(done, total, done_bytes, total_bytes)
    if storage is None:
        media_root.mkdir(parents=True, exist_ok=True)
    for name, size, opener in files:
        if present.get(name) != size:
            with opener() as source:
                if storage is not None:
                    storage.upload(name, source)
                else:
                    path = _local_path(media_root, name)
                    path.parent.mkdir(parents=True, exist_ok=True)
                    with open(path, "wb") as target:
                        shutil.copyfileobj(source, target)
        done, done_bytes = done + 1, done_bytes + size
        if progress:
            progress(done, total, done_bytes, total_bytes)
    if storage is not None:
        return f"s3://{storage.bucket_name}/{storage.prefix}"
    return media_root


def restore(folder, database_name, media_root=None, *, progress=None):
    """Create `database_name` afresh and restore the backup in `folder` into it; put the
    uploads into `media_root` (MEDIA_ROOT by default), which must be empty or absent, or
    into the bucket and prefix when the uploads are on S3 (empty too)."""
    database = _database()
    folder = Path(folder)
    _check_backup(folder)
    media_root = Path(media_root or settings.MEDIA_ROOT)
    storage = _check_media_target(media_root)
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
        str(folder / DUMP_NAME),
    )
    # Cache keys name the database (newsroom.cache.make_key): a new name shares nothing with
    # the old site, and anything left under a name used before is dropped here.
    forget_database(database_name)
    try:
        if storage is None and (folder / MEDIA_NAME).is_file():
            media_root.mkdir(parents=True, exist_ok=True)
            with tarfile.open(folder / MEDIA_NAME, "r:gz") as archive:
                if hasattr(tarfile, "data_filter"):
                    archive.extractall(media_root, filter="data")
                else:  # Python before 3.11.4: no filters; the archive is one we wrote.
                    archive.extractall(media_root)
            return media_root
        return _put_media(folder, storage, media_root, progress)
    except (OSError, BackupError) as error:
        raise BackupError(
            f"The database {database_name!r} is restored, but putting the uploads back "
            f"stopped: {error}\nFinish it with: manage.py restore {folder} --database "
            f"{database_name} --resume-uploads"
        ) from error
