"""Live coverage under a breaking-news spike (`make bench`, `--only live`): a live article
with 2,000 entries, 64 connections polling its update answer, next to its page.

The poll is what every open live page asks every POLL_SECONDS; it must come from the
cache and cost the same whether the article has 20 entries or 2,000. Both are measured
warm (page cache on, as production runs) and with the page cache off, where every poll
is answered by the view: the 20- and 2,000-entry articles should then cost the same.
"""

import dataclasses
from datetime import timedelta

from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from articles import live
from articles.models import Article, LiveEntry, Section
from newsroom.cache import invalidate_pages
from tests.processes import Gunicorn

CONNECTIONS = 64
SIZES = {"large": 2000, "small": 20}
SLUG = "bench-live-{}"


@dataclasses.dataclass
class LiveReport:
    entries: dict
    warm: dict  # name -> Load
    cold: dict


def live_article(name, count):
    """The live article with ``count`` entries (one INSERT per 500), removed again when the
    measurement ends (remove_live_articles): the page benchmark's dataset is reused only
    while it holds exactly its own articles."""
    slug = SLUG.format(name)
    article = Article.objects.filter(slug=slug).first()
    if article is not None and article.live_entries.count() == count:
        return article
    now = timezone.now()
    with transaction.atomic():
        Article.objects.filter(slug=slug).delete()
        section, _ = Section.objects.get_or_create(slug="bench-live", defaults={"name": "Live"})
        article = Article.objects.create(
            headline=f"Live: the benchmark's breaking story ({count} entries)",
            slug=slug,
            body="<p>Follow the story as it happens.</p>",
            section=section,
            status=Article.Status.PUBLISHED,
            publish_at=now - timedelta(hours=12),
            live_from=now - timedelta(hours=12),
        )
        LiveEntry.objects.bulk_create(
            (
                LiveEntry(
                    article=article,
                    headline=f"Update {n}" if n % 3 == 0 else "",
                    body=f"<p>Entry {n}: what our reporters saw, heard and checked.</p>",
                    posted_at=now - timedelta(seconds=20 * (count - n)),
                    key_event=n % 100 == 0,
                    pinned=n == count - 1,
                )
                for n in range(count)
            ),
            batch_size=500,
        )
    return article


def poll_url(article):
    # A reader who holds every entry but the newest: the answer says "1 new update".
    after = live.latest_id(article) - 1
    return f"{reverse('articles:live_updates', args=[article.pk])}?after={after}"


def measure(options, work_dir, out, measure_url, fetch):
    """Build (or reuse) the live articles, then drive the poll and the page with wrk."""
    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    try:
        return _measure(options, work_dir, out, measure_url, fetch)
    finally:
        remove_live_articles()


def remove_live_articles():
    Article.objects.filter(slug__in=[SLUG.format(name) for name in SIZES]).delete()
    Section.objects.filter(slug="bench-live", articles__isnull=True).delete()


def _measure(options, work_dir, out, measure_url, fetch):
    articles = {name: live_article(name, count) for name, count in SIZES.items()}
    invalidate_pages()
    urls = {
        "poll (2,000 entries)": poll_url(articles["large"]),
        "page (2,000 entries)": articles["large"].get_absolute_url(),
        "poll (20 entries)": poll_url(articles["small"]),
    }
    spike = dataclasses.replace(options, connections=CONNECTIONS)
    workers = options.workers or None
    report = LiveReport(entries=SIZES, warm={}, cold={})
    out.write(f"Live coverage: {CONNECTIONS} connections, page cache on")
    with Gunicorn(options.port, {}, workers, work_dir) as app:
        for url in urls.values():
            fetch(app.url + url)
        for name, url in urls.items():
            report.warm[name] = measure_url(app.url + url, spike)
            out.write(f"  {name:<22} {report.warm[name].rps:8.0f} req/s")
    out.write(f"Live coverage: {CONNECTIONS} connections, page cache off (every poll renders)")
    with Gunicorn(options.port, {"PAGE_CACHE_SECONDS": "0"}, workers, work_dir) as app:
        for name, url in urls.items():
            if name.startswith("poll"):
                report.cold[name] = measure_url(app.url + url, spike)
                out.write(f"  {name:<22} {report.cold[name].rps:8.0f} req/s")
    return report


def format_report(report, options):
    lines = [
        f"Live coverage: {CONNECTIONS} connections, wrk {options.threads} threads, "
        f"{options.duration} s per row, 127.0.0.1 (best of {options.repeat}).",
        f"{'':24}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'errors':>9}",
    ]
    for label, loads in (("page cache on", report.warm), ("page cache off", report.cold)):
        lines.append(f"{label}:")
        for name, load in loads.items():
            if load.note:
                lines.append(f"  {name:<22}  wrk failed: {load.note}")
                continue
            lines.append(
                f"  {name:<22}{load.rps:9.0f}{load.p50_ms:9.1f}{load.p99_ms:9.1f}{load.errors:9,}"
            )
    small, large = report.cold.get("poll (20 entries)"), report.cold.get("poll (2,000 entries)")
    if small and large and large.rps:
        lines.append(
            f"Poll rendered afresh, 20 vs 2,000 entries: {small.rps:,.0f} vs {large.rps:,.0f} "
            f"req/s (cost ratio {small.rps / large.rps:.2f}; 1.0 is flat)."
        )
    return "\n".join(lines)
