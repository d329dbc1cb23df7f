"""Fault injection against real processes: gunicorn, PostgreSQL and Redis on loopback.

`make fault-test` runs this module. One private PostgreSQL cluster, one private Redis and
one gunicorn (production settings) are started for the module; each scenario runs its
fault once, under bounded load, in a module fixture, and the tests below assert on what it
recorded. Each scenario prints one line of figures.
"""

import json
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from .load import HOST, Request, rotating, run_load, send
from .processes import (
    ROOT,
    gunicorn,
    manage,
    poll,
    postgres_cluster,
    prepare_app,
    production_env,
    redis_server,
    wait_until,
)

pytestmark = pytest.mark.fault

POSTGRES_PORT = 5440
REDIS_PORT = 6390
APP_PORT = 8301
DATABASE = "newsroom_fault"


@dataclass
class Stack:
    postgres: object
    redis: object
    app: object
    env: dict

    def query(self, sql, params=None):
        return self.postgres.query(DATABASE, sql, params)

    def get(self, path):
        return send(self.app.port, Request(path))

    def health(self):
        response = self.get("/healthz")
        return {"http_status": response.status, **json.loads(response.body)}

    def paths_on_home_page(self, pattern):
        home = self.get("/").body.decode()
        return sorted(set(re.findall(f'href="({pattern})"', home)))

    def published_ids(self):
        rows = self.query(
            "SELECT id FROM articles_article WHERE status = 'published' AND publish_at <= now()"
        )
        return [row[0] for row in rows]

    def worker_pids(self):
        """The gunicorn master's children: a worker that crashed would come back with a new PID."""
        pid = self.app.pid
        with open(f"/proc/{pid}/task/{pid}/children") as children:
            return set(children.read().split())


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    var_dir = tmp_path_factory.mktemp("fault-app")
    with postgres_cluster(POSTGRES_PORT) as postgres, redis_server(REDIS_PORT) as redis:
        env = production_env(
            database_url=postgres.create_database(DATABASE),
            redis_url=redis.url,
            var_dir=var_dir,
            # Each comment poster below is a different reader behind the same proxy (the
            # test's client on 127.0.0.1, which stands in for nginx).
            TRUSTED_PROXIES="127.0.0.1",
        )
        prepare_app(env)
        with gunicorn(APP_PORT, env, workers=2) as app:
            yield Stack(postgres, redis, app, env)


def page_requests(stack):
    sections = stack.paths_on_home_page(r"/section/[\w-]+/")[:2]
    articles = stack.paths_on_home_page(r"/\d{4}/\d{2}/\d{2}/[\w-]+/")[:6]
    paths = ["/", "/feed/", "/sitemap.xml", *sections, *articles]
    return [Request(path) for path in paths]


# 1. Redis killed under load --------------------------------------------------------------------


@dataclass
class RedisOutage:
    figures: object
    during_outage: object
    health_during: dict
    health_after: dict
    cache_after_return: str
    workers_before: set
    workers_after: set


@pytest.fixture(scope="module")
def redis_outage(stack):
    requests = page_requests(stack)
    for request in requests:  # fill the cache first
        stack.get(request.path)
    assert stack.get("/").headers.get("x-cache") == "HIT", "the page cache is not working"
    workers_before = stack.worker_pids()
    with run_load(stack.app.port, rotating(requests), threads=4, seconds=40) as load:
        time.sleep(2)
        stack.redis.kill()
        killed_at = time.monotonic()
        time.sleep(1)
        health_during = stack.health()
        time.sleep(3)
        stack.redis.start()
        returned_at = time.monotonic()
        cache_after_return = poll(
            lambda: stack.get("/").headers.get("x-cache"), lambda value: value == "HIT", 15
        )
        # Every worker asks Redis again within 2 s of its last failure.
        health_after = poll(stack.health, lambda health: health["status"] == "ok", 10)
        time.sleep(1)
    figures = load.figures()
    return RedisOutage(
        figures=figures,
        during_outage=figures.where(lambda r: killed_at <= r.started and r.ended <= returned_at),
        health_during=health_during,
        health_after=health_after,
        cache_after_return=cache_after_return,
        workers_before=workers_before,
        workers_after=stack.worker_pids(),
    )


def test_pages_are_served_without_5xx_while_redis_is_down(redis_outage, capsys):
    figures = redis_outage.figures
    with capsys.disabled():
        print(
            "\n"
            + figures.line(
                "redis killed under load",
                served_during_outage=len(redis_outage.during_outage.results),
                statuses=dict(figures.statuses()),
            )
        )
    assert figures.server_errors == 0 and figures.errors == 0, figures.statuses()
    assert len(redis_outage.during_outage.results) >= 10
    assert all(result.status == 200 for result in redis_outage.during_outage.results)


def test_healthz_says_degraded_while_redis_is_down(redis_outage):
    assert redis_outage.health_during == {
        "http_status": 200,
        "status": "degraded",
        "database": "ok",
        "cache": "down",
    }


def test_caching_resumes_when_redis_returns_without_restarting_the_app(redis_outage):
    assert redis_outage.cache_after_return == "HIT"
    assert redis_outage.health_after == {
        "http_status": 200,
        "status": "ok",
        "database": "ok",
        "cache": "ok",
    }
    assert redis_outage.workers_after == redis_outage.workers_before


# 2. PostgreSQL restarted under load ---------------------------------------------------------


@dataclass
class PostgresRestart:
    figures: object
    after_restart: object
    restart_began: float
    restart_ended: float
    acknowledged: list
    failed_writes: list
    stored: dict
    views_counted: int
    views_stored: int
    views_in_doubt: int
    workers_before: set
    workers_after: set

    @property
    def restart_seconds(self):
        return self.restart_ended - self.restart_began

    def overlaps_restart(self, result):
        """Whether the request was in flight at some moment of the restart."""
        return result.started <= self.restart_ended and result.ended >= self.restart_began


def start_writer(stack, prefix, seconds):
    """Start tests/fault_writer.py; return once it has set Django up and begins writing."""
    ready = Path(stack.env["NEWSROOM_VAR_DIR"]) / f"{prefix}.ready"
    writer = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.fault_writer",
            prefix,
            "--ready-file",
            str(ready),
            "--seconds",
            str(seconds),
        ],
        cwd=ROOT,
        env=stack.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_until(lambda: ready.exists() or writer.poll() is not None, 60, "the writer")
    except TimeoutError:
        writer.kill()
        raise
    if writer.poll() is not None:
        raise RuntimeError(f"The writer stopped early:\n{writer.communicate()[1][-3000:]}")
    return writer


@pytest.fixture(scope="module")
def postgres_restart(stack):
    pages = page_requests(stack)
    article_ids = stack.published_ids()[:5]
    views_before = stack.query("SELECT coalesce(sum(views), 0) FROM articles_dailyviews")[0][0]

    def make_request(thread, index):
        # A third each: view-count beacons (a database write), searches nobody made before
        # (a cache miss, so a database read), and ordinary pages (which read the database
        # too: every article the writer saves starts a new page-cache generation).
        kind = (thread + index) % 3
        if kind == 0:
            # A different reader each time (one view per reader and article is counted),
            # sent from our own page as a browser would.
            pk = article_ids[index % len(article_ids)]
            reader = f"10.{thread}.{index // 250 % 250}.{index % 250 + 1}"
            return Request(
                f"/views/{pk}/",
                method="POST",
                form={},
                headers={"Origin": f"http://{HOST}", "X-Forwarded-For": reader},
                label="beacon",
            )
        if kind == 1:
            return Request(f"/search/?q=fault{thread}x{index}", label="search")
        return pages[index % len(pages)]

    workers_before = stack.worker_pids()
    writer = start_writer(stack, "fault-writer", seconds=9)
    with run_load(stack.app.port, make_request, threads=4, seconds=30) as load:
        time.sleep(2)
        restart_began = time.monotonic()
        stack.postgres.restart("fast")
        restart_ended = time.monotonic()
        time.sleep(5)
    try:
        out, err = writer.communicate(timeout=30)
    finally:
        if writer.poll() is None:
            writer.kill()
            writer.wait(10)
    assert writer.returncode == 0, err[-3000:]
    lines = [line.split() for line in out.splitlines()]
    acknowledged = [words[1] for words in lines if words[0] == "ok"]
    failed_writes = [words[1] for words in lines if words[0] == "failed"]

    # Counted by headline, which nothing forces to be unique: a write stored twice would show.
    rows = stack.query(
        """
        SELECT a.headline,
               (SELECT count(*) FROM articles_article_authors x WHERE x.article_id = a.id),
               (SELECT count(*) FROM articles_taggedarticle t WHERE t.content_object_id = a.id)
        FROM articles_article a WHERE a.headline LIKE 'fault-writer-%'
        """
    )
    stored = {}
    for headline, authors, tags in rows:
        copies, _, _ = stored.get(headline, (0, 0, 0))
        stored[headline] = (copies + 1, authors, tags)
    figures = load.figures()
    beacons = figures.where(lambda r: r.request.label == "beacon")
    # Counted views wait in Redis; beacons fold them once a minute, this at once.
    manage("fold_view_counts", env=stack.env)
    views_after = stack.query("SELECT coalesce(sum(views), 0) FROM articles_dailyviews")[0][0]
    return PostgresRestart(
        figures=figures,
        after_restart=figures.where(lambda r: r.started >= restart_ended),
        restart_began=restart_began,
        restart_ended=restart_ended,
        acknowledged=acknowledged,
        failed_writes=failed_writes,
        stored=stored,
        views_counted=sum(1 for r in beacons.results if r.status == 204),
        views_stored=views_after - views_before,
        views_in_doubt=beacons.server_errors + beacons.errors,
        workers_before=workers_before,
        workers_after=stack.worker_pids(),
    )


def test_requests_fail_only_while_postgres_restarts(postgres_restart, capsys):
    restart = postgres_restart
    with capsys.disabled():
        print(
            "\n"
            + restart.figures.line(
                "postgres restarted under load",
                restart_seconds=f"{restart.restart_seconds:.1f}",
                failed_after_restart=restart.after_restart.server_errors
                + restart.after_restart.errors,
                writes_acknowledged=len(restart.acknowledged),
                writes_failed=len(restart.failed_writes),
                writes_stored=len(restart.stored),
                views_counted=restart.views_counted,
                views_stored=restart.views_stored,
            )
        )
    failures = [r for r in restart.figures.results if r.failed]
    outside = [r for r in failures if not restart.overlaps_restart(r)]
    assert not outside, [(r.request.path, r.status, r.error) for r in outside[:5]]


def test_app_recovers_from_postgres_restart_without_being_restarted(postgres_restart):
    searched = postgres_restart.after_restart.where(lambda r: r.request.label == "search")
    assert sum(1 for r in searched.results if r.status == 200) >= 5
    assert postgres_restart.workers_after == postgres_restart.workers_before


def test_every_acknowledged_write_is_stored_exactly_once(postgres_restart):
    assert len(postgres_restart.acknowledged) >= 10
    missing = [s for s in postgres_restart.acknowledged if s not in postgres_restart.stored]
    assert not missing
    assert all(copies == 1 for copies, _, _ in postgres_restart.stored.values())


def test_no_article_is_half_written_by_the_restart(postgres_restart):
    # A write that failed may or may not have committed (the answer can be lost after the
    # commit), but whatever is stored is whole: the article with its author and its tag.
    unexpected = set(postgres_restart.stored) - set(postgres_restart.acknowledged)
    assert unexpected <= set(postgres_restart.failed_writes)
    assert all((authors, tags) == (1, 1) for _, authors, tags in postgres_restart.stored.values())


def test_every_counted_view_is_stored(postgres_restart):
    restart = postgres_restart
    assert restart.views_counted >= 10
    assert restart.views_counted <= restart.views_stored
    assert restart.views_stored <= restart.views_counted + restart.views_in_doubt


# 3. Fifty readers post comments at once ---------------------------------------------------


@dataclass
class CommentFlood:
    figures: object
    accepted: list
    refused: list
    stored: dict


@pytest.fixture(scope="module")
def comment_flood(stack):
    article_id = stack.published_ids()[0]
    token = json.loads(stack.get("/comments/token/").body)["token"]
    time.sleep(4)  # a signed form token younger than COMMENT_MIN_SECONDS is held as too fast
    origin = f"http://{HOST}"

    def make_request(thread, index):
        form = {
            "body": f"poster {thread} comment {index}",
            "name": f"Reader {thread}",
            "email": f"reader{thread}@example.com",
            "token": token,
        }
        if index == 3:  # the same comment again: answered like the first, stored once
            form["body"] = f"poster {thread} comment 0"
        return Request(
            f"/comments/post/{article_id}/",
            method="POST",
            form=form,
            headers={"Origin": origin, "X-Forwarded-For": f"198.51.100.{thread + 1}"},
            label=f"{thread}-{index}",
        )

    with run_load(
        stack.app.port, make_request, threads=50, requests_per_thread=4, seconds=60
    ) as load:
        load.wait()
    figures = load.figures()
    rows = stack.query(
        "SELECT body, count(*) FROM comments_comment"
        " WHERE article_id = %s AND body LIKE 'poster %%' GROUP BY body",
        [article_id],
    )
    return CommentFlood(
        figures=figures,
        accepted=[r for r in figures.results if r.status == 303],
        refused=[r for r in figures.results if r.status != 303],
        stored=dict(rows),
    )


def test_every_accepted_comment_is_stored_exactly_once(comment_flood, capsys):
    flood = comment_flood
    with capsys.disabled():
        print(
            "\n"
            + flood.figures.line(
                "50 concurrent comment posters",
                accepted=len(flood.accepted),
                refused=len(flood.refused),
                stored=sum(flood.stored.values()),
            )
        )
    # Each poster's repeated comment is answered like the first and not stored again.
    accepted_bodies = {r.request.form["body"] for r in flood.accepted}
    assert len(accepted_bodies) >= 100
    assert all(flood.stored.get(body) == 1 for body in accepted_bodies)
    assert sum(flood.stored.values()) == len(accepted_bodies)


def test_every_refused_comment_got_a_clear_4xx(comment_flood):
    flood = comment_flood
    assert flood.figures.server_errors == 0 and flood.figures.errors == 0
    for result in flood.refused:
        assert 400 <= result.status < 500, result.status
        assert b"already" in result.body or b"comment" in result.body.lower()
