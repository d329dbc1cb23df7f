"""Backups when the uploads are on S3-compatible storage (README "Backups"): every object is
copied into the backup folder, streamed, with progress, resumable; a restore puts them into an
empty bucket or prefix, never over anything. Against a real S3 API (moto's server)."""

import io
import json
import os
import tarfile
import uuid
from io import StringIO
from pathlib import Path

import psycopg
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from articles.models import Image as LibraryImage
from newsroom import backups
from newsroom.s3 import S3Storage
from newsroom.storage import StorageUnavailable

from .conftest import Terminal, make_article, make_image, uploaded_jpeg
from .s3 import fetch, public_read_policy, s3_storage_options
from .test_image_access import picture_urls

pytestmark = pytest.mark.django_db


def storage():
    return backups.bucket_storage()


def new_bucket(s3_server, settings, **options):
    """Point the uploads at another, empty bucket (as a restored site would be)."""
    name = s3_server.create_bucket(f"newsroom-restored-{uuid.uuid4().hex[:8]}")
    s3_server.client().put_bucket_policy(Bucket=name, Policy=public_read_policy(name))
    settings.STORAGES = {
        **settings.STORAGES,
        "default": s3_storage_options(s3_server.endpoint, name, **options),
    }
    return name


def contents(s3_server, bucket, prefix=""):
    return {
        key.removeprefix(prefix): s3_server.read(bucket, key)
        for key in s3_server.keys(bucket, prefix)
    }


def backup_folder(tmp_path):
    folder = tmp_path / "backup"
    folder.mkdir()
    (folder / backups.DUMP_NAME).write_bytes(b"a database dump")
    return folder


def test_a_backup_copies_every_object_of_the_bucket_with_progress(s3_bucket, s3_server, tmp_path):
    make_image(), make_image(file=uploaded_jpeg(size=(700, 500)))
    # A folder marker, as the AWS console's "Create folder" makes: not an upload.
    s3_server.client().put_object(Bucket=s3_bucket.name, Key="images/", Body=b"")
    folder = backup_folder(tmp_path)
    seen = []
    listing = backups.copy_bucket(storage(), folder, progress=lambda *state: seen.append(state))
    original = contents(s3_server, s3_bucket.name)
    del original["images/"]
    copied = {
        str(path.relative_to(folder / "media")): path.read_bytes()
        for path in (folder / "media").rglob("*")
        if path.is_file()
    }
    assert copied == original and len(copied) > 10
    assert json.loads((folder / "media.json").read_text()) == listing
    assert listing["bucket"] == s3_bucket.name
    total, total_bytes = len(original), sum(len(data) for data in original.values())
    assert seen[0] == (0, total, 0, total_bytes)
    assert seen[-1] == (total, total, total_bytes, total_bytes)
    assert [state[0] for state in seen] == list(range(total + 1))


def test_a_backup_cut_short_is_resumed_fetching_only_what_is_missing(
    s3_bucket, s3_server, s3_requests, tmp_path, monkeypatch
):
    make_image()
    folder = backup_folder(tmp_path)
    download = S3Storage.download
    calls = []

    def cut_after_four(self, name, file, callback=None):
        calls.append(name)
        if len(calls) == 5:
            file.write(b"half an object")
            raise StorageUnavailable("S3 storage: connection reset")
        return download(self, name, file, callback)

    monkeypatch.setattr(S3Storage, "download", cut_after_four)
    with pytest.raises(StorageUnavailable):
        backups.copy_bucket(storage(), folder)
    monkeypatch.setattr(S3Storage, "download", download)
    assert not (folder / "media.json").exists()  # not complete: a restore refuses it
    with pytest.raises(backups.BackupError, match="--resume"):
        backups.restore_media(folder, tmp_path / "restored")

    total = len(s3_bucket.names())
    s3_requests.clear()
    backups.copy_bucket(storage(), folder)
    gets = [request for request in s3_requests.sent if request.startswith("GET")]
    assert len(gets) == 1 + (total - 4)  # the listing, then the objects not copied whole
    copied = {
        str(path.relative_to(folder / "media")): path.read_bytes()
        for path in (folder / "media").rglob("*")
        if path.is_file() and not path.name.endswith(".part")
    }
    assert copied == contents(s3_server, s3_bucket.name)


def test_the_backup_command_says_how_to_finish_a_copy_cut_short_and_finishes_it(
    s3_bucket, tmp_path, monkeypatch
):
    make_image()

    def pg_dump(program, database, *args):  # no PostgreSQL in this run: a stand-in dump
        Path(args[args.index("--file") + 1]).write_bytes(b"dump")

    def down(*args, **kwargs):
        raise StorageUnavailable("S3 storage: Could not connect to the endpoint URL")

    monkeypatch.setattr(backups, "_database", lambda: {"NAME": "newsroom"})
    monkeypatch.setattr(backups, "_client", pg_dump)
    download = S3Storage.download
    monkeypatch.setattr(S3Storage, "download", down)
    with pytest.raises(CommandError, match=r"finish it with: manage\.py backup --resume ") as cut:
        call_command("backup", output_dir=str(tmp_path), stdout=StringIO())
    folder = str(cut.value).rsplit("--resume ", 1)[1].strip()
    assert Path(folder).parent == tmp_path
    monkeypatch.setattr(S3Storage, "download", download)
    out = StringIO()
    call_command("backup", resume=folder, stdout=out)
    assert f"Backup written to {folder}" in out.getvalue()
    assert (Path(folder) / "media.json").is_file()


def test_a_restore_puts_the_objects_into_an_empty_bucket_and_the_site_serves_them(
    client, s3_bucket, s3_server, settings, tmp_path
):
    article = make_article(featured_image=uploaded_jpeg(size=(1600, 900)))
    folder = backup_folder(tmp_path)
    backups.copy_bucket(storage(), folder)
    original = contents(s3_server, s3_bucket.name)

    restored = new_bucket(s3_server, settings)
    seen = []
    where = backups.restore_media(folder, progress=lambda *state: seen.append(state))
    assert where == f"s3://{restored}/"
    assert contents(s3_server, restored) == original
    assert seen[-1][0] == seen[-1][1] == len(original)
    head = s3_server.client().head_object(Bucket=restored, Key=article.lead_image.file.name)
    assert head["ContentType"] == "image/jpeg"
    assert head["CacheControl"] == "public, max-age=2592000"
    # The site, pointed at the restored bucket, shows the photos from there.
    urls = picture_urls(client.get(article.get_absolute_url()).content.decode())
    assert urls and all(url.startswith(f"{s3_server.endpoint}/{restored}/") for url in urls)
    assert all(fetch(url)[0] == 200 for url in urls)


def test_a_restore_cut_short_is_finished_putting_back_only_what_is_missing(
    s3_bucket, s3_server, s3_requests, settings, tmp_path, monkeypatch
):
    make_image()
    folder = backup_folder(tmp_path)
    backups.copy_bucket(storage(), folder)
    original = contents(s3_server, s3_bucket.name)
    restored = new_bucket(s3_server, settings)
    upload = S3Storage.upload
    calls = []

    def cut_after_three(self, name, file, callback=None):
        calls.append(name)
        if len(calls) == 4:
            raise StorageUnavailable("S3 storage: connection reset")
        return upload(self, name, file, callback)

    monkeypatch.setattr(S3Storage, "upload", cut_after_three)
    with pytest.raises(StorageUnavailable):
        backups.restore_media(folder)
    monkeypatch.setattr(S3Storage, "upload", upload)
    assert len(s3_server.keys(restored)) == 3
    with pytest.raises(backups.BackupError, match="is not empty"):
        backups.restore_media(folder)  # a plain restore never writes over anything

    s3_requests.clear()
    out = Terminal()
    call_command("restore", str(folder), database="unused", resume_uploads=True, stdout=out)
    puts = [request for request in s3_requests.sent if request.startswith("PUT")]
    assert len(puts) == len(original) - 3
    assert contents(s3_server, restored) == original
    assert f"{len(original)}/{len(original)} files" in out.getvalue()
    assert "the database was left alone" in out.getvalue()


def test_a_restore_refuses_a_bucket_that_is_not_empty_and_writes_nothing(
    s3_bucket, s3_server, tmp_path
):
    make_image()
    folder = backup_folder(tmp_path)
    backups.copy_bucket(storage(), folder)
    before = contents(s3_server, s3_bucket.name)
    with pytest.raises(backups.BackupError, match="is not empty"):
        backups.restore_media(folder)
    assert contents(s3_server, s3_bucket.name) == before


def test_a_restore_into_an_empty_prefix_of_a_used_bucket(s3_bucket, s3_server, settings, tmp_path):
    photo = make_image()
    folder = backup_folder(tmp_path)
    backups.copy_bucket(storage(), folder)
    original = contents(s3_server, s3_bucket.name)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": s3_storage_options(s3_server.endpoint, s3_bucket.name, location="restored"),
    }
    assert backups.restore_media(folder) == f"s3://{s3_bucket.name}/restored/"
    assert contents(s3_server, s3_bucket.name, "restored/") == original
    assert f"restored/{photo.file.name}" in s3_server.keys(s3_bucket.name, "restored/")
    with pytest.raises(backups.BackupError, match="restored/ is not empty"):
        backups.restore_media(folder)


def test_a_disk_backup_restored_into_a_bucket_moves_the_site_to_s3(s3_bucket, s3_server, tmp_path):
    files = {"images/abc/harbour.jpg": b"\xff\xd8 a photo", "authors/def/ana.jpg": b"\xff\xd8 ana"}
    folder = backup_folder(tmp_path)
    with tarfile.open(folder / backups.MEDIA_NAME, "w:gz") as archive:
        for name, data in files.items():
            member = tarfile.TarInfo(name)
            member.size = len(data)
            archive.addfile(member, io.BytesIO(data))
    backups.restore_media(folder)
    assert contents(s3_server, s3_bucket.name) == files


def test_an_s3_backup_restored_onto_a_disk(s3_bucket, s3_server, settings, tmp_path):
    make_image()
    folder = backup_folder(tmp_path)
    backups.copy_bucket(storage(), folder)
    original = contents(s3_server, s3_bucket.name)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "newsroom.storage.FileSystemStorage"},
    }
    target = tmp_path / "media"
    backups.restore_media(folder, target)
    restored = {
        str(path.relative_to(target)): path.read_bytes()
        for path in target.rglob("*")
        if path.is_file()
    }
    assert restored == original


# The commands, end to end, on PostgreSQL ----------------------------------------------------------


@pytest.mark.scale
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_backup_and_restore_commands_with_the_uploads_on_s3(
    s3_bucket, s3_server, settings, tmp_path
):
    if connection.vendor != "postgresql":
        pytest.fail("Backups need PostgreSQL: run with DATABASE_URL=postgres://… (.ci/run does).")
    article = make_article(featured_image=uploaded_jpeg(size=(1600, 900)))
    original = contents(s3_server, s3_bucket.name)
    out = Terminal()
    call_command("backup", output_dir=str(tmp_path), stdout=out)
    assert f"Uploads: the objects under s3://{s3_bucket.name}/" in out.getvalue()
    assert f"{len(original)}/{len(original)} files" in out.getvalue()
    folder = tmp_path / os.listdir(tmp_path)[0]
    assert sorted(path.name for path in folder.iterdir()) == [
        "database.dump",
        "media",
        "media.json",
    ]

    restored_bucket = new_bucket(s3_server, settings)
    database = f"{connection.settings_dict['NAME']}_restored_{uuid.uuid4().hex[:6]}"
    out = StringIO()
    try:
        call_command("restore", str(folder), database=database, stdout=out)
        assert f"uploads into s3://{restored_bucket}/" in out.getvalue()
        assert contents(s3_server, restored_bucket) == original
        db = connection.settings_dict
        with psycopg.connect(
            host=db["HOST"] or "127.0.0.1",
            port=db["PORT"] or 5432,
            user=db["USER"],
            password=db["PASSWORD"] or None,
            dbname=database,
        ) as restored:
            names = restored.execute("SELECT file FROM articles_image").fetchall()
        assert names == [(article.lead_image.file.name,)]
        assert set(LibraryImage.objects.get().renditions) >= {"crops", "og"}
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{database}"')
