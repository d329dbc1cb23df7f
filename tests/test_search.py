"""Full-text search on SQLite (FTS5) and PostgreSQL (tsvector): ranking, the query language,
the publishing gate, snippets, the "No Result" page, live results and hostile input."""

import io
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles import images, search
from articles.models import Article

from .conftest import make_article, make_section

pytestmark = pytest.mark.django_db

SEARCH = reverse("articles:search")
LIVE = reverse("articles:search_live")


def found(query, **filters):
    return [hit.article for hit in search.search(query, **filters)[:50]]


def test_headline_match_outranks_body_match():
    in_body = make_article(
        headline="Ministers meet in Tripoli",
        body="<p>The ministers discussed the election. The election date is open. "
        "Another election is due next year.</p>",
    )
    in_headline = make_article(
        headline="Election date set for June", body="<p>Ministers agreed.</p>"
    )
    assert found("election") == [in_headline, in_body]


def test_summary_match_outranks_body_match():
    in_body = make_article(headline="A", dek="Talks went on.", body="<p>The harvest failed.</p>")
    in_dek = make_article(headline="B", dek="The harvest failed again.", body="<p>Talks.</p>")
    assert found("harvest") == [in_dek, in_body]


def test_tag_names_are_searched():
    tagged = make_article(headline="Talks resume", tags=["Derna"])
    make_article(headline="Other talks")
    assert found("derna") == [tagged]


def test_section_name_is_searched():
    climate = make_section(name="Climate", slug="climate")
    article = make_article(headline="Heat records fall", section=climate)
    make_article(headline="Heat in the markets")
    assert found("climate") == [article]


def test_plural_finds_singular_through_stemming():
    article = make_article(headline="Libya sets a date for the election")
    assert found("elections") == [article]


def test_quoted_phrase_needs_the_words_together():
    together = make_article(headline="Central bank raises rates")
    apart = make_article(headline="Bank holiday in the central districts")
    assert found('"central bank"') == [together]
    assert set(found("central bank")) == {together, apart}


def test_longer_phrase_needs_all_its_words_in_order():
    together = make_article(headline="Central bank governor resigns")
    pairs_apart = make_article(headline="Central bank names a new bank governor")
    assert found('"central bank governor"') == [together]
    assert pairs_apart in found("central bank governor")


def test_phrase_in_the_headline_with_an_excluded_word_in_the_body_is_left_out():
    make_article(headline="Central bank steps in", body="<p>Rates rise.</p>")
    kept = make_article(headline="Central bank steps back", body="<p>Markets calm.</p>")
    assert found('"central bank" -rates') == [kept]


def test_phrase_with_a_stop_word_inside_is_found():
    article = make_article(headline="Minister of Defence visits Sirte")
    make_article(headline="Defence minister visits Sirte")
    assert found('"minister of defence"') == [article]


def test_minus_excludes_articles_with_the_word():
    football = make_article(headline="Morocco football stadium upgrades")
    make_article(headline="Morocco car exports hit a record")
    assert found("morocco -exports") == [football]


def test_word_excluded_from_the_body_removes_a_headline_match():
    make_article(headline="Flood warning for the coast", body="<p>The drought is over.</p>")
    kept = make_article(headline="Flood warning for the valley", body="<p>Rain is due.</p>")
    assert found("flood -drought") == [kept]


def test_headline_matches_are_followed_by_body_matches_newest_first_across_pages():
    now = timezone.now()
    older_body = make_article(
        headline="Budget", body="<p>Harbour works start.</p>", publish_at=now - timedelta(days=2)
    )
    newer_body = make_article(
        headline="Budget", body="<p>Harbour works end.</p>", publish_at=now - timedelta(days=1)
    )
    in_headline = make_article(
        headline="Harbour reopens", body="<p>Ships return.</p>", publish_at=now - timedelta(days=3)
    )
    results = search.search("harbour")
    assert [hit.article for hit in results[0:1]] == [in_headline]
    assert [hit.article for hit in results[1:3]] == [newer_body, older_body]


def test_or_finds_either_word():
    sudan = make_article(headline="Talks on Sudan")
    chad = make_article(headline="Lake Chad shrinks")
    make_article(headline="Kenya runners win")
    assert set(found("sudan OR chad")) == {sudan, chad}


def test_all_words_must_match_without_or():
    both = make_article(headline="Sudan and Chad sign a border deal")
    make_article(headline="Talks on Sudan")
    assert found("sudan chad") == [both]


def test_drafts_and_articles_in_review_are_never_found(client):
    make_article(headline="Secret election plan", status=Article.Status.DRAFT)
    make_article(headline="Reviewed election plan", status=Article.Status.REVIEW)
    assert found("election") == []
    response = client.get(SEARCH, {"q": "election"})
    assert b"Secret election plan" not in response.content
    assert b"Reviewed election plan" not in response.content
    assert b"No Result" in response.content


def test_unpublished_article_drops_out_of_results():
    article = make_article(headline="Ceasefire agreed")
    article.status = Article.Status.DRAFT
    article.save()
    assert found("ceasefire") == []


def test_scheduled_article_is_found_from_its_publish_time(client):
    publish_at = timezone.now() + timedelta(hours=2)
    make_article(headline="Summit opens in Rabat", publish_at=publish_at)
    assert found("summit") == []
    assert b"Summit opens in Rabat" not in client.get(LIVE, {"q": "summit"}).content
    with time_machine.travel(publish_at + timedelta(seconds=1)):
        assert [a.headline for a in found("summit")] == ["Summit opens in Rabat"]
        assert b"Summit opens in Rabat" in client.get(SEARCH, {"q": "summit"}).content


def test_results_page_lists_hits_with_highlighted_snippet(client):
    article = make_article(
        headline="Derna rebuilds",
        body="<p>Engineers say the <strong>flood</strong> defences come first.</p>",
    )
    response = client.get(SEARCH, {"q": "flood"})
    assert response.status_code == 200
    assert response.context["results"][0].article == article
    assert "<mark>flood</mark>" in response.content.decode()
    assert "1 result" in response.content.decode()


def test_snippet_escapes_html_and_marks_only_the_matches(client):
    make_article(
        headline="Scripts in the news",
        body="<p>Hackers typed 1 &lt; 2 &amp;&amp; 3 &gt; 2 and "
        "&lt;script&gt;alert(1)&lt;/script&gt; into forms.</p><script>alert('stored')</script>",
    )
    content = client.get(SEARCH, {"q": "hackers"}).content.decode()
    assert "<mark>Hackers</mark> typed 1 &lt; 2 &amp;&amp; 3 &gt; 2" in content
    assert "<script>" not in content.split("<main", 1)[1]


def test_articles_and_snippets_are_read_only_when_a_card_is_drawn(client, settings):
    """A card kept from an earlier render has its snippet and needs only its article's key:
    the same search again (page cache off) reads neither, and an edited article is read
    again, with its new snippet."""
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 0
    article = make_article(headline="Derna rebuilds", body="<p>The flood defences first.</p>")
    make_article(headline="Flood maps", body="<p>Maps of the flood plain.</p>")

    def searched():
        with CaptureQueriesContext(connection) as queries:
            content = client.get(SEARCH, {"q": "flood"}).content.decode()
        asked = [q["sql"] for q in queries if "ts_headline" in q["sql"] or "snippet(" in q["sql"]]
        read = [q["sql"] for q in queries if '"articles_article"."headline"' in q["sql"]]
        return content, len(asked), bool(read)

    content, asked, _read = searched()
    assert "<mark>flood</mark> defences first" in content and asked == 1
    assert searched() == (content, 0, False)
    article.headline = "Derna rebuilt"
    article.body = "<p>The new flood wall is finished.</p>"
    article.save()
    content, asked, read = searched()
    assert "<mark>flood</mark> wall is finished" in content and asked == 1 and read
    assert "Derna rebuilt" in content and "Flood maps" in content
    assert "defences" not in content


def test_an_article_deleted_while_its_search_page_is_drawn_leaves_an_empty_card(
    client, settings, monkeypatch
):
    """Found, then deleted before the page reads it: the page is still drawn, without it."""
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 0
    make_article(headline="Flood maps")
    deleted = make_article(headline="Flood walls")
    read = search.by_id

    def deleted_meanwhile(ids):
        Article.objects.filter(pk=deleted.pk).delete()
        return read(ids)

    monkeypatch.setattr(search, "by_id", deleted_meanwhile)
    response = client.get(SEARCH, {"q": "flood"})
    content = response.content.decode()
    assert response.status_code == 200
    assert "Flood maps" in content and "Flood walls" not in content


def test_a_search_rendered_again_asks_only_for_its_page(client, settings):
    """The count and the planner's estimate are kept with the count until the content
    changes: a render again (page cache off) reads only the page's articles."""
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 0
    for n in range(3):
        make_article(headline=f"Flood maps {n}")
    client.get(SEARCH, {"q": "flood"})
    with CaptureQueriesContext(connection) as queries:
        content = client.get(SEARCH, {"q": "flood"}).content.decode()
    assert "3 results" in content
    asked = [q["sql"].lower() for q in queries]
    assert not [sql for sql in asked if "explain" in sql or "count(" in sql], asked
    make_article(headline="Flood maps 3")
    assert "4 results" in client.get(SEARCH, {"q": "flood"}).content.decode()


def test_the_section_filter_offers_a_section_added_or_renamed_since(client, settings):
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 0  # the filters are a kept fragment
    make_article(headline="Flood maps")
    assert ">Culture</option>" not in client.get(SEARCH, {"q": "flood"}).content.decode()
    culture = make_section(name="Culture", slug="culture")
    assert ">Culture</option>" in client.get(SEARCH, {"q": "flood"}).content.decode()
    culture.name = "Arts"
    culture.save()
    content = client.get(SEARCH, {"q": "flood", "section": "culture"}).content.decode()
    assert '<option value="culture" selected>Arts</option>' in content


def test_hostile_headline_is_escaped_in_results_and_live_results(client):
    make_article(headline='Budget <img src=x onerror="alert(1)"> talks')
    for url in (SEARCH, LIVE):
        content = client.get(url, {"q": "budget"}).content.decode()
        assert "Budget &lt;img src=x" in content
        assert "<img src=x" not in content


def test_no_result_page_repeats_the_query_and_offers_latest_popular_and_sections(client):
    section = make_section(name="Economy", slug="economy")
    latest = make_article(headline="Oil prices steady", section=section)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(SEARCH, {"q": "zebra crossing"})
    assert response.status_code == 200
    # Cards show no body: the page never reads one (a long story's is most of its row).
    assert not [query for query in queries if '."body"' in query["sql"]]
    content = response.content.decode()
    assert "No Result" in content
    assert "Nothing matched “<strong>zebra crossing</strong>”" in content
    assert response.context["latest"][0] == latest
    assert response.context["popular"][0] == latest
    assert "Popular news" in content
    assert f'href="{section.get_absolute_url()}"' in content


def test_a_search_without_results_leaves_popular_news_on_the_other_pages(client):
    # Its own page lists the popular stories in the main column, not in the sidebar; the
    # sidebar's list, kept for every page, was kept empty by it.
    story = make_article(headline="Oil prices steady")
    miss = client.get(SEARCH, {"q": "zebra crossing"}).content.decode()
    assert miss.count("Oil prices steady") == 2  # the latest and the popular: no sidebar list
    for page in (reverse("articles:home"), story.get_absolute_url()):
        assert "Popular News" in client.get(page).content.decode()


def test_searches_without_results_share_their_latest_and_popular_until_a_story_changes(client):
    story = make_article(headline="Oil prices steady")
    assert "Oil prices steady" in client.get(SEARCH, {"q": "zebra"}).content.decode()
    with CaptureQueriesContext(connection) as queries:
        again = client.get(SEARCH, {"q": "giraffe"}).content.decode()
    assert "Nothing matched “<strong>giraffe</strong>”" in again
    assert again.count("Oil prices steady") == 2  # kept: the latest and the popular
    assert not [query for query in queries if '."headline"' in query["sql"]]
    story.headline = "Oil prices climb"
    story.save()
    make_article(headline="Harbour reopens")
    after = client.get(SEARCH, {"q": "okapi"}).content.decode()
    assert after.count("Oil prices climb") == 2 and "Oil prices steady" not in after
    assert "Harbour reopens" in after


def test_empty_query_shows_the_no_result_page_with_help(client):
    make_article(headline="Oil prices steady")
    response = client.get(SEARCH)
    assert response.status_code == 200
    assert b"No Result" in response.content
    assert b"Type a word or two" in response.content
    assert b"Oil prices steady" in response.content


def test_results_are_paginated_and_bad_page_numbers_are_not_found(client, settings):
    for n in range(14):
        make_article(headline=f"Drought report {n}")
    first = client.get(SEARCH, {"q": "drought"})
    assert len(first.context["results"]) == 12
    assert first.context["paginator"].count == 14
    second = client.get(SEARCH, {"q": "drought", "page": 2})
    assert len(second.context["results"]) == 2
    for page in ["abc", "0", "-1", "99999", "1e3"]:
        assert client.get(SEARCH, {"q": "drought", "page": page}).status_code == 404, page


def test_more_matches_than_the_results_hold_shows_a_plus_and_pages_stop_there(client, monkeypatch):
    monkeypatch.setattr(search, "MAX_RESULTS", 3)
    for n in range(5):
        make_article(headline=f"Locust swarm report {n}")
    response = client.get(SEARCH, {"q": "locust"})
    assert response.context["paginator"].count == 3
    assert "3+ results" in response.content.decode()
    assert len(response.context["results"]) == 3


def test_a_search_pages_total_is_counted_once_until_the_content_changes(
    client, monkeypatch, settings
):
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 0  # every request renders; the count is kept
    monkeypatch.setattr(search, "MAX_RESULTS", 3)
    for n in range(5):
        make_article(headline=f"Locust swarm report {n}")
    client.get(SEARCH, {"q": "swarm"})  # the page's other parts (menu, Popular News) kept
    with CaptureQueriesContext(connection) as first:
        client.get(SEARCH, {"q": "locust"})
    with CaptureQueriesContext(connection) as again:
        response = client.get(SEARCH, {"q": "locust"})
    assert "3+ results" in response.content.decode()  # still known to be more than shown
    assert counts(first) == 1 and counts(again) == 0
    make_article(headline="Locust swarm report 6")  # a change: counted again
    with CaptureQueriesContext(connection) as after:
        response = client.get(SEARCH, {"q": "locust"})
    assert counts(after) == 1
    assert "3+ results" in response.content.decode()


def counts(captured):
    return sum("count(" in query["sql"].lower() for query in captured.captured_queries)


def test_section_filter_keeps_only_that_section(client):
    africa = make_section(name="Africa", slug="africa")
    kept = make_article(headline="Drought in the Sahel", section=africa)
    make_article(headline="Drought in Spain")
    response = client.get(SEARCH, {"q": "drought", "section": "africa"})
    assert [hit.article for hit in response.context["results"]] == [kept]


def test_date_filters_keep_articles_published_on_those_days(client, settings):
    settings.TIME_ZONE = "Asia/Amman"
    make_article(headline="Flood warning one", publish_at=datetime(2024, 3, 1, 12, tzinfo=UTC))
    kept = make_article(
        headline="Flood warning two", publish_at=datetime(2024, 3, 10, 22, 30, tzinfo=UTC)
    )
    make_article(headline="Flood warning three", publish_at=datetime(2024, 3, 20, 12, tzinfo=UTC))
    # 22:30 UTC on 10 March is already 11 March in Amman.
    response = client.get(SEARCH, {"q": "flood", "from": "2024-03-11", "to": "2024-03-11"})
    assert [hit.article for hit in response.context["results"]] == [kept]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"from": "yesterday"}, "Enter the date as YYYY-MM-DD"),
        ({"to": "2024-02-30"}, "Enter the date as YYYY-MM-DD"),
        ({"from": "99999-01-01"}, "Enter the date as YYYY-MM-DD"),
        ({"from": "2024-05-02", "to": "2024-05-01"}, "is after the"),
        ({"section": "no-such-section"}, "There is no section with that name."),
        ({"section": "x" * 5000}, "There is no section with that name."),
        ({"from": "2024-01-01\x00"}, "Enter the date as YYYY-MM-DD"),
    ],
)
def test_bad_filters_give_a_clear_message_and_400(client, params, message):
    make_article(headline="Flood warning")
    response = client.get(SEARCH, {"q": "flood", **params})
    assert response.status_code == 400
    content = response.content.decode()
    assert message in content
    assert "No Result" in content
    assert "Search results for “flood”" in content


HOSTILE_QUERIES = [
    "\x00",
    "flood\x00warning",
    "x" * 10_000,
    "flood " * 2_000,
    '"unbalanced flood',
    'flood"',
    '"""',
    "-",
    "--",
    "- - -",
    "OR",
    "or or or",
    "-flood",
    "AND OR NOT",
    "NEAR(flood warning)",
    "flood*",
    "*",
    "^flood",
    "headline:flood",
    "{headline body}: flood",
    "flood:*",
    "'; DROP TABLE articles_article; --",
    "1' OR '1'='1",
    "flood & !warning | (x <-> y)",
    "!!! ((( )))",
    "😀",
    "flood 😀🌊",
    "\u202e\u200bflood",
    "\ue000flood\ue001",
    "<script>alert(1)</script>",
    "%",
    "_",
    "\\",
    "flood OR",
    "OR flood",
    "-flood OR warning",
]


@pytest.mark.parametrize("query", HOSTILE_QUERIES)
def test_hostile_query_gives_results_or_no_result_never_an_error(client, query):
    make_article(headline="Flood warning issued", body="<p>Rivers rise.</p>")
    page = client.get(SEARCH, {"q": query})
    assert page.status_code == 200
    assert b"Flood warning issued" in page.content or b"No Result" in page.content
    live = client.get(LIVE, {"q": query})
    assert live.status_code == 200
    assert b"View All Result" in live.content


def test_search_syntax_of_either_database_is_read_as_plain_words():
    article = make_article(headline="Near the border, a flood warning")
    assert found("NEAR( flood* ^border") == [article]
    assert found("flood & !border") == [article]
    assert found("border -flood:*") == []


def test_query_of_only_exclusions_finds_nothing():
    make_article(headline="Flood warning")
    make_article(headline="Heat warning")
    assert found("-flood") == []


def test_live_search_returns_the_top_five_with_a_link_to_all_results(client):
    for n in range(7):
        make_article(headline=f"Heatwave update {n}")
    response = client.get(LIVE, {"q": "heatwave"})
    assert response.status_code == 200
    content = response.content.decode()
    assert content.count('class="live-search__option"') == 5
    assert 'href="/search/?q=heatwave"' in content
    assert "View All Result" in content
    assert response["X-Robots-Tag"] == "noindex"


def test_live_search_shows_headline_date_and_thumbnail(client):
    from .conftest import uploaded_jpeg

    article = make_article(
        headline="Solar farms double output",
        featured_image=uploaded_jpeg(),
        image_alt="Solar panels",
        publish_at=datetime(2024, 5, 31, 12, tzinfo=UTC),
    )
    content = client.get(LIVE, {"q": "solar"}).content.decode()
    assert f'href="{article.get_absolute_url()}"' in content
    assert "Solar farms double output" in content
    assert "May 31, 2024" in content
    thumbnail = images.picture(article.lead_image, "16:9").src  # a rendition, not the original
    assert thumbnail in content and thumbnail != article.lead_image.file.url


def test_live_search_without_a_match_says_no_result(client):
    make_article(headline="Flood warning")
    content = client.get(LIVE, {"q": "zebra"}).content.decode()
    assert "No Result" in content
    assert 'class="live-search__option"' not in content
    assert 'href="/search/?q=zebra"' in content


def test_search_page_query_count_does_not_grow_with_results(client, django_assert_max_num_queries):
    for n in range(30):
        make_article(headline=f"Cyclone season report {n}", tags=["weather"])
    # Search: the ranking's estimates (PostgreSQL: two), count, ranked ids, the page's
    # articles by id, snippets; the page: breaking news, the sections and the site links
    # of its menus, popular.
    with django_assert_max_num_queries(12):
        response = client.get(SEARCH, {"q": "cyclone"})
    assert len(response.context["results"]) == 12


def test_live_search_query_count_is_small(client, django_assert_max_num_queries):
    for n in range(10):
        make_article(headline=f"Cyclone season report {n}")
    # The ranked ids and their articles; PostgreSQL: + the ranking's two estimates; SQLite:
    # + the page cache's next-scheduled lookup.
    with django_assert_max_num_queries(4):
        client.get(LIVE, {"q": "cyclone"})


def test_edited_headline_is_found_by_its_new_words_only():
    article = make_article(headline="Talks stall")
    article.headline = "Ceasefire holds"
    article.save()
    assert found("ceasefire") == [article]
    assert found("stall") == []


def test_tags_added_after_saving_are_found_and_removed_ones_are_not():
    article = make_article(headline="Budget talks")
    article.tags.add("austerity")
    assert found("austerity") == [article]
    article.tags.remove("austerity")
    assert found("austerity") == []


def test_renamed_section_and_tag_are_found_under_their_new_names():
    section = make_section(name="Planet", slug="planet")
    article = make_article(headline="Heat records fall", section=section, tags=["warming"])
    section.name = "Climate"
    section.save()
    tag = article.tags.get()
    tag.name = "Heatwaves"
    tag.save()
    assert found("climate") == [article]
    assert found("heatwaves") == [article]
    assert found("planet") == []


def test_deleted_article_is_not_found():
    article = make_article(headline="Flood warning")
    article.delete()
    assert found("flood") == []


def test_rebuild_command_indexes_articles_written_in_bulk():
    section = make_section()
    Article.objects.bulk_create(
        [
            Article(
                headline="Locust swarms spread",
                slug="locusts",
                section=section,
                status=Article.Status.PUBLISHED,
                publish_at=timezone.now() - timedelta(hours=1),
            )
        ]
    )
    assert found("locust") == []
    out = io.StringIO()
    call_command("rebuild_search_index", stdout=out)
    assert [a.slug for a in found("locust")] == ["locusts"]
    assert "Indexed 1 article." in out.getvalue()
    assert "Compacted the search indexes." in out.getvalue()


def search_index_bytes():
    """What the search indexes take: PostgreSQL, every index of the articles table (each
    holds an entry per row version); SQLite, the FTS5 table's segments."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_indexes_size('articles_article')")
        else:
            cursor.execute(f"SELECT sum(length(block)) FROM {search.FTS_TABLE}_data")
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_compacting_gives_back_the_room_rewritten_articles_left_in_the_indexes():
    section = make_section()
    now = timezone.now()
    Article.objects.bulk_create(
        Article(
            headline=f"Harbour report {number}",
            dek="Ferries and fishing boats",
            body=f"<p>Tide tables for berth {number}.</p>",
            slug=f"harbour-{number}",
            section=section,
            status=Article.Status.PUBLISHED,
            publish_at=now - timedelta(minutes=number),
        )
        for number in range(300)
    )
    for _rewrite in range(2):  # an import, then rebuild_search_index, say
        search.reindex(Article.objects.all())
    before = search_index_bytes()
    out = io.StringIO()
    call_command("rebuild_search_index", "--compact-only", stdout=out)
    assert search_index_bytes() < before * 0.8
    assert out.getvalue().strip() == "Compacted the search indexes."
    assert search.search("harbour").count() == 300
    assert [a.slug for a in found("berth 7")][:1] == ["harbour-7"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_search_works_in_transactional_tests_with_a_flushed_database(client):
    article = make_article(headline="Monsoon arrives early")
    assert found("monsoon") == [article]
    assert client.get(SEARCH, {"q": "monsoon"}).status_code == 200


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_articles_of_a_flushed_earlier_test_are_not_found():
    # Runs after the test above: its article was flushed away and must not come back.
    article = make_article(headline="Monsoon season ends")
    assert found("monsoon") == [article]


def test_pages_never_load_the_search_vectors_and_saves_keep_them():
    """The vectors are the database's business: a page of articles does not carry them, and
    an article read without them and saved stays findable under its new words."""
    article = make_article(headline="Harbour reopens in Derna")
    loaded = Article.objects.published().for_listing().get(pk=article.pk)
    assert {"search_vector", "search_rank_vector"} <= loaded.get_deferred_fields()
    loaded = Article.objects.get(pk=article.pk)
    loaded.headline = "Harbour reopens in Benghazi"
    loaded.save()
    assert found("benghazi") == [article]
    assert found("derna") == []
