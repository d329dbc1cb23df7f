"""The newsroom at work: readers on a Zipf mix of pages while the desk changes the site.

Readers (wrk, tests/bench/readers.lua) walk a list of addresses in which each page appears
as often as its popularity says: the home page and a few hot stories most, then sections,
tags and searches, then a long tail of archive pages each read once or twice. Meanwhile
this process changes the site through the same code the admin runs (model saves, and
``comments.moderation.approve`` for comments), on the clock:

- an editor publishes a story or edits a hot story's headline every 30 s,
- a moderator approves a comment every 5 s,
- a reporter saves a draft every 10 s,

and right after each change fetches the pages it affects and checks that they show it
(a page that does not is *stale*: the count must be 0). What is changed is put back when
the run ends, so the dataset is reused next time.

The same mix runs three times: with the page cache off (cold), on with nothing changing
(warm), and on while the desk works. wrk tallies the X-Cache header of every response
(HIT or MISS from the page cache) and the misses per tenth of a second; the misses after a
change, up to the next one, are the renders that change caused.
"""

import html
import json
import random
import secrets
import subprocess
import textwrap
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from statistics import mean
from urllib.parse import urlencode, urlsplit

from django.db import close_old_connections
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Section, TaggedArticle
from comments import moderation
from comments.models import Comment
from newsroom import cache as page_cache

from . import ACCEPT_GZIP

READERS_SCRIPT = Path(__file__).with_name("readers.lua")
# Seconds between two changes of each kind, and where in its period each falls, so that
# no two changes start together and each one's renders can be told apart.
PERIODS = {"publish": 30.0, "comment": 5.0, "draft": 10.0}
PHASES = {"publish": 0.3, "comment": 0.2, "draft": 0.3}
KIND_NAMES = {
    "publish": "publish or edit",
    "comment": "comment approved",
    "draft": "draft saved",
}
BUCKET = 0.1  # seconds: wrk counts misses per tenth of a second
ZIPF_EXPONENT = 1.0
LINES = 20_000  # addresses in the readers' list
HOT_ARTICLES = 2_000
ARCHIVE_ARTICLES = 600
TAGS = 300
SEARCHES = 40
# The targets of issue 16 for the working newsroom.
TARGET_HIT_RATIO = 0.95
TARGET_SHARE_OF_WARM = 0.70
TARGET_P99_MS = 50.0


@dataclass
class Readers:
    """What wrk saw in one run of the reader mix."""

    requests: int = 0
    rps: float = 0.0
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    errors: int = 0
    hits: int = 0
    misses: int = 0
    uncached: int = 0  # responses without X-Cache (the page cache off, or not cacheable)
    misses_at: dict = field(default_factory=dict)  # tenth of a second (epoch) -> misses
    note: str = ""

    @property
    def hit_ratio(self):
        return hit_ratio(self.hits, self.misses, self.uncached)


@dataclass
class Change:
    kind: str  # a key of PERIODS
    at: float  # time.time() when the change started
    checked: int = 0  # pages fetched after it to see it
    stale: int = 0  # of those, how many did not show it
    check_renders: int = 0  # of those, how many the page cache rendered (MISS)
    rendered_before: int | None = None  # the app's count of renders when it started, if kept


@dataclass
class WorkingReport:
    pages: int = 0  # distinct addresses in the mix
    lines: int = 0
    duration: int = 0
    speedup: int = 1
    cold: Readers | None = None
    warm: Readers | None = None
    working: Readers | None = None
    planned: dict = field(default_factory=dict)  # kind -> changes the schedule asked for
    changes: list = field(default_factory=list)
    renders: dict = field(default_factory=dict)  # kind -> renders of each change
    counted: dict = field(default_factory=dict)  # the same from the app's own count, if kept


# The pure parts ---------------------------------------------------------------------------


def zipf_weights(count, exponent=ZIPF_EXPONENT):
    """The share of readers of the page at each popularity rank (1/rank^s), summing to 1."""
    raw = [1 / rank**exponent for rank in range(1, count + 1)]
    total = sum(raw)
    return [weight / total for weight in raw]


def repetitions(weights, lines):
    """How many times each page appears in a list of about ``lines`` addresses: its share,
    and at least once (the long tail is read, rarely)."""
    return [max(1, round(weight * lines)) for weight in weights]


def reader_list(ranked_urls, lines=LINES, exponent=ZIPF_EXPONENT, seed=16):
    """The readers' addresses: each page repeated by its Zipf weight, in a shuffled order."""
    counts = repetitions(zipf_weights(len(ranked_urls), exponent), lines)
    urls = [url for url, count in zip(ranked_urls, counts, strict=True) for _ in range(count)]
    random.Random(seed).shuffle(urls)
    return urls


def rank_pages(home, sections, articles, tags, searches, archive, seed=16):
    """Addresses from the most read to the least: the home page and the newest stories,
    the sections, more new stories, the busiest tags and searches, then the rest in a
    random order (the long tail)."""
    head = [home, *articles[:5], *sections, *articles[5:20], *tags[:10], *searches[:5]]
    tail = [*articles[20:], *tags[10:], *searches[5:], *archive]
    random.Random(seed).shuffle(tail)
    return list(dict.fromkeys([*head, *tail]))


def schedule(duration, speedup=1, periods=PERIODS, phases=PHASES):
    """(seconds from the start, kind) of every change in a run of ``duration`` seconds,
    in order; ``speedup`` divides every period (short smoke runs)."""
    changes = []
    for kind, period in periods.items():
        period /= speedup
        at = period * phases[kind]
        while at < duration:
            changes.append((round(at, 3), kind))
            at += period
    return sorted(changes)


def shows(page, text):
    """Does the page (bytes of HTML) show ``text``, as a template would print it?"""
    content = page.decode("utf-8", "replace") if isinstance(page, bytes) else page
    return html.escape(text) in content or text in content


def hit_ratio(hits, misses, uncached=0):
    served = hits + misses + uncached
    return hits / served if served else 0.0


def renders_per_change(misses_at, changes, end, baseline_per_second=0.0, bucket=BUCKET):
    """For each change, the renders it caused: the misses readers met from its start up to
    the next change (or the end of the run), less what the run without changes missed in
    as long, plus the checking fetches that were misses. Returns {kind: [renders, ...]}."""
    ordered = sorted(changes, key=lambda change: change.at)
    result = {}
    for index, change in enumerate(ordered):
        until = ordered[index + 1].at if index + 1 < len(ordered) else end
        first, last = int(change.at / bucket), int(until / bucket)
        missed = sum(count for tenth, count in misses_at.items() if first <= tenth < last)
        missed -= baseline_per_second * (until - change.at)
        result.setdefault(change.kind, []).append(max(0.0, missed) + change.check_renders)
    return result


def counted_renders(changes, rendered_at_end, end, baseline_per_second=0.0):
    """Renders per change from the app's count of renders (read as each change started and
    once at the end), less the run without changes' rate; {} when the app keeps none."""
    ordered = sorted(changes, key=lambda change: change.at)
    if rendered_at_end is None or any(c.rendered_before is None for c in ordered):
        return {}
    result = {}
    for index, change in enumerate(ordered):
        following = ordered[index + 1] if index + 1 < len(ordered) else None
        until = following.at if following else end
        count = (following.rendered_before if following else rendered_at_end) - (
            change.rendered_before
        )
        count -= baseline_per_second * (until - change.at)
        result.setdefault(change.kind, []).append(max(0.0, count))
    return result


def render_count():
    """How many pages the app processes have rendered for the page cache, when the page
    cache keeps that count (``newsroom.cache.renders``); otherwise None."""
    counter = getattr(page_cache, "renders", None)
    return None if counter is None else counter()


def parse_readers(stdout, stderr=""):
    """The figures in the lines readers.lua makes wrk print."""
    figures, misses_at = None, {}
    for line in stdout.splitlines():
        if line.startswith("READERS_JSON "):
            figures = json.loads(line.removeprefix("READERS_JSON "))
        elif line.startswith("READERS_MISSES "):
            misses_at = {int(k): v for k, v in json.loads(line.split(" ", 1)[1]).items()}
    if figures is None:
        return Readers(note=(stderr or stdout).strip()[:200] or "wrk failed")
    seconds = figures["duration_us"] / 1e6
    return Readers(
        requests=figures["requests"],
        rps=figures["requests"] / seconds if seconds else 0.0,
        p50_ms=figures["p50_us"] / 1000,
        p99_ms=figures["p99_us"] / 1000,
        errors=figures["socket_errors"] + figures["status_errors"],
        hits=figures["hits"],
        misses=figures["misses"],
        uncached=figures["uncached"],
        misses_at=misses_at,
    )


# Pages, readers and the desk -----------------------------------------------------------------


def choose_pages(seed=16):
    """The mix's addresses, most read first (see rank_pages)."""
    published = Article.objects.published().order_by("-publish_at", "-id")
    newest = list(published[:HOT_ARTICLES])
    ids = list(published.values_list("pk", flat=True)[HOT_ARTICLES:])
    rng = random.Random(seed)
    archive = Article.objects.filter(pk__in=rng.sample(ids, min(ARCHIVE_ARTICLES, len(ids))))
    tags = (
        TaggedArticle.objects.values("tag__slug", "tag__name")
        .annotate(uses=Count("id"))
        .order_by("-uses", "tag__slug")[:TAGS]
    )
    words = list(dict.fromkeys(tag["tag__name"].split()[0].lower() for tag in tags))[:SEARCHES]
    search = reverse("articles:search")
    return rank_pages(
        reverse("articles:home"),
        [section.get_absolute_url() for section in Section.objects.order_by("menu_order")],
        [article.get_absolute_url() for article in newest],
        [reverse("articles:tag", kwargs={"slug": tag["tag__slug"]}) for tag in tags],
        [f"{search}?{urlencode({'q': word})}" for word in words],
        [article.get_absolute_url() for article in archive],
        seed,
    )


def get(url):
    """(status, X-Cache, body) of an anonymous GET."""
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.headers.get("X-Cache", ""), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("X-Cache", ""), error.read()


def prewarm(base_url, urls, workers=4):
    """Fetch every page once, so a run measures the mix, not its first renders."""
    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(lambda url: get(base_url + url), urls))


def readers(base_url, urls_file, options, duration):
    """Start wrk on the reader mix; returns the running process (see finish_readers)."""
    if urlsplit(base_url).hostname != "127.0.0.1":
        raise ValueError("The benchmark only loads 127.0.0.1.")
    command = [
        "wrk",
        f"-t{options.threads}",
        f"-c{options.connections}",
        f"-d{duration}s",
        "--timeout",
        "5s",
        "-s",
        str(READERS_SCRIPT),
        "-H",
        ACCEPT_GZIP,  # as browsers ask: the pages come compressed
        base_url,
        "--",
        str(urls_file),
    ]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finish_readers(process, duration):
    try:
        stdout, stderr = process.communicate(timeout=duration + 30)
    except subprocess.TimeoutExpired:
        process.kill()
        stdout, stderr = process.communicate(timeout=10)
    return parse_readers(stdout, stderr)


class Desk:
    """Editors, a moderator and a reporter, changing the site through its own code; each
    change is checked on the pages it affects, and undone by restore()."""

    def __init__(self, base_url):
        self.base_url = base_url
        self.token = secrets.token_hex(3)
        self.count = 0
        published = Article.objects.published().order_by("-publish_at", "-id")
        self.hot = list(published.select_related("section")[:10])
        drafts = list(Article.objects.filter(status=Article.Status.DRAFT).order_by("pk")[:200])
        self.to_publish, self.drafts = drafts[::2], drafts[1::2] or drafts
        self.undo = []

    def change(self, kind):
        """Make one change of this kind, then fetch what it affects; returns the Change."""
        self.count += 1
        change = Change(kind, time.time(), rendered_before=render_count())
        checks = getattr(self, kind)(self.count)
        for url, text in checks:
            _status, cache_status, page = get(self.base_url + url)
            change.checked += 1
            change.stale += not shows(page, text)
            change.check_renders += cache_status == "MISS"
        return change

    def publish(self, number):
        """Every other time a new story goes live (home and section must show it), else a
        hot story's headline is corrected (its page must show it)."""
        marker = f"Newsroom at work {self.token}-{number}"
        if number % 2 and self.to_publish:
            article = self.to_publish.pop()
            old = {"headline": article.headline, "status": article.status, "publish_at": None}
            article.headline = f"{marker}: {article.headline}"[:200]
            article.status = Article.Status.PUBLISHED
            article.publish_at = timezone.now()
            article.save()
            self.undo.append((article, old))
            return [("/", marker), (article.section.get_absolute_url(), marker)]
        article = Article.objects.get(pk=self.hot[number % len(self.hot)].pk)
        self.undo.append((article, {"headline": article.headline}))
        article.headline = f"{marker}: {article.headline}"[:200]
        article.save()
        return [(article.get_absolute_url(), marker)]

    def comment(self, number):
        """A reader's comment on a hot story, approved by a moderator."""
        article = self.hot[number % len(self.hot)]
        text = f"Approved while the newsroom works {self.token}-{number}."
        comment = Comment.objects.create(
            article=article,
            name="Reader",
            email=f"reader{number}@example.com",
            body=text,
            status=Comment.Status.PENDING,
        )
        moderation.approve(comment)
        self.undo.append((comment, None))
        return [(article.get_absolute_url(), text)]

    def draft(self, number):
        """A reporter saves their draft: nothing a reader sees changes."""
        article = Article.objects.get(pk=self.drafts[number % len(self.drafts)].pk)
        self.undo.append((article, {"dek": article.dek}))
        article.dek = f"Working draft {self.token}-{number}"
        article.save()
        return []

    def restore(self):
        """Put back what the run changed, newest first (through the same code paths)."""
        for thing, old in reversed(self.undo):
            if old is None:
                thing.delete()
                continue
            current = type(thing).objects.get(pk=thing.pk)
            for name, value in old.items():
                setattr(current, name, value)
            current.save()
        self.undo = []


def run_desk(desk, planned, started, duration):
    """Make each planned change at its time (bounded by the run's duration)."""
    changes = []
    for offset, kind in planned:
        delay = started + offset - time.time()
        if delay > 0:
            time.sleep(delay)
        if time.time() > started + duration:
            break
        changes.append(desk.change(kind))
    return changes


def measure(cold_app, warm_app, options, work_dir, out):
    """The three runs of the reader mix; ``cold_app`` and ``warm_app`` are context managers
    giving a started gunicorn with the page cache off and on."""
    report = WorkingReport(duration=options.working_duration, speedup=options.change_speedup)
    ranked = choose_pages()
    urls = reader_list(ranked)
    report.pages, report.lines = len(ranked), len(urls)
    urls_file = Path(work_dir) / "reader-urls.txt"
    urls_file.write_text("\n".join(urls) + "\n")
    urls_file.chmod(0o644)
    out.write(f"Newsroom at work: {report.pages:,} pages, {report.lines:,} addresses (Zipf)")

    with cold_app() as app:
        out.write("  cold: page cache off")
        report.cold = finish_readers(
            readers(app.url, urls_file, options, options.duration), options.duration
        )
    with warm_app() as app:
        out.write("  warm: page cache on, nothing changes")
        prewarm(app.url, ranked)
        quiet_renders = render_count()
        report.warm = finish_readers(
            readers(app.url, urls_file, options, options.duration), options.duration
        )
        if quiet_renders is not None:
            quiet_renders = render_count() - quiet_renders
        out.write("  at work: page cache on, the desk changes the site")
        prewarm(app.url, ranked)
        desk = Desk(app.url)
        duration = options.working_duration
        planned = schedule(duration, options.change_speedup)
        for _offset, kind in planned:
            report.planned[kind] = report.planned.get(kind, 0) + 1
        try:
            started = time.time()
            process = readers(app.url, urls_file, options, duration)
            try:
                report.changes = run_desk(desk, planned, started, duration)
            finally:
                report.working = finish_readers(process, duration)
            end, rendered_at_end = time.time(), render_count()
        finally:
            desk.restore()
            close_old_connections()
    warm_seconds = report.warm.requests / report.warm.rps if report.warm.rps else 0
    baseline = report.warm.misses / warm_seconds if warm_seconds else 0.0
    report.renders = renders_per_change(report.working.misses_at, report.changes, end, baseline)
    if quiet_renders is not None and warm_seconds:
        report.counted = counted_renders(
            report.changes, rendered_at_end, end, quiet_renders / warm_seconds
        )
    return report


# The report ----------------------------------------------------------------------------------


def _met(ok):
    return "met" if ok else "MISSED"


def format_report(report, options):
    lines = [
        f"Newsroom at work: readers on {report.pages:,} pages (home, sections, tags, searches, "
        f"articles; Zipf s = {ZIPF_EXPONENT}), wrk {options.threads} threads, "
        f"{options.connections} connections, 127.0.0.1.",
        f"{'run':<28}{'req/s':>8}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}{'page-cache hits':>18}",
    ]
    runs = [
        (f"cold (cache off), {options.duration} s", report.cold),
        (f"warm (no changes), {options.duration} s", report.warm),
        (f"at work, {report.duration} s", report.working),
    ]
    for name, load in runs:
        if load is None or load.note:
            lines.append(f"{name:<28}wrk failed: {load.note if load else 'not run'}")
            continue
        served = load.hits + load.misses
        ratio = f"{load.hit_ratio:.1%}" if served else "-"
        lines.append(
            f"{name:<28}{load.rps:8,.0f}{load.p50_ms:9.1f}{load.p99_ms:9.1f}"
            f"{load.errors:8,}{ratio:>18}"
        )
    every = ", ".join(
        f"{KIND_NAMES[kind]} every {period / report.speedup:.3g} s"
        for kind, period in PERIODS.items()
    )
    lines += ["", f"Changes ({every}), and the renders each caused:"]
    for kind in PERIODS:
        renders = report.renders.get(kind, [])
        made = f"{len(renders):4} of {report.planned.get(kind, 0):3} planned"
        counted = report.counted.get(kind)
        app_count = (
            f" (the app's count: mean {mean(counted):,.0f}, most {max(counted):,.0f})"
            if counted
            else ""
        )
        if renders:
            lines.append(
                f"  {KIND_NAMES[kind]:<18}{made}, renders each: "
                f"mean {mean(renders):,.0f}, most {max(renders):,.0f}{app_count}"
            )
        else:
            lines.append(f"  {KIND_NAMES[kind]:<18}{made}")
    checked = sum(change.checked for change in report.changes)
    stale = sum(change.stale for change in report.changes)
    lines.append(
        f"Stale pages: {stale} of {checked} fetched right after the change that affected them."
    )
    lines += textwrap.wrap(
        "Renders: page-cache misses readers met from a change up to the next one, less the "
        "warm run's rate of misses, plus the checking fetches that rendered. A change is made "
        "after the one before it was checked: on a slow site fewer are made than planned. "
        "The app's count, when the page cache keeps one (newsroom.cache.renders()), is every "
        "page rendered for the cache in the same window, checking fetches included.",
        width=96,
    )
    working, warm = report.working, report.warm
    if working and warm and not working.note and not warm.note:
        share = working.rps / warm.rps if warm.rps else 0.0
        lines += [
            "",
            "Targets under the working newsroom's load:",
            f"  page-cache hit ratio ≥ {TARGET_HIT_RATIO:.0%}: {working.hit_ratio:.1%} — "
            + _met(working.hit_ratio >= TARGET_HIT_RATIO),
            f"  throughput ≥ {TARGET_SHARE_OF_WARM:.0%} of warm: {share:.0%} "
            f"({working.rps:,.0f} of {warm.rps:,.0f} req/s) — "
            + _met(share >= TARGET_SHARE_OF_WARM),
            f"  p99 < {TARGET_P99_MS:.0f} ms: {working.p99_ms:.1f} ms — "
            + _met(working.p99_ms < TARGET_P99_MS),
            f"  zero stale pages: {stale} — " + _met(stale == 0 and checked > 0),
        ]
    return "\n".join(lines)
