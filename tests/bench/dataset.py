"""A newsroom-sized dataset for the page benchmark, written with PostgreSQL COPY.

    python -m tests.bench.dataset --articles 100000 --comments 1000000 [--profile-json FILE]

builds it in the database DATABASE_URL names, or reuses it when that database already holds
exactly this dataset; the guard (tests/bench/guard.py) decides first whether it may write.

Through the ORM's save(), 100,000 articles and 1,000,000 comments would take the better part
of an hour; COPY takes a few minutes. The rows are what the admin would have stored: bodies
sanitised once (every article shares one of a few bodies), lead photos chosen from a
handful of library images, tags with a long tail (a few on thousands of articles, most on
a handful), comments concentrated on recent stories. COPY fires no signals, so build()
invalidates the page cache itself.
"""

import argparse
import bisect
import itertools
import json
import random
import sys
import time
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

from django.apps import apps
from django.contrib.flatpages.models import FlatPage
from django.contrib.sites.models import Site
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify
from taggit.models import Tag

from articles import demo, search
from articles.models import (
    Article,
    Author,
    Byline,
    DailyViews,
    Image,
    Section,
    TaggedArticle,
)
from comments.models import Comment
from newsroom.cache import invalidate_pages

from . import pages
from .guard import CONFIRM, require_bench_database

IMAGES = 6
ARTICLES_PER_DAY = 100
SCHEDULED = 20
PLACES = [
    "Libya", "Egypt", "Sudan", "Gaza", "Israel", "Lebanon", "Syria", "Iraq", "Iran", "Jordan",
    "Saudi Arabia", "Yemen", "Oman", "Qatar", "UAE", "Kuwait", "Turkey", "Tunisia", "Algeria",
    "Morocco", "Nigeria", "Ghana", "Kenya", "Ethiopia", "Somalia", "Senegal", "Mali", "Niger",
    "Chad", "Uganda", "Tanzania", "Rwanda", "Congo", "Angola", "Zambia", "South Africa",
    "EU", "UN", "US", "UK",
]  # fmt: skip
THEMES = [
    "elections", "energy", "water", "trade", "health", "security", "refugees", "football",
    "inflation", "oil", "gas", "drought", "floods", "startups", "banking", "education",
    "diplomacy", "protests", "courts", "media", "tourism", "ports", "railways", "wheat",
    "mining", "fisheries", "heatwave", "debt", "budget", "aid", "migration", "army",
    "police", "corruption", "telecoms", "AI", "crypto", "housing", "labour", "women",
    "youth", "culture", "archaeology", "wildlife", "forests", "solar", "wind", "cotton",
    "coffee", "cocoa",
]  # fmt: skip
COMMENT_TEXTS = [
    "A unified approach is the only way forward here.",
    "Thanks for the clear reporting, this explains a lot.",
    "I would like to see the figures behind this claim.",
    "We have heard these promises before; let us see what happens.",
    "My family lives there and this matches what they tell us.",
    "Good piece, but the headline overstates it.",
    "Who is paying for all of this?",
    "Finally some good news from the region.",
]
NAMES = ["Amina", "Marc", "Yusuf", "Leila", "Tom", "Sara", "Kwame", "Nadia", "Omar", "Ines"]


class Progress:
    """One line on a terminal, redrawn at most five times a second: label, bar, counts."""

    def __init__(self, stdout, label, total, width=30):
        self.stdout, self.label, self.total, self.width = stdout, label, total, width
        self.done, self.drawn_at, self.started = 0, 0.0, time.monotonic()

    def advance(self, count=1):
        self.done += count
        now = time.monotonic()
        if now - self.drawn_at >= 0.2 or self.done >= self.total:
            self.drawn_at = now
            self._draw()

    def finish(self):
        if self.done != self.total:
            self.done = self.total
            self._draw()
        self.stdout.write("")

    def _draw(self):
        share = self.done / self.total if self.total else 1.0
        filled = int(self.width * share)
        seconds = time.monotonic() - self.started
        self.stdout.write(
            f"\r  {self.label:<12} [{'#' * filled}{'.' * (self.width - filled)}] "
            f"{share:4.0%} {self.done:>9,}/{self.total:,}  {seconds:5.1f}s",
            ending="",
        )
        self.stdout.flush()


def marker(articles, comments):
    # "v2": datasets written before the search index was part of them are built again.
    return f"Benchmark v2: {articles} articles, {comments} comments"[:50]


def is_present(articles, comments):
    """True when the database already holds exactly this dataset."""
    site = Site.objects.filter(pk=1).first()
    return (
        site is not None
        and site.name == marker(articles, comments)
        and Article.objects.count() == articles
        and Comment.objects.count() == comments
    )


def build(articles=100_000, comments=1_000_000, stdout=None, seed=7):
    """Replace the content of the database with a generated dataset of this size."""
    if connection.vendor != "postgresql":
        raise RuntimeError("The benchmark dataset is written with COPY: it needs PostgreSQL.")
    stdout = stdout or _Stdout()
    rng = random.Random(seed)
    with transaction.atomic():
        _empty_content_tables()
        sections, authors, tags = _site_and_vocabulary(rng, articles, comments)
        images = _images()
        published = _copy_articles(rng, articles, sections, images, stdout)
        _copy_tags_and_bylines(rng, published, tags, authors, stdout)
        _copy_comments(rng, published, comments, stdout)
        _daily_views(rng, published)
        # The search page of the benchmark searches the articles, not an empty index.
        stdout.write("  search index (one UPDATE of every article)…")
        started = time.perf_counter()
        search.reindex(Article.objects.all())
        stdout.write(f"  search index done in {time.perf_counter() - started:.0f} s")
    # As `manage.py rebuild_search_index` ends, which the README asks for after writing an
    # archive in bulk: the index pass left a dead row per article and every index of the
    # articles table twice its size.
    stdout.write("  compacting the indexes…")
    search.compact()
    with connection.cursor() as cursor:
        # What autovacuum does on a live site: the other tables, written by COPY, analysed.
        cursor.execute("VACUUM ANALYZE" if not connection.in_atomic_block else "ANALYZE")
    invalidate_pages()


class _Stdout:
    def write(self, text, ending="\n"):
        sys.stdout.write(text + ending)

    def flush(self):
        sys.stdout.flush()


@contextmanager
def copy_into(cursor, model, columns):
    """COPY rows of the given columns (space-separated attnames) into a model's table.

    Every other column gets its field's default, so fields that other features add to
    these models later need no change here.
    """
    given = columns.split()
    fields = model._meta.concrete_fields
    rest = [f for f in fields if f.attname not in given and not f.primary_key]
    defaults = tuple(f.get_db_prep_save(f.get_default(), connection) for f in rest)
    columns = [model._meta.get_field(name).column for name in given] + [f.column for f in rest]
    names = ", ".join(connection.ops.quote_name(column) for column in columns)
    table = connection.ops.quote_name(model._meta.db_table)
    with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
        yield lambda row: copy.write_row((*row, *defaults))


def _empty_content_tables():
    tables = {
        model._meta.db_table
        for label in ("articles", "comments", "taggit", "flatpages")
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
    }
    for sql in connection.ops.sql_flush(no_style(), sorted(tables), reset_sequences=True):
        with connection.cursor() as cursor:
            cursor.execute(sql)


def _site_and_vocabulary(rng, articles, comments):
    Site.objects.update_or_create(
        pk=1, defaults={"domain": "127.0.0.1", "name": marker(articles, comments)}
    )
    site = Site.objects.get(pk=1)
    for url, title, content in demo.FLAT_PAGES:
        FlatPage.objects.create(url=url, title=title, content=content).sites.add(site)
    sections = Section.objects.bulk_create(
        Section(name=name, slug=slugify(name), description=description, menu_order=order)
        for order, (name, description) in enumerate(demo.SECTIONS)
    )
    names = [name for name, _bio in demo.AUTHORS]
    names += [f"{first} {last}" for first, last in itertools.product(NAMES, ["Haddad", "Okafor"])]
    authors = Author.objects.bulk_create(
        Author(name=name, slug=slugify(name), bio=f"{name} reports for the newsroom.")
        for name in dict.fromkeys(names)
    )
    vocabulary = [f"{place} {theme}" for place in PLACES for theme in THEMES]
    rng.shuffle(vocabulary)
    by_slug = {}  # the places first: they become the most used tags
    for name in PLACES + vocabulary:
        by_slug.setdefault(slugify(name), name)
    tags = Tag.objects.bulk_create(Tag(name=name, slug=slug) for slug, name in by_slug.items())
    return sections, authors, tags


def _images():
    """A handful of library images (stored JPEGs, no renditions) that every illustrated
    article uses as its lead photo; returns their ids."""
    photos = []
    for index in range(IMAGES):
        name = f"bench/photo-{index}.jpg"
        if not default_storage.exists(name):
            default_storage.save(name, demo.make_image(index))
        photos.append(
            Image(
                file=name,
                title=f"Illustration {index}",
                alt=f"Illustration {index}",
                caption="Illustration",
                credit="Illustration: The World Monitor",
                width=1600,
                height=900,
            )
        )
    return [photo.pk for photo in Image.objects.bulk_create(photos)]


def _bodies(rng):
    sanitize = Article._meta.get_field("body").sanitize
    bodies = [sanitize(demo.SEED_BODY)]
    for _ in range(3):
        paragraphs = rng.sample(demo.PARAGRAPHS, k=5)
        bodies.append(sanitize("".join(f"<p>{p}</p>" for p in paragraphs)))
    return bodies


def _copy_articles(rng, count, sections, images, stdout):
    """COPY the articles, oldest first; returns (id, publish_at) of the published ones."""
    now = timezone.now()
    newest = now - timedelta(hours=1)
    span = timedelta(days=max(1, count / ARTICLES_PER_DAY))
    bodies = _bodies(rng)
    headlines = [(name, line) for name, items in demo.HEADLINES.items() for line, _tags in items]
    by_name = {section.name: section for section in sections}
    published = []
    columns = (
        "id headline slug dek body section_id lead_image_id status publish_at created_at updated_at"
    )
    progress = Progress(stdout, "articles", count)
    with connection.cursor() as cursor:
        with copy_into(cursor, Article, columns) as write:
            for pk in range(1, count + 1):
                section_name, headline = rng.choice(headlines)
                section = by_name[section_name]
                if pk > count - SCHEDULED:
                    status = Article.Status.PUBLISHED
                    publish_at = now + timedelta(days=pk - (count - SCHEDULED))
                else:
                    status = (
                        Article.Status.DRAFT if rng.random() < 0.01 else Article.Status.PUBLISHED
                    )
                    publish_at = newest - span * (1 - pk / count)
                    if status == Article.Status.PUBLISHED:
                        published.append((pk, publish_at))
                image = rng.choice(images) if rng.random() < 0.8 else None
                write(
                    (
                        pk,
                        headline,
                        f"{slugify(headline)[:180]}-{pk}",
                        demo.PARAGRAPHS[pk % len(demo.PARAGRAPHS)].split(". ")[0] + ".",
                        bodies[pk % len(bodies)],
                        section.pk,
                        image,
                        status,
                        publish_at if status == Article.Status.PUBLISHED else None,
                        publish_at - timedelta(hours=2),
                        publish_at - timedelta(hours=1),
                    )
                )
                progress.advance()
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)",
            [Article._meta.db_table, count],
        )
    progress.finish()
    return published


def _zipf_cumulative(count, exponent=1.0):
    total, cumulative = 0.0, []
    for rank in range(1, count + 1):
        total += 1 / rank**exponent
        cumulative.append(total)
    return cumulative


def _copy_tags_and_bylines(rng, published, tags, authors, stdout):
    tag_weights = _zipf_cumulative(len(tags))
    progress = Progress(stdout, "tags", len(published))
    with connection.cursor() as cursor:
        with copy_into(cursor, TaggedArticle, "tag_id content_object_id") as write:
            for pk, _publish_at in published:
                picks = rng.choices(tags, cum_weights=tag_weights, k=rng.randint(1, 4))
                for tag in {tag.pk: tag for tag in picks}.values():
                    write((tag.pk, pk))
                progress.advance()
        with copy_into(cursor, Byline, "article_id author_id position") as write:
            for pk, _publish_at in published:
                for position, author in enumerate(rng.sample(authors, k=rng.choice((1, 1, 1, 2)))):
                    write((pk, author.pk, position))
    progress.finish()


def _copy_comments(rng, published, count, stdout):
    """Comments weighted toward recent stories: the newest get a few hundred, old ones few."""
    newest_first = published[::-1]
    weights = list(
        itertools.accumulate(1 / (1 + rank / 100) ** 0.5 for rank in range(len(newest_first)))
    )
    now = timezone.now()
    statuses = [Comment.Status.APPROVED] * 17 + [Comment.Status.PENDING] * 2
    statuses += [Comment.Status.SPAM]
    columns = "article_id name email body status user_agent created_at"
    progress = Progress(stdout, "comments", count)
    total_weight = weights[-1]
    random_ = rng.random
    with connection.cursor() as cursor, copy_into(cursor, Comment, columns) as write:
        for index in range(count):
            article_id, publish_at = newest_first[
                bisect.bisect_left(weights, random_() * total_weight)
            ]
            name = NAMES[index % len(NAMES)]
            created_at = min(now, publish_at + timedelta(minutes=int(random_() * 2880)))
            write(
                (
                    article_id,
                    name,
                    f"{name.lower()}{index % 997}@example.com",
                    COMMENT_TEXTS[index % len(COMMENT_TEXTS)],
                    statuses[index % len(statuses)],
                    "Mozilla/5.0",
                    created_at,
                )
            )
            if index % 1000 == 999:
                progress.advance(1000)
    progress.finish()


def _daily_views(rng, published, articles=2000, days=7):
    """A week of reader views for the newest stories, so "Popular News" has work to do."""
    today = timezone.localdate()
    DailyViews.objects.bulk_create(
        (
            DailyViews(article_id=pk, day=today - timedelta(days=day), views=rng.randint(1, 5000))
            for pk, _publish_at in published[-articles:]
            for day in range(days)
        ),
        batch_size=5000,
    )


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m tests.bench.dataset",
        description="Build (or reuse) the page benchmark's dataset on PostgreSQL: articles "
        "with tags, images and bylines, and comments. Replaces the content of the database "
        "DATABASE_URL names.",
    )
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--comments", type=int, default=1_000_000)
    parser.add_argument(
        "--profile-json",
        type=Path,
        help="Also measure SQL queries and time per page type and write them here.",
    )
    parser.add_argument(
        CONFIRM, action="store_true", help="Write even if the database's name lacks 'bench'."
    )
    options = parser.parse_args(argv)
    require_bench_database(options.yes_destroy)
    out = _Stdout()
    call_command("migrate", interactive=False, verbosity=0)
    if is_present(options.articles, options.comments):
        out.write(
            f"Reusing the dataset: {options.articles:,} articles, {options.comments:,} comments."
        )
    else:
        out.write(f"Building {options.articles:,} articles and {options.comments:,} comments…")
        build(options.articles, options.comments, stdout=out)
    if options.profile_json:
        call_command("collectstatic", interactive=False, verbosity=0)
        urls = pages.representative_urls()
        profile = pages.profile(urls, changes=pages.shown_changes())
        options.profile_json.write_text(json.dumps(profile, indent=2))


if __name__ == "__main__":
    main()
