"""Backup and restore (README "Backups"): a loaded site, backed up, restored into a fresh
database on a private PostgreSQL cluster, compares equal to the original."""

import hashlib
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.utils.html import escape

from .load import Request, send
from .processes import (
    gunicorn,
    manage,
    postgres_cluster,
    prepare_app,
    production_env,
    redis_server,
)

pytestmark = pytest.mark.fault

POSTGRES_PORT = 5441
APP_PORT = 8302
REDIS_PORT = 6391
SOURCE = "newsroom_backup_source"
RESTORED = "newsroom_backup_restored"


def table_counts(cluster, database):
    tables = [
        row[0]
        for row in cluster.query(
            database, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
        )
    ]
    return {
        table: cluster.query(database, f'SELECT count(*) FROM "{table}"')[0][0] for table in tables
    }


def checksums(folder):
    folder = Path(folder)
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@dataclass
class Restored:
    cluster: object
    env: dict
    backup_folder: Path
    var_dir: Path
    media_root: Path
    restored_media_root: Path


@pytest.fixture(scope="module")
def restored(tmp_path_factory):
    var_dir = tmp_path_factory.mktemp("backup-app")
    with postgres_cluster(POSTGRES_PORT) as cluster:
        env = production_env(database_url=cluster.create_database(SOURCE), var_dir=var_dir)
        prepare_app(env)
        output = manage("backup", env=env)
        backup_folder = Path(output.split("Backup written to ", 1)[1].strip())
        restored_media_root = tmp_path_factory.mktemp("restored-media")
        manage(
            "restore",
            str(backup_folder),
            "--database",
            RESTORED,
            "--media-root",
            str(restored_media_root),
            env=env,
        )
        yield Restored(
            cluster, env, backup_folder, var_dir, Path(env["MEDIA_ROOT"]), restored_media_root
        )


def test_backup_is_a_timestamped_folder_under_var_backups(restored):
    assert restored.backup_folder.parent == restored.var_dir / "backups"
    assert restored.backup_folder.name[:8].isdigit() and restored.backup_folder.name[8] == "-"
    assert sorted(path.name for path in restored.backup_folder.iterdir()) == [
        "database.dump",
        "media.tar.gz",
    ]


def test_restored_database_has_the_same_articles_and_comments(restored):
    source = table_counts(restored.cluster, SOURCE)
    copy = table_counts(restored.cluster, RESTORED)
    assert source["articles_article"] > 10 and source["comments_comment"] > 0
    assert copy["articles_article"] == source["articles_article"]
    assert copy["comments_comment"] == source["comments_comment"]


def test_restored_database_has_every_table_with_the_same_row_count(restored):
    assert table_counts(restored.cluster, RESTORED) == table_counts(restored.cluster, SOURCE)


def test_restored_media_files_are_identical(restored):
    original = checksums(restored.media_root)
    assert any(name.endswith(".jpg") for name in original)
    assert checksums(restored.restored_media_root) == original


def test_restore_refuses_a_database_that_already_exists(restored, tmp_path):
    with pytest.raises(RuntimeError, match="already exists"):
        manage(
            "restore",
            str(restored.backup_folder),
            "--database",
            SOURCE,
            "--media-root",
            str(tmp_path / "media"),
            env=restored.env,
        )
    assert table_counts(restored.cluster, SOURCE)["articles_article"] > 10


def test_restore_refuses_to_unpack_over_existing_uploads(restored):
    with pytest.raises(RuntimeError, match="is not empty"):
        manage(
            "restore",
            str(restored.backup_folder),
            "--database",
            "newsroom_backup_unused",
            env=restored.env,
        )
    databases = restored.cluster.query("postgres", "SELECT datname FROM pg_database")
    assert ("newsroom_backup_unused",) not in databases


def test_the_restored_copy_serves_the_site_with_its_images(restored):
    env = {
        **restored.env,
        "DATABASE_URL": restored.cluster.url(RESTORED),
        "MEDIA_ROOT": str(restored.restored_media_root),
        "SERVE_MEDIA": "1",
    }
    (headline, image), *_ = restored.cluster.query(
        RESTORED,
        "SELECT headline, file FROM articles_article JOIN articles_image "
        "ON articles_image.id = lead_image_id WHERE status = 'published' "
        "ORDER BY publish_at DESC LIMIT 1",
    )
    with gunicorn(APP_PORT, env, workers=1) as app:
        home = send(app.port, Request("/"))
        picture = send(app.port, Request(f"/media/{image}"))
    assert home.status == 200
    assert escape(headline).encode() in home.body
    assert picture.status == 200
    assert picture.body == (restored.media_root / image).read_bytes()


def test_backup_folder_is_readable_by_its_owner_only(restored):
    assert restored.backup_folder.stat().st_mode & 0o777 == 0o700


def test_the_restored_copy_never_serves_pages_the_original_cached_in_a_shared_redis(restored):
    """Both sites on one Redis with the same CACHE_KEY_PREFIX: a front page the original
    cached after the backup (a headline changed since) never shows on the restored copy."""
    changed = "changed after the backup"
    restored.cluster.query(
        SOURCE,
        "UPDATE articles_article SET headline = headline || ' ' || %s RETURNING id",
        [changed],
    )
    with redis_server(REDIS_PORT) as redis:
        original_env = {**restored.env, "REDIS_URL": redis.url}
        with gunicorn(APP_PORT, original_env, workers=1) as app:
            send(app.port, Request("/"))
            cached = send(app.port, Request("/"))
        assert cached.headers["x-cache"] == "HIT" and changed.encode() in cached.body
        copy_env = {
            **original_env,
            "DATABASE_URL": restored.cluster.url(RESTORED),
            "MEDIA_ROOT": str(restored.restored_media_root),
        }
        with gunicorn(APP_PORT, copy_env, workers=1) as app:
            home = send(app.port, Request("/"))
    assert home.status == 200
    assert home.headers["x-cache"] == "MISS"
    assert changed.encode() not in home.body
