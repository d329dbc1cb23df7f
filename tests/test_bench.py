"""The benchmarks' own parts (tests/bench): the guard, the datasets, URL choice, the
figures' arithmetic and the printed table."""

import os
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.management import get_commands
from django.db import connection
from django.utils import timezone
from taggit.models import Tag

from articles import search
from articles.models import Article, Section, TaggedArticle
from comments.models import Comment
from tests.bench import dataset, guard, live, load, pages, working
from tests.bench import search as search_bench
from tests.bench.load import Load, Options, Report

from .conftest import make_article
from .processes import ROOT


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


def test_report_says_when_a_target_is_missed():
    cold = {name: Load(100, 40.0, 500.0, 900.0, 0) for name in pages.PAGE_TYPES}
    assert "cold article ≥ 300 req/s: 40 — MISSED" in load.format_report(fake_report(cold=cold))


def test_report_gives_the_slow_pages_targets_with_every_render_after_a_change():
    report = fake_report()
    for name, ms in zip(pages.PAGE_TYPES, (12.0, 8.0, 31.5, 9.0, 15.0, 4.0), strict=True):
        report.profiles["large"][name]["changed_render_ms"] = ms
    report.cold["home"] = Load(3000, 260.0, 50.0, 90.0, 0)
    report.cold["search"] = Load(900, 90.0, 50.0, 90.0, 0)
    table = load.format_report(report)
    assert "cold home ≥ 250 req/s: 260 — met" in table
    assert "cold search ≥ 100 req/s: 90 — MISSED" in table
    # Without renders after the changes a page shows, the target is not met by default.
    assert "every render after a change it shows ≤ 20 ms: not measured" in table
    assert "after everything was renewed, as after a Site edit: slowest article 31.5 ms" in table

    # The slowest of a page's changes counts, and one page over 20 ms misses the target.
    for name in pages.PAGE_TYPES:
        report.profiles["large"][name]["shown_changes"] = {"a story published": (9, 11.0)}
    report.profiles["large"]["article"]["shown_changes"] = {
        "a comment approved on it": (4, 6.5),
        "its text edited": (12, 22.4),
    }
    table = load.format_report(report)
    line = table.split("every render after a change it shows ≤ 20 ms: ")[1].splitlines()[0]
    assert line.startswith("slowest article 22.4 ms (home 11.0, section 11.0, article 22.4,")
    assert line.endswith("— MISSED")
    article_row = next(row for row in table.splitlines() if row.startswith("article "))
    assert "31.5   22.4" in article_row

    report.profiles["large"]["article"]["shown_changes"]["its text edited"] = (12, 18.0)
    line = load.format_report(report).split("it shows ≤ 20 ms: ")[1].splitlines()[0]
    assert line.startswith("slowest article 18.0 ms") and line.endswith("— met")


def test_report_puts_varnish_beside_nginx_serving_a_file_from_the_same_run():
    assert "Varnish ≥ 90 % of nginx serving a file: not measured" in load.format_report(
        fake_report()
    )
    rounds = [
        (Load(rps=41000.0, p99_ms=3.0), Load(rps=50000.0, p99_ms=2.0)),
        (Load(rps=47000.0, p99_ms=2.5), Load(rps=49000.0, p99_ms=2.2)),
    ]
    table = load.format_report(
        fake_report(front_rounds=rounds, front_purge="MISS HIT, purge of article:7, then MISS HIT")
    )
    assert (
        "Varnish ≥ 90 % of nginx serving a file (article page, best of the rounds): "
        "47,000 req/s (p99 2.5 ms, 0 errors) vs 50,000 req/s (p99 2.0 ms): 94% — met"
    ) in table
    assert (
        "rounds, Varnish vs file: 41,000 vs 50,000 (82%); 47,000 vs 49,000 (96%); "
        "the median round 89%."
    ) in table
    assert "purge of article:7, then MISS HIT" in table


def test_load_generator_refuses_anything_but_loopback():
    with pytest.raises(ValueError, match=r"127\.0\.0\.1"):
        load.wrk("http://example.com/", Options(duration=1))


def test_wrk_figures_are_read_from_its_report_line_in_milliseconds_and_requests_per_second():
    stdout = (
        "Running 2s test @ http://127.0.0.1:8201/\n"
        'WRK_JSON {"requests": 5000, "duration_us": 2000000, "socket_errors": 3, '
        '"status_errors": 4, "p50_us": 1500, "p99_us": 12250}\n'
    )
    assert load.parse_wrk(stdout) == Load(
        requests=5000, rps=2500.0, p50_ms=1.5, p99_ms=12.25, errors=7
    )


def test_a_wrk_run_without_its_report_line_is_a_note_not_figures():
    failed = load.parse_wrk("", "unable to connect to 127.0.0.1:8201 Connection refused")
    assert failed.requests == 0 and failed.rps == 0.0
    assert failed.note == "unable to connect to 127.0.0.1:8201 Connection refused"


def test_cpu_use_counts_everything_but_idle_and_io_wait():
    # user nice system idle iowait irq softirq steal
    before = "cpu  100 0 100 700 100 0 0 0\ncpu0 ..."
    after = "cpu  250 0 150 850 150 0 0 0\ncpu0 ..."
    # 400 ticks passed, 200 of them idle or waiting for I/O.
    assert load.busy_share(before, after) == 0.5


def test_search_figures_are_the_median_the_95th_percentile_and_the_slowest():
    report = search_bench.summarize([float(ms) for ms in range(100, 0, -1)], [0, 5, 7, 100])
    assert report.median == 50.5
    assert report.p95 == pytest.approx(95.95)  # exclusive method: (100 + 1) x 0.95
    assert report.slowest == 100.0
    assert report.runs == 100
    assert report.median_hits == 6


def test_search_figures_of_one_query_are_its_time():
    report = search_bench.summarize([7.5], [3])
    assert (report.median, report.p95, report.slowest, report.runs) == (7.5, 7.5, 7.5, 1)


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
    changes = {"home": {"a story published": ["listing:home"], "nothing it shows": ["card:0"]}}
    result = pages.profile(
        {"home": "/", "feed": "/no-such-feed/"}, host="testserver", changes=changes
    )
    assert result["home"]["status"] == 200
    # Rendered again, the home page takes its stories from the fragment cache: no query.
    assert result["home"]["queries"] == 0
    assert result["home"]["cached_queries"] == 0
    # Right after everything was renewed nothing of the old generation is reused.
    assert result["home"]["changed_queries"] > 0
    assert result["home"]["changed_render_ms"] > 0
    # After a change the page shows, its list is read again; after one it does not show,
    # everything comes from the fragments.
    shown = result["home"]["shown_changes"]
    assert shown["a story published"][0] > 0
    assert shown["nothing it shows"][0] == 0
    assert result["feed"]["status"] == 404
    assert result["feed"]["shown_changes"] == {}


@pytest.mark.django_db
def test_shown_changes_are_the_keys_the_desk_saves_renew(section):
    now = timezone.now()
    older = make_article(section=section, tags=["Gaza"], publish_at=now - timedelta(hours=2))
    newest = make_article(section=section, tags=["Libya"], publish_at=now - timedelta(minutes=1))
    make_article(section=section, tags=["Gaza"], publish_at=now - timedelta(hours=3))
    changes = pages.shown_changes()
    assert set(changes) == set(pages.PAGE_TYPES)
    published = changes["home"]["a story published"]
    assert {"listing:home", f"listing:section:{section.pk}", f"card:{newest.pk}"} <= set(published)
    # The tag page's change is a story published with the most used tag.
    gaza = Tag.objects.get(name="Gaza")
    assert f"listing:tag:{gaza.pk}" in changes["tag"]["a story published with the tag"]
    article = changes["article"]
    assert article["a comment approved on it"] == [f"comments:{newest.pk}"]
    # An edit of its text renews its page and its search snippets, not its card nor any list.
    assert set(article["its text edited"]) == {
        f"article:{newest.pk}",
        f"text:{newest.pk}",
        "content",
    }
    assert f"nav:{newest.pk}" in article["the story before it published"]
    assert f"card:{older.pk}" in article["the story before it published"]


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
    assert Article.objects.exclude(lead_image=None).values("lead_image").distinct().count() <= 6
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
    with_comments(make_article(section=section, body=body + "<p>More.</p>", publish_at=now), 2)
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


def test_cold_search_pages_list_the_slowest_queries_and_say_whether_each_reached_the_target():
    results = [
        ("government minister", Load(requests=900, rps=90.0, p50_ms=300.0, p99_ms=420.0)),
        ('"port talks"', Load(requests=1500, rps=150.0, p50_ms=200.0, p99_ms=260.0)),
        ("libya", Load(requests=2500, rps=250.0, p50_ms=120.0, p99_ms=160.0)),
    ]
    lines = search_bench.cold_pages_lines(results, 2)
    assert "3 distinct queries, 2 s each" in lines[0]
    assert "median 150 req/s, slowest 90 req/s (p99 420 ms), 0 errors" in lines[0]
    assert " ".join(lines[1].split()) == "90 req/s p50 300 ms p99 420 ms government minister"
    assert lines[-1] == (
        "  cold search ≥ 100 req/s for every query: 1 of 3 below, slowest 90 "
        "(government minister) — MISSED"
    )
    met = search_bench.cold_pages_lines(results[1:], 2)
    assert met[-1] == "  cold search ≥ 100 req/s for every query: all 2 — met"


def test_search_benchmark_refuses_a_negative_load_time(capsys):
    with pytest.raises(SystemExit) as exit_:
        search_bench.main(["--cold-pages", "-1", "--yes-destroy"])
    assert exit_.value.code == 2
    assert "--cold-pages must not be negative" in capsys.readouterr().err


@pytest.mark.django_db
def test_search_dataset_writes_exactly_the_articles_asked_for_and_grows_them(capsys):
    assert search_bench.fill(30, stdout=search_bench._Output()) == 30
    generated = Article.objects.filter(slug__startswith=search_bench.SLUG_PREFIX)
    assert Article.objects.count() == generated.count() == 30
    assert set(generated.values_list("slug", flat=True)) == {f"bench-{n}" for n in range(30)}
    writer = search_bench.Writer()
    for article in generated.prefetch_related("tags"):
        text = writer.article(int(article.slug.removeprefix("bench-")))
        assert article.headline == text["headline"]  # the same index, the same article
        assert sorted(tag.name for tag in article.tags.all()) == sorted(text["tags"])
        assert 1 <= len(text["tags"]) <= 3
        assert article.status == ("draft" if text["draft"] else "published")
    live = Article.objects.published().filter(slug__startswith=search_bench.SLUG_PREFIX).first()
    assert live in [hit.article for hit in search.search(live.headline)[0:12]]  # indexed

    first_ids = set(generated.values_list("pk", flat=True))
    assert search_bench.fill(45, stdout=search_bench._Output()) == 45
    assert Article.objects.count() == 45
    assert first_ids < set(generated.values_list("pk", flat=True))  # grown, not rewritten
    assert search_bench.fill(40, stdout=search_bench._Output()) == 45  # never shrunk
    assert "45 generated articles already there." in capsys.readouterr().out


@pytest.mark.parametrize(
    ("name", "vendor", "allowed"),
    [
        ("newsroom_bench", "postgresql", True),
        ("bench-search.sqlite3", "sqlite", True),
        ("newsroom", "postgresql", False),
        ("test_newsroom", "postgresql", False),
        ("/srv/bench/newsroom.sqlite3", "sqlite", False),  # a folder's name does not count
    ],
)
def test_guard_lets_only_a_database_named_for_a_benchmark_through(name, vendor, allowed):
    database = guard.database_name(SimpleNamespace(settings_dict={"NAME": name}, vendor=vendor))
    assert (guard.refusal(database) is None) == allowed
    assert guard.refusal(database, yes_destroy=True) is None


@pytest.mark.parametrize(
    ("script", "arguments"),
    [
        (dataset.main, ["--articles=5", "--comments=5"]),
        (search_bench.main, ["--sizes=5", "--queries=1"]),
    ],
    ids=["dataset", "search"],
)
@pytest.mark.django_db
def test_scripts_refuse_the_test_database_and_write_nothing(script, arguments, capsys):
    article = make_article()
    with pytest.raises(SystemExit) as stopped:
        script(arguments)
    assert stopped.value.code == 2
    assert f"Refusing to write benchmark data into the database {guard.database_name()!r}" in (
        capsys.readouterr().err
    )
    assert list(Article.objects.all()) == [article]
    assert not Comment.objects.exists()


@pytest.mark.parametrize("script", ["dataset", "search", "load"])
def test_scripts_run_from_the_shell_refuse_a_database_not_named_for_a_benchmark(script, tmp_path):
    database = tmp_path / "newsroom.sqlite3"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{database}",
    }
    result = subprocess.run(
        [sys.executable, "-m", f"tests.bench.{script}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2, result.stderr
    assert "Refusing to write benchmark data into the database 'newsroom.sqlite3'" in (
        result.stderr
    )
    assert "--yes-destroy" in result.stderr
    assert not database.exists()  # not even opened


def test_the_site_ships_no_benchmark_code_and_no_command_that_fills_a_database_for_one():
    assert [name for name in get_commands() if "bench" in name] == []
    for app in apps.get_app_configs():
        if Path(app.path).is_relative_to(ROOT):
            shipped = [path.relative_to(ROOT) for path in Path(app.path).rglob("*bench*.py")]
            assert shipped == [], "benchmark code belongs under tests/bench/"
            assert not (Path(app.path) / "bench").exists()


# The newsroom at work (tests/bench/working.py) ------------------------------------------------


def test_zipf_weights_fall_as_one_over_the_rank_and_add_up_to_one():
    weights = working.zipf_weights(4)
    assert sum(weights) == pytest.approx(1.0)
    assert weights[0] / weights[1] == pytest.approx(2.0)
    assert weights[0] / weights[3] == pytest.approx(4.0)


def test_reader_list_repeats_the_popular_pages_and_keeps_every_page_of_the_long_tail():
    ranked = ["/", "/hot/", *[f"/archive/{n}/" for n in range(98)]]
    urls = working.reader_list(ranked, lines=1000)
    counts = {url: urls.count(url) for url in ranked}
    assert counts["/"] == round(1000 * working.zipf_weights(100)[0])  # 193
    assert counts["/"] > counts["/hot/"] > counts["/archive/97/"] >= 1
    assert set(urls) == set(ranked)
    assert urls != sorted(urls, key=ranked.index)  # shuffled: wrk does not read in rank order


def test_pages_are_ranked_home_and_newest_stories_first_then_a_shuffled_long_tail():
    articles = [f"/a/{n}/" for n in range(30)]
    ranked = working.rank_pages(
        "/", ["/section/news/"], articles, ["/tag/libya/"], ["/search/?q=libya"], ["/old/"]
    )
    assert ranked[:7] == ["/", *articles[:5], "/section/news/"]
    assert sorted(ranked) == sorted(
        {"/", "/section/news/", *articles, "/tag/libya/"} | {"/search/?q=libya", "/old/"}
    )


def test_schedule_spaces_the_desk_s_changes_and_a_speedup_shortens_every_interval():
    changes = working.schedule(60)
    kinds = [kind for _at, kind in changes]
    assert (kinds.count("publish"), kinds.count("comment"), kinds.count("draft")) == (2, 12, 6)
    assert len({at for at, _kind in changes}) == len(changes)  # no two start together
    assert changes[:3] == [(1.0, "comment"), (3.0, "draft"), (6.0, "comment")]
    fast = working.schedule(10, speedup=6)
    assert [kind for _at, kind in fast] == kinds
    assert fast[-1][0] < 10


def test_renders_are_the_misses_from_a_change_to_the_next_less_the_quiet_rate():
    Change = working.Change
    changes = [Change("comment", 100.0), Change("publish", 101.0, check_renders=2)]
    # misses per tenth of a second (epoch tenths): before, after the comment, after the publish
    misses_at = {995: 50, 1000: 3, 1005: 2, 1010: 40, 1019: 10}
    renders = working.renders_per_change(misses_at, changes, end=102.0, baseline_per_second=1.0)
    assert renders == {"comment": [4.0], "publish": [51.0]}  # 5 - 1; 50 - 1 + 2


def test_renders_from_the_app_s_own_count_are_its_growth_from_a_change_to_the_next():
    Change = working.Change
    changes = [
        Change("draft", 10.0, rendered_before=500),
        Change("comment", 12.0, rendered_before=502),
        Change("publish", 13.0, rendered_before=510),
    ]
    renders = working.counted_renders(changes, 900, end=15.0, baseline_per_second=1.0)
    assert renders == {"draft": [0.0], "comment": [7.0], "publish": [388.0]}
    # Without the count (the page cache keeps none), nothing is made up.
    assert working.counted_renders([Change("draft", 1.0)], None, end=2.0) == {}


def test_hit_ratio_counts_every_response_the_readers_got():
    assert working.hit_ratio(95, 5) == 0.95
    assert working.hit_ratio(90, 5, uncached=5) == 0.9
    assert working.hit_ratio(0, 0) == 0.0


def test_readers_figures_come_from_the_lines_the_lua_script_prints():
    stdout = (
        'READERS_JSON {"requests": 3000, "duration_us": 2000000, "socket_errors": 1, '
        '"status_errors": 2, "p50_us": 2500, "p99_us": 40000, "hits": 2850, "misses": 100, '
        '"uncached": 50}\nREADERS_MISSES {"17000000001": 60, "17000000002": 40}\n'
    )
    readers = working.parse_readers(stdout)
    assert (readers.rps, readers.p50_ms, readers.p99_ms, readers.errors) == (1500.0, 2.5, 40, 3)
    assert readers.hit_ratio == 0.95
    assert readers.misses_at == {17000000001: 60, 17000000002: 40}
    assert working.parse_readers("", "connection refused").note == "connection refused"


def test_the_readers_script_is_the_one_the_driver_hands_to_wrk():
    script = working.READERS_SCRIPT.read_text()
    for callback in ("function setup(", "function init(", "function request(", "function done("):
        assert callback in script
    assert "READERS_JSON" in script and "READERS_MISSES" in script
    with pytest.raises(ValueError, match=r"127\.0\.0\.1"):
        working.readers("http://example.com", "urls.txt", Options(), 1)


@pytest.mark.django_db
def test_stale_page_checker_tells_the_page_before_a_change_from_the_page_after(client, section):
    article = make_article(section=section, headline="Rain & wind in Tunis")
    before = client.get(article.get_absolute_url()).content
    assert working.shows(before, "Rain & wind in Tunis")  # printed as "Rain &amp; wind"
    article.headline = "Update 1: Rain & wind in Tunis"
    article.save()
    after = client.get(article.get_absolute_url()).content
    assert not working.shows(before, "Update 1: Rain")
    assert working.shows(after, "Update 1: Rain")


def working_report(**changes):
    quiet = working.Readers(30000, 3000.0, 5.0, 20.0, 0, hits=30000)
    report = working.WorkingReport(
        pages=3000,
        duration=60,
        cold=working.Readers(1000, 100.0, 300.0, 900.0, 0, uncached=1000),
        warm=quiet,
        working=working.Readers(60000, 2400.0, 6.0, 30.0, 0, hits=58000, misses=2000),
        planned={"publish": 2, "comment": 12, "draft": 6},
        changes=[working.Change("comment", 1.0, checked=1)],
        renders={"comment": [3.0], "publish": [40.0, 60.0]},
        counted={"comment": [2.0], "publish": [41.0, 61.0]},
    )
    for name, value in changes.items():
        setattr(report, name, value)
    return report


def test_working_report_prints_the_three_runs_the_renders_and_the_targets():
    table = working.format_report(working_report(), Options())
    assert re.search(r"^at work, 60 s\s+2,400\s+6\.0\s+30\.0\s+0\s+96\.7%$", table, re.M)
    assert re.search(r"^cold \(cache off\), 10 s\s+100 .* -$", table, re.M)
    assert (
        "publish or edit      2 of   2 planned, renders each: mean 50, most 60 "
        "(the app's count: mean 51, most 61)"
    ) in table
    assert "draft saved          0 of   6 planned" in table
    assert "Stale pages: 0 of 1 fetched right after the change" in table
    assert "page-cache hit ratio ≥ 95%: 96.7% — met" in table
    assert "throughput ≥ 70% of warm: 80% (2,400 of 3,000 req/s) — met" in table
    assert "p99 < 50 ms: 30.0 ms — met" in table
    assert "zero stale pages: 0 — met" in table


def test_working_report_says_missed_for_a_stale_page_or_a_cold_cache():
    busy = working.Readers(6000, 100.0, 600.0, 1400.0, 0, hits=500, misses=500)
    changes = [working.Change("comment", 1.0, checked=2, stale=1)]
    table = working.format_report(working_report(working=busy, changes=changes), Options())
    assert "page-cache hit ratio ≥ 95%: 50.0% — MISSED" in table
    assert "throughput ≥ 70% of warm: 3% (100 of 3,000 req/s) — MISSED" in table
    assert "zero stale pages: 1 — MISSED" in table


# serialized_rollback, like every transactional test before a serialized one: a plain flush
# re-creates content types under new ids, and the next serialized test collides on them.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_desk_changes_the_site_through_its_code_checks_each_page_and_puts_everything_back(
    live_server, section
):
    hot = make_article(section=section, headline="Hot story")
    drafts = [
        make_article(section=section, headline=f"Draft {n}", status=Article.Status.DRAFT)
        for n in range(2)
    ]
    desk = working.Desk(live_server.url)
    changes = [desk.change(kind) for kind in ("publish", "comment", "publish", "draft")]
    assert [change.checked for change in changes] == [2, 1, 1, 0]  # home+section, article
    assert sum(change.stale for change in changes) == 0
    assert Comment.objects.approved().filter(article=hot).count() == 1
    assert Article.objects.published().count() == 2
    desk.restore()
    hot.refresh_from_db()
    assert hot.headline == "Hot story"
    assert not Comment.objects.exists()
    assert list(Article.objects.published()) == [hot]
    for draft in drafts:
        draft.refresh_from_db()
        assert (draft.status, draft.dek) == (Article.Status.DRAFT, "")


@pytest.mark.django_db
def test_the_live_articles_of_the_benchmark_leave_its_dataset_as_they_found_it(section):
    """The page benchmark reuses its dataset only while it holds exactly its own articles:
    the live coverage measurement removes the live stories it made."""
    make_article(section=section)
    made = live.live_article("small", 20)
    assert made.live_entries.count() == 20
    assert live.live_article("small", 20) == made  # kept while a run needs it
    live.remove_live_articles()
    assert list(Article.objects.values_list("section__slug", flat=True)) == ["middle-east"]
    assert not Section.objects.filter(slug="bench-live").exists()
