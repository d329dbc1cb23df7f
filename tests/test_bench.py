"""The benchmark's own parts: dataset, URL choice, load limits and the printed table."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from taggit.models import Tag

from articles import search
from articles.models import Article, TaggedArticle
from comments.models import Comment
from tests.bench import dataset, load, pages
from tests.bench import search as search_bench
from tests.bench.load import Load, Options, Report

from .conftest import make_article


def fake_report(**changes):
    profile = {
        name: {"url": f"/{name}/", "queries": 6, "cached_queries": 0, "sql_ms": 2.0}
        for name in pages.PAGE_TYPES
    }
    report = Report(Options(), (0.5, 0.4, 0.3), "gunicorn gthread, 5 workers x 2 threads")
    report.profiles = {"small": profile, "large": profile}
    report.cold = {name: Load(1000, 400.0, 50.0, 90.0, 0) for name in pages.PAGE_TYPES}
    report.warm = {name: Load(9000, 3000.0, 8.0, 30.0, 0) for name in pages.PAGE_TYPES}
    report.flat = {"small": Load(rps=420.0), "large": Load(rps=400.0)}
    for name, value in changes.items():
        setattr(report, name, value)
    return report


def test_report_shows_every_page_type_and_the_targets():
    table = load.format_report(fake_report())
    for name in pages.PAGE_TYPES:
        assert f"\n{name} " in table
    assert "warm article ≥ 2,500 req/s: 3,000 — met" in table
    assert "ratio ≤ 1.2, by throughput: 1.05 — met" in table


def test_report_counts_a_missing_page_as_errors_instead_of_failing():
    warm = {name: Load(9000, 3000.0, 8.0, 30.0, 0) for name in pages.PAGE_TYPES}
    warm["feed"] = Load(50000, 5000.0, 5.0, 9.0, errors=50000)
    table = load.format_report(fake_report(warm=warm))
    feed_row = next(line for line in table.splitlines() if line.startswith("feed "))
    assert feed_row.rstrip().endswith("50,000")


def test_report_gives_the_machine_speed_it_ran_at():
    assert "CPU reference" not in load.format_report(fake_report())
    table = load.format_report(fake_report(cpu_reference_ms=(120.4, 131.0)))
    assert "CPU reference (a fixed Python loop): 120 ms at the start, 131 ms at the end" in table
    assert 0 < load.cpu_reference(rounds=1) < 60_000


def test_report_says_when_a_target_is_missed():
    cold = {name: Load(100, 40.0, 500.0, 900.0, 0) for name in pages.PAGE_TYPES}
    assert "cold article ≥ 300 req/s: 40 — MISSED" in load.format_report(fake_report(cold=cold))


def test_load_generator_refuses_anything_but_loopback():
    with pytest.raises(ValueError, match=r"127\.0\.0\.1"):
        load.wrk("http://example.com/", Options(duration=1))


def test_cpu_use_is_measured_as_a_share_of_the_machine():
    assert 0.0 <= load.cpu_busy(0.05) <= 1.0


def test_small_dataset_lives_in_its_own_schema_of_the_same_database():
    url = load.with_search_path("postgres://postgres@127.0.0.1:5432/newsroom_bench", "small")
    assert url.startswith("postgres://postgres@127.0.0.1:5432/newsroom_bench?")
    assert "options=-c+search_path%3Dsmall" in url


@pytest.mark.django_db
def test_representative_urls_pick_the_newest_article_and_the_most_used_tag(section):
    now = timezone.now()
    newest = make_article(section=section, tags=["Libya"], publish_at=now - timedelta(minutes=1))
    make_article(section=section, tags=["Libya", "Gaza"], publish_at=now - timedelta(hours=5))
    urls = pages.representative_urls()
    assert urls["article"] == newest.get_absolute_url()
    assert urls["section"] == section.get_absolute_url()
    assert urls["tag"] == "/tag/libya/"
    assert urls["search"] == "/search/?q=libya"


@pytest.mark.django_db
def test_profile_counts_queries_of_rendered_and_cached_pages(section, settings):
    settings.SECURE_SSL_REDIRECT = True  # as in production: the profile is of pages, not redirects
    make_article(section=section)
    result = pages.profile({"home": "/", "feed": "/no-such-feed/"}, host="testserver")
    assert result["home"]["status"] == 200
    assert result["home"]["queries"] > 0 and result["home"]["sql_ms"] > 0
    assert result["home"]["cached_queries"] == 0
    # Right after a change nothing of the old generation is reused: more queries, not fewer.
    assert result["home"]["changed_queries"] >= result["home"]["queries"]
    assert result["home"]["changed_render_ms"] > 0
    assert result["feed"]["status"] == 404


@pytest.mark.scale
@pytest.mark.django_db
def test_dataset_script_builds_the_dataset_with_copy_and_reuses_it(capsys):
    if connection.vendor != "postgresql":
        pytest.fail("The benchmark dataset needs PostgreSQL: run with DATABASE_URL=postgres://…")
    arguments = ["--articles=60", "--comments=500", "--yes-destroy"]
    dataset.main(arguments)
    assert Article.objects.count() == 60
    assert Comment.objects.count() == 500
    assert Article.objects.published().count() >= 40
    assert Article.objects.filter(comments_open=True).count() == 60  # a default, not given
    assert TaggedArticle.objects.exists() and Tag.objects.filter(slug="libya").exists()
    assert search.search("libya").count() > 0  # the benchmark's search page finds articles
    assert (
        Article.objects.exclude(featured_image="").values("featured_image").distinct().count() <= 6
    )
    dataset.main(arguments)
    assert "Reusing the dataset: 60 articles, 500 comments." in capsys.readouterr().out


@pytest.mark.django_db
def test_flat_cost_compares_articles_of_the_same_shape(section):
    from datetime import timedelta

    from django.db import connection
    from django.utils import timezone

    from comments.models import Comment

    from .conftest import make_article

    now = timezone.now()
    body = "<p>The same length of text.</p>"

    def with_comments(article, approved, pending=0):
        for n in range(approved + pending):
            status = "approved" if n < approved else "pending"
            Comment.objects.create(
                article=article, name="R", email=f"{n}@example.com", body="b", status=status
            )
        return article

    reference = with_comments(
        make_article(section=section, body=body, publish_at=now - timedelta(days=3)), 2, 1
    )
    twin = with_comments(
        make_article(section=section, body=body, publish_at=now - timedelta(days=1)), 2
    )
    with_comments(make_article(section=section, body=body + " ", publish_at=now), 2)
    make_article(section=section, body=body, publish_at=now)  # newest, but no comments
    schema = "main" if connection.vendor == "sqlite" else "public"
    assert pages.twin_article(schema, reference.get_absolute_url()) == (
        twin.get_absolute_url(),
        2,
    )
    assert pages.twin_article(schema, "/2020/01/01/no-such-story/") is None


@pytest.mark.django_db
def test_search_benchmark_prints_median_and_p95_at_each_size(capsys):
    search_bench.main(["--sizes", "40,80", "--queries", "12", "--yes-destroy"])
    report = capsys.readouterr().out
    assert re.search(r"^40 articles \(\w+\): median [\d.]+ ms, p95 [\d.]+ ms", report, re.M)
    assert re.search(r"^80 articles \(\w+\): median [\d.]+ ms, p95 [\d.]+ ms", report, re.M)
    assert Article.objects.count() == 80
