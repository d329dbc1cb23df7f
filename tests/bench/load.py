"""The page benchmark (`make bench`): datasets, servers, wrk, and the table it prints.

    python -m tests.bench.load [--duration 5] [--articles N] ... [--yes-destroy]

Every load runs against 127.0.0.1 only, for a fixed number of seconds (wrk -d); every
process started here is stopped by its PID before run() returns.
"""

import argparse
import gzip
import json
import os
import runpy
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field, fields
from itertools import chain
from pathlib import Path
from statistics import median
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import psycopg
from django.conf import settings
from django.core.management import call_command
from psycopg import sql

from articles.models import Article
from newsroom.cache import invalidate_pages, purgers
from tests.processes import (
    GUNICORN_CONFIG,
    Gunicorn,
    Nginx,
    Varnish,
    newsroom_site,
    static_site,
)

from . import ACCEPT_GZIP, live, pages, working
from .guard import CONFIRM, require_bench_database
from .working import WorkingReport

SMALL_SCHEMA = "bench_small"
QUIET = 0.25
WRK_REPORT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "WRK_JSON {\\"requests\\": %d, \\"duration_us\\": %d, \\"socket_errors\\": %d, "
    .. "\\"status_errors\\": %d, \\"p50_us\\": %d, \\"p99_us\\": %d}\\n",
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(99)))
end
"""


@dataclass
class Options:
    articles: int = 100_000
    comments: int = 1_000_000
    small_articles: int = 1_000
    small_comments: int = 10_000
    duration: int = 10
    connections: int = 32
    threads: int = 2
    port: int = 8201
    nginx_port: int = 8280
    varnish_port: int = 8290
    workers: int = 0  # 0: newsroom/gunicorn.conf.py decides
    repeat: int = 2  # runs per row; the best one counts
    front_rounds: int = 4  # Varnish and the file in turns: their figures move from round to round
    quiet_wait: int = 10  # seconds a run may wait for other work on the machine to calm down
    working_duration: int = 60  # seconds of the newsroom-at-work run
    change_speedup: int = 1  # divides the desk's intervals (30 s, 5 s, 10 s) in short runs


@dataclass
class Load:
    """What wrk saw: throughput, latency percentiles, and errors (socket errors and 4xx/5xx)."""

    requests: int = 0
    rps: float = 0.0
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    errors: int = 0
    note: str = ""
    busy: float = 0.0  # share of the CPU other processes used just before the run


@dataclass
class Report:
    options: Options
    load_average: tuple
    worker_setup: str
    profiles: dict = field(default_factory=dict)
    cold: dict = field(default_factory=dict)
    warm: dict = field(default_factory=dict)
    memory_mib: dict = field(default_factory=dict)
    static_ceiling: Load | None = None
    micro_cache: Load | None = None
    # Varnish (newsroom/deploy/varnish.vcl, the app purging it by key) and nginx serving the
    # same page as a file, measured in turns in one run: (varnish, static) per round.
    front_rounds: list = field(default_factory=list)
    front_purge: str = ""  # what a purge of the page's key did, checked before the rounds
    flat: dict = field(default_factory=dict)
    flat_comments: int | None = None  # the shape both flat-cost pages share, when matched
    load_average_end: tuple = ()
    cpu_reference_ms: tuple = ()  # (at the start, at the end): see cpu_reference()
    working: WorkingReport | None = None  # the newsroom at work (tests/bench/working.py)
    live_coverage: live.LiveReport | None = None  # a spike on a live page (tests/bench/live.py)


def wrk(url, options, duration=None, headers=()):
    """Drive one URL for a fixed time; a failed run is reported, not raised."""
    if urlsplit(url).hostname != "127.0.0.1":
        raise ValueError("The benchmark only loads 127.0.0.1.")
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_REPORT)
    command = [
        "wrk",
        f"-t{options.threads}",
        f"-c{options.connections}",
        f"-d{duration or options.duration}s",
        "--timeout",
        "5s",
        "-s",
        script.name,
        *chain.from_iterable(("-H", header) for header in headers),
        url,
    ]
    try:
        result = subprocess.run(
            command, capture_output=True, text=True, timeout=(duration or options.duration) + 30
        )
    finally:
        os.unlink(script.name)
    return parse_wrk(result.stdout, result.stderr)


def parse_wrk(stdout, stderr=""):
    """The Load in the line our Lua script makes wrk print (times in microseconds), or a
    note saying why there is none."""
    for line in stdout.splitlines():
        if line.startswith("WRK_JSON "):
            data = json.loads(line.removeprefix("WRK_JSON "))
            seconds = data["duration_us"] / 1e6
            return Load(
                requests=data["requests"],
                rps=data["requests"] / seconds if seconds else 0.0,
                p50_ms=data["p50_us"] / 1000,
                p99_ms=data["p99_us"] / 1000,
                errors=data["socket_errors"] + data["status_errors"],
            )
    return Load(note=(stderr or stdout).strip()[:200] or "wrk failed")


def cpu_busy(interval=0.5):
    """The share of all CPUs in use over `interval` seconds, from /proc/stat."""
    before = Path("/proc/stat").read_text()
    time.sleep(interval)
    return busy_share(before, Path("/proc/stat").read_text())


def busy_share(before, after):
    """The share of CPU time not idle (nor waiting for I/O) between two readings of
    /proc/stat, whose first line is "cpu user nice system idle iowait irq softirq ..."."""

    def totals(stat):
        counters = [int(value) for value in stat.split("\n", 1)[0].split()[1:]]
        return sum(counters), counters[3] + counters[4]

    (total0, idle0), (total1, idle1) = totals(before), totals(after)
    return 1 - (idle1 - idle0) / max(1, total1 - total0)


def cpu_reference(rounds=3):
    """Milliseconds for a fixed piece of pure Python (the fastest of ``rounds``): how fast
    this machine runs right now. On a shared virtual machine that changes by a third from
    hour to hour with the same code, so compare two runs' req/s only next to this."""
    best = float("inf")
    for _ in range(rounds):
        started = time.process_time()
        total = 0
        for number in range(2_000_000):
            total += number * number
        best = min(best, time.process_time() - started)
    return 1000 * best


def measure(url, options, runs=None, headers=(ACCEPT_GZIP,)):
    """The best of `repeat` (or `runs`) wrk runs, each started once the machine is quiet (our
    servers are idle between runs, so what is busy then is someone else) or `quiet_wait` has
    passed. Asked as browsers ask (``headers``): compressed."""
    best = None
    for _ in range(runs or options.repeat):
        deadline = time.monotonic() + options.quiet_wait
        busy = cpu_busy()
        while busy > QUIET and time.monotonic() < deadline:
            busy = cpu_busy(2.0)
        load = wrk(url, options, headers=headers)
        load.busy = busy
        if best is None or load.rps > best.rps:
            best = load
    return best


def fetch(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.read()
    except urllib.error.HTTPError as error:
        return error.read()


def with_search_path(database_url, schema):
    parts = urlsplit(database_url)
    query = dict(parse_qsl(parts.query))
    query["options"] = f"-c search_path={schema}"
    return urlunsplit(parts._replace(query=urlencode(query)))


def ensure_database():
    """Create the benchmark database and the small dataset's schema if they are missing."""
    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.postgresql":
        raise RuntimeError("The benchmark needs PostgreSQL: set DATABASE_URL=postgres://…")
    params = {
        "host": db["HOST"] or None,
        "port": db["PORT"] or None,
        "user": db["USER"] or None,
        "password": db["PASSWORD"] or None,
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]])
        if exists.fetchone() is None:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db["NAME"])))
    with psycopg.connect(dbname=db["NAME"], autocommit=True, **params) as bench:
        bench.execute(
            sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(SMALL_SCHEMA))
        )


def dataset_env(database_url):
    """A dataset's own database and cache namespace: two datasets must share no cache key."""
    prefix = os.environ.get("CACHE_KEY_PREFIX", "newsroom")
    if database_url != os.environ["DATABASE_URL"]:
        prefix += "-" + SMALL_SCHEMA
    return {"DATABASE_URL": database_url, "CACHE_KEY_PREFIX": prefix}


def prepare(database_url, articles, comments, work_dir, out, yes_destroy=False, profiled=True):
    """Build or reuse one dataset (in a child process, against its own DATABASE_URL) and
    return its per-page SQL profile (None when not ``profiled``)."""
    profile = Path(work_dir) / f"profile-{articles}.json"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "tests.bench.dataset",
            f"--articles={articles}",
            f"--comments={comments}",
            *([f"--profile-json={profile}"] if profiled else []),
            *([CONFIRM] if yes_destroy else []),
        ],
        cwd=settings.BASE_DIR,
        env={**os.environ, **dataset_env(database_url)},
        check=True,
    )
    return json.loads(profile.read_text()) if profiled else None


SCENARIOS = ("pages", "working", "live")


def run(options, out, yes_destroy=False, only=None):
    """The whole benchmark, or only one of SCENARIOS: "pages" (each page type cold and
    warm, the flat-cost check, nginx) or "working" (the newsroom at work); returns a Report
    for format_report()."""
    require_bench_database(yes_destroy)
    for tool in ("wrk",):
        if shutil.which(tool) is None:
            raise RuntimeError(f"{tool} is not installed (Debian: apt-get install {tool}).")
    ensure_database()
    large_url = os.environ["DATABASE_URL"]
    small_url = with_search_path(large_url, SMALL_SCHEMA)
    work_dir = Path(tempfile.mkdtemp(prefix="newsroom-bench-"))
    work_dir.chmod(0o755)
    try:
        report = Report(options, os.getloadavg(), "")
        if only == "live":  # needs no generated dataset: its own live articles
            report.live_coverage = live.measure(options, work_dir, out, measure, fetch)
            return report
        started_reference = cpu_reference()
        if only != "working":
            out.write("Dataset: small (for the flat-cost check)")
            small = prepare(
                small_url,
                options.small_articles,
                options.small_comments,
                work_dir,
                out,
                yes_destroy,
            )
        out.write("Dataset: large")
        large = prepare(
            large_url,
            options.articles,
            options.comments,
            work_dir,
            out,
            yes_destroy,
            profiled=only != "working",
        )
        if only != "working":
            report.profiles = {"small": small, "large": large}
            urls = {name: large[name]["url"] for name in pages.PAGE_TYPES}
            twin = pages.twin_article(SMALL_SCHEMA, small["article"]["url"])
            flat_urls = (small["article"]["url"], twin[0] if twin else urls["article"])
            report.flat_comments = twin[1] if twin else None
            _measure(report, options, urls, flat_urls, small_url, work_dir, out)
        if only != "pages":
            # The servers run with DEBUG off: they need the hashed static files, which the
            # dataset script collects only with a profile.
            call_command("collectstatic", interactive=False, verbosity=0)
            workers = options.workers or None
            report.working = working.measure(
                lambda: Gunicorn(options.port, {"PAGE_CACHE_SECONDS": "0"}, workers, work_dir),
                lambda: Gunicorn(options.port, {}, workers, work_dir),
                options,
                work_dir,
                out,
            )
        if only is None:
            report.live_coverage = live.measure(options, work_dir, out, measure, fetch)
        report.load_average_end = os.getloadavg()
        report.cpu_reference_ms = (started_reference, cpu_reference())
        return report
    finally:
        shutil.rmtree(work_dir, ignore_errors=True)


def _measure(report, options, urls, flat_urls, small_url, work_dir, out):
    cold_env = {"PAGE_CACHE_SECONDS": "0"}
    workers = options.workers or None
    out.write("Cold: page cache off, every request renders")
    with Gunicorn(options.port, cold_env, workers, work_dir) as app:
        report.worker_setup = _worker_setup(app)
        for name, url in urls.items():
            report.cold[name] = measure(app.url + url, options)
            out.write(f"  {name:<8} {report.cold[name].rps:8.0f} req/s")
        report.memory_mib["cold"] = app.peak_rss_mib()

    out.write("Flat cost: the cold article page at two dataset sizes")
    small_env = {**cold_env, **dataset_env(small_url)}
    with (
        Gunicorn(options.port + 1, small_env, workers, work_dir) as small_app,
        Gunicorn(options.port, cold_env, workers, work_dir) as large_app,
    ):
        report.flat = {
            "small": measure(small_app.url + flat_urls[0], options),
            "large": measure(large_app.url + flat_urls[1], options),
        }

    out.write("Warm: page cache on (Redis)")
    invalidate_pages()
    with Gunicorn(options.port, {}, workers, work_dir) as app:
        for url in urls.values():
            fetch(app.url + url)
        for name, url in urls.items():
            report.warm[name] = measure(app.url + url, options)
            out.write(f"  {name:<8} {report.warm[name].rps:8.0f} req/s")
        report.memory_mib["warm"] = app.peak_rss_mib()
        page = fetch(app.url + urls["article"])
        if Nginx.available():
            out.write("nginx (newsroom/deploy/nginx.conf) with its micro-cache in front")
            site = newsroom_site(options.nginx_port, options.port, work_dir / "nginx-cache")
            with Nginx(options.nginx_port, site) as proxy:
                report.micro_cache = measure(proxy.url + urls["article"], options)

    if Nginx.available() and Varnish.available():
        _front_cache(report, options, urls["article"], page, work_dir, out)

    if Nginx.available():
        out.write("nginx serving a saved copy of the article page: the ceiling")
        static = work_dir / "static-site"
        static.mkdir()
        static.chmod(0o755)
        # Sent compressed beforehand (gzip_static), as the app sends its kept pages.
        for name, content in (("article.html", page), ("article.html.gz", gzip.compress(page))):
            (static / name).write_bytes(content)
            (static / name).chmod(0o644)
        ceiling = static_site(options.nginx_port, static, precompressed=True)
        with Nginx(options.nginx_port, ceiling) as server:
            report.static_ceiling = measure(server.url + "/article.html", options)


def _front_cache(report, options, url, page, work_dir, out):
    """Varnish with the shipped VCL in front of gunicorn (which purges it by key, as in
    production), beside nginx serving the same page as a file: the article page through
    each, in turns, `repeat` rounds. First a purge of the article's key is checked."""
    out.write("Varnish (newsroom/deploy/varnish.vcl, purged by key) beside nginx serving a file")
    folder = work_dir / "front-static"
    folder.mkdir()
    folder.chmod(0o755)
    # As browsers ask: compressed. Varnish keeps the page compressed; nginx sends the same
    # page compressed beforehand (gzip_static), its cheapest way.
    for name, content in (("article.html", page), ("article.html.gz", gzip.compress(page))):
        (folder / name).write_bytes(content)
        (folder / name).chmod(0o644)
    front_url = f"http://127.0.0.1:{options.varnish_port}/"
    app_env = {"VARNISH_PURGE_URLS": front_url}
    workers = options.workers or None
    slug = url.rstrip("/").rsplit("/", 1)[-1]
    key = f"article:{Article.objects.values_list('pk', flat=True).get(slug=slug)}"
    file_site = static_site(options.nginx_port, folder, precompressed=True)
    with (
        Gunicorn(options.port, app_env, workers, work_dir),
        Varnish(options.varnish_port, options.port) as front,
        Nginx(options.nginx_port, file_site) as static,
    ):
        states = [front_cache_state(front.url + url) for _ in range(2)]
        purgers.Varnish(URL=front_url).purge([key])
        states += [front_cache_state(front.url + url) for _ in range(2)]
        report.front_purge = f"{' '.join(states[:2])}, purge of {key}, then {' '.join(states[2:])}"
        for _ in range(options.front_rounds):
            fetch(front.url + url)  # kept again if its lifetime ran out meanwhile
            varnish = measure(front.url + url, options, runs=1)
            static_load = measure(static.url + "/article.html", options, runs=1)
            report.front_rounds.append((varnish, static_load))
            out.write(
                f"  Varnish {varnish.rps:8.0f} req/s, nginx file {static_load.rps:8.0f} req/s"
            )


def front_cache_state(url):
    """Varnish's X-Front-Cache answer (HIT or MISS) for one GET."""
    with urllib.request.urlopen(url, timeout=10) as response:
        response.read()
        return response.headers.get("X-Front-Cache", "none")


def _worker_setup(app):
    conf = runpy.run_path(str(GUNICORN_CONFIG))  # the same environment as the servers
    workers = len(app.worker_pids())
    if conf["worker_class"] == "gthread":
        return f"gunicorn gthread, {workers} workers x {conf['threads']} threads"
    return f"gunicorn {conf['worker_class']}, {workers} workers"


def _all_loads(report):
    loads = [*report.cold.values(), *report.warm.values(), *report.flat.values()]
    loads += [load for pair in report.front_rounds for load in pair]
    return [load for load in [*loads, report.static_ceiling, report.micro_cache] if load]


def _loads(values):
    return " ".join(f"{value:.2f}" for value in values) or "-"


def _target(value, ok):
    return f"{value} — {'met' if ok else 'MISSED'}"


def format_report(report):
    o = report.options
    lines = [
        f"Newsroom benchmark: {o.articles:,} articles, {o.comments:,} comments on PostgreSQL; "
        f"Redis page cache.",
        f"{report.worker_setup}; wrk {o.threads} threads, {o.connections} connections, "
        f"{o.duration} s per row, 127.0.0.1. Load average (1, 5, 15 min) at start "
        f"{_loads(report.load_average)}, at end {_loads(report.load_average_end)}: other work "
        "on the machine lowers every figure.",
        *(
            [
                f"CPU reference (a fixed Python loop): {report.cpu_reference_ms[0]:.0f} ms at "
                f"the start, {report.cpu_reference_ms[1]:.0f} ms at the end; a slower machine "
                "takes longer and serves fewer requests."
            ]
            if report.cpu_reference_ms
            else []
        ),
        "",
        f"{'':9}{'SQL':>8}{'SQL':>6}{'render':>8}{'after all':>16}{'after':>7}  "
        f"{'cold (page cache off)':^35}  {'warm (page cache on)':^35}",
        f"{'page':<9}{'queries':>8}{'ms':>6}{'ms':>8}{'queries':>9}{'ms':>7}{'its':>7}  "
        + "  ".join(f"{'req/s':>8}{'p50 ms':>9}{'p99 ms':>9}{'errors':>9}" for _ in range(2)),
    ]
    for name in pages.PAGE_TYPES:
        profile = report.profiles["large"][name]
        cells = []
        for load in (report.cold[name], report.warm[name]):
            if load.note:
                cells.append(f"{'wrk failed: ' + load.note[:23]:>35}")
            else:
                cells.append(f"{load.rps:8.0f}{load.p50_ms:9.1f}{load.p99_ms:9.1f}{load.errors:9,}")
        lines.append(
            f"{name:<9}{profile['queries']:>5}/{profile['cached_queries']:<2}"
            f"{profile['sql_ms']:6.1f}{profile.get('render_ms', 0):8.1f}"
            f"{profile.get('changed_queries', 0):9}{profile.get('changed_render_ms', 0):7.1f}"
            f"{_ms(shown_change_ms(profile)):>7}  " + "  ".join(cells)
        )
    lines += [
        "",
        "SQL queries: page cache off / served from the cache. SQL and render ms: the fastest of 15",
        "renders in one process, page cache off (render includes SQL; wrk figures include HTTP);",
        "cached fragments (header, footer, Popular News, an article's neighbours, recommendations",
        "and comment thread...) stay on. After all: the same, each render right after every page",
        "and fragment was made stale, as a Site edit does (the comment thread is put together",
        "again from each comment's own markup, kept until that comment changes). After its: the",
        "slowest render right after a change the page shows, with the keys the desk's save",
        "renews: a story published (home, section, tag, search, feed); a comment approved on",
        "the article, its text edited, or the story before it published (article).",
        f"Each row: the best of {o.repeat} runs, each started when other processes used under "
        f"{QUIET:.0%} of the CPU or after {o.quiet_wait} s; the busiest start: "
        f"{max(load.busy for load in _all_loads(report)):.0%}.",
        f"Peak worker memory (VmHWM): {report.memory_mib.get('cold', 0):.0f} MiB cold, "
        f"{report.memory_mib.get('warm', 0):.0f} MiB warm.",
    ]
    warm_article = report.warm["article"]
    if report.static_ceiling:
        ceiling = report.static_ceiling
        share = warm_article.rps / ceiling.rps if ceiling.rps else 0.0
        lines.append(
            f"nginx serving the saved article page as a file: {ceiling.rps:,.0f} req/s "
            f"(p99 {ceiling.p99_ms:.1f} ms); our warm article page is {share:.0%} of it."
        )
    if report.micro_cache:
        micro = report.micro_cache
        lines.append(
            f"Article page through newsroom/deploy/nginx.conf (1 s micro-cache): "
            f"{micro.rps:,.0f} req/s, p99 {micro.p99_ms:.1f} ms, {micro.errors} errors."
        )
    small, large = report.flat["small"], report.flat["large"]
    ratio = small.rps / large.rps if large.rps else float("inf")
    small_sql = report.profiles["small"]["article"]["sql_ms"]
    large_sql = report.profiles["large"]["article"]["sql_ms"]
    sql_ratio = large_sql / small_sql if small_sql else float("inf")
    small_render = report.profiles["small"]["article"].get("render_ms", 0)
    large_render = report.profiles["large"]["article"].get("render_ms", 0)
    render_ratio = large_render / small_render if small_render else float("inf")
    shape = (
        f" (both with {report.flat_comments} comments: the large dataset's newest such story)"
        if report.flat_comments is not None
        else " (each dataset's newest story)"
    )
    lines += [
        f"Cold article page, {o.small_articles:,} vs {o.articles:,} articles{shape}: "
        f"{small.rps:,.0f} vs {large.rps:,.0f} req/s (cost ratio {ratio:.2f}); "
        f"render {small_render:.1f} vs {large_render:.1f} ms (ratio {render_ratio:.2f}), "
        f"of which SQL {small_sql:.2f} vs {large_sql:.2f} ms (ratio {sql_ratio:.2f}).",
        "",
        "Targets on this machine:",
        "  warm article ≥ 2,500 req/s: "
        + _target(f"{warm_article.rps:,.0f}", warm_article.rps >= 2500),
        "  warm article p99 < 50 ms: "
        + _target(f"{warm_article.p99_ms:.1f} ms", warm_article.p99_ms < 50),
        "  cold article ≥ 300 req/s: "
        + _target(f"{report.cold['article'].rps:,.0f}", report.cold["article"].rps >= 300),
        "  page cost flat, ratio ≤ 1.2, by throughput: " + _target(f"{ratio:.2f}", ratio <= 1.2),
        "  page cost flat, ratio ≤ 1.2, by render time: "
        + _target(f"{render_ratio:.2f}", render_ratio <= 1.2),
        "  page cost flat, ratio ≤ 1.2, by SQL time: "
        + _target(f"{sql_ratio:.2f}", sql_ratio <= 1.2),
        *slow_page_lines(report),
        *front_cache_lines(report),
    ]
    return "\n".join(lines)


def shown_change_ms(profile):
    """A page's slowest render right after a change it shows (pages.shown_changes), or None
    when none was measured."""
    shown = profile.get("shown_changes") or {}
    return max((ms for _, ms in shown.values()), default=None)


def _ms(value):
    return "-" if value is None else f"{value:.1f}"


def slow_page_lines(report):
    """The targets for the slowest pages (issue 16, part 4): cold home and search by
    throughput, and every page's render after a change it shows; beside it, for what it
    says of the fragments, the render after everything was renewed."""
    cold, profile = report.cold, report.profiles["large"]
    shown = {name: shown_change_ms(profile[name]) for name in pages.PAGE_TYPES}
    everything = {name: profile[name].get("changed_render_ms", 0) for name in pages.PAGE_TYPES}

    def slowest(renders):
        name = max(renders, key=renders.get)
        listed = ", ".join(f"{page} {ms:.1f}" for page, ms in renders.items())
        return f"slowest {name} {renders[name]:.1f} ms ({listed})", renders[name]

    lines = [
        "  cold home ≥ 250 req/s: " + _target(f"{cold['home'].rps:,.0f}", cold["home"].rps >= 250),
        "  cold search ≥ 100 req/s: "
        + _target(f"{cold['search'].rps:,.0f}", cold["search"].rps >= 100),
    ]
    if None in shown.values():
        lines.append("  every render after a change it shows ≤ 20 ms: not measured")
    else:
        text, ms = slowest(shown)
        lines.append("  every render after a change it shows ≤ 20 ms: " + _target(text, ms <= 20))
    text, _ = slowest(everything)
    lines.append(f"  (after everything was renewed, as after a Site edit: {text})")
    return lines


def front_cache_lines(report):
    """Varnish in front (purged by key) next to nginx serving the page as a file, measured
    in turns in the same run; the target is 90 % of the file's throughput."""
    if not report.front_rounds:
        return [
            "  Varnish ≥ 90 % of nginx serving a file: not measured (varnishd or nginx missing)"
        ]
    varnish = max((pair[0] for pair in report.front_rounds), key=lambda load: load.rps)
    static = max((pair[1] for pair in report.front_rounds), key=lambda load: load.rps)
    share = varnish.rps / static.rps if static.rps else 0.0
    shares = [pair[0].rps / pair[1].rps if pair[1].rps else 0.0 for pair in report.front_rounds]
    rounds = "; ".join(
        f"{pair[0].rps:,.0f} vs {pair[1].rps:,.0f} ({each:.0%})"
        for pair, each in zip(report.front_rounds, shares, strict=True)
    )
    return [
        "  Varnish ≥ 90 % of nginx serving a file (article page, best of the rounds): "
        + _target(
            f"{varnish.rps:,.0f} req/s (p99 {varnish.p99_ms:.1f} ms, {varnish.errors} errors)"
            f" vs {static.rps:,.0f} req/s (p99 {static.p99_ms:.1f} ms): {share:.0%}",
            share >= 0.9,
        ),
        f"    rounds, Varnish vs file: {rounds}; the median round {median(shares):.0%}. "
        f"Before them: {report.front_purge}.",
    ]


class _Output:
    def write(self, text):
        print(text, flush=True)


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m tests.bench.load",
        description="Benchmark the site under production settings: build (or reuse) a large "
        "dataset on PostgreSQL, start gunicorn and nginx on 127.0.0.1, drive them with wrk and "
        "print requests/s, latency and errors per page type, cache cold and warm.",
    )
    defaults = Options()
    for option in fields(Options):
        parser.add_argument(
            f"--{option.name.replace('_', '-')}", type=int, default=getattr(defaults, option.name)
        )
    parser.add_argument(
        CONFIRM, action="store_true", help="Write even if the database's name lacks 'bench'."
    )
    parser.add_argument(
        "--only",
        choices=SCENARIOS,
        help="Run one scenario: 'pages' (each page type, cold and warm) or 'working' (readers "
        "on a Zipf mix while editors, a moderator and a reporter change the site) or 'live' "
        "(a live article's update poll and page, 64 connections, 2,000 entries).",
    )
    arguments = parser.parse_args(argv)
    options = Options(
        **{option.name: getattr(arguments, option.name) for option in fields(Options)}
    )
    out = _Output()
    report = run(options, out, yes_destroy=arguments.yes_destroy, only=arguments.only)
    if report.cold:
        out.write("")
        out.write(format_report(report))
    if report.working:
        out.write("")
        out.write(working.format_report(report.working, options))
    if report.live_coverage:
        out.write("")
        out.write(live.format_report(report.live_coverage, options))


if __name__ == "__main__":
    main()
