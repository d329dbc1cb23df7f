"""Live coverage: a live article's entries, the readers' poll, the cache keys an entry
renews, search engines and feeds, the live desk and who may post."""

import json
import re
from datetime import datetime, timedelta

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles import live
from articles.models import Article, LiveEntry
from comments.moderation import comments_are_open

from .conftest import _staff, make_article, make_author, make_section
from .test_meta import head

pytestmark = pytest.mark.django_db


def make_live(**kwargs):
    kwargs.setdefault("headline", "Election night live")
    kwargs.setdefault("live_from", timezone.now() - timedelta(hours=2))
    return make_article(**kwargs)


def post(article, minutes_ago=0, **kwargs):
    kwargs.setdefault("body", f"<p>Update {minutes_ago} minutes ago.</p>")
    entry = LiveEntry.objects.create(article=article, **kwargs)
    if minutes_ago:
        LiveEntry.objects.filter(pk=entry.pk).update(
            posted_at=timezone.now() - timedelta(minutes=minutes_ago)
        )
        entry.refresh_from_db()
    return entry


def page_ids(html):
    return [
        int(pk) for pk in re.findall(r'<article class="live-entry[^"]*" id="entry-(\d+)"', html)
    ]


def poll(client, article, after=0):
    return client.get(reverse("articles:live_updates", args=[article.pk]), {"after": after})


# The page -----------------------------------------------------------------------------------


def test_entries_show_newest_first_with_pinned_ones_on_top(client):
    article = make_live()
    old = post(article, minutes_ago=30, headline="Polls close")
    pinned = post(article, minutes_ago=20, headline="What we know so far", pinned=True)
    new = post(article, minutes_ago=5, headline="First results")
    html = client.get(article.get_absolute_url()).content.decode()
    assert page_ids(html) == [pinned.pk, new.pk, old.pk]
    assert "Pinned" in html


def test_key_events_are_summarised_with_links_to_their_entries(client):
    article = make_live()
    key = post(article, minutes_ago=10, headline="Turnout record", key_event=True)
    post(article, minutes_ago=5, headline="Minor update")
    html = client.get(article.get_absolute_url()).content.decode()
    summary = html.split('id="key-events-title"')[1].split("</nav>")[0]
    assert f'href="#entry-{key.pk}"' in summary
    assert "Turnout record" in summary
    assert "Minor update" not in summary


def test_a_correction_is_marked_as_such(client):
    article = make_live()
    post(article, headline="Earlier figure was wrong", correction=True)
    html = client.get(article.get_absolute_url()).content.decode()
    assert "live-entry__flag--correction" in html


def test_the_page_without_javascript_is_paginated_newest_first(client):
    article = make_live()
    entries = [post(article, minutes_ago=100 - n) for n in range(live.PER_PAGE + 3)]
    newest_first = [entry.pk for entry in reversed(entries)]
    first = client.get(article.get_absolute_url()).content.decode()
    assert page_ids(first) == newest_first[: live.PER_PAGE]
    assert 'rel="next" href="?page=2"' in first
    second = client.get(article.get_absolute_url(), {"page": 2}).content.decode()
    assert page_ids(second) == newest_first[live.PER_PAGE :]


@pytest.mark.parametrize("page", ["3", "0", "abc", "-1", "9" * 30, "+1", "01", "\u0661", "last"])
def test_a_page_of_updates_that_does_not_exist_is_a_404(client, page):
    article = make_live()
    post(article)
    response = client.get(article.get_absolute_url(), {"page": page})
    assert response.status_code == 404


def test_a_key_event_on_an_older_page_links_to_its_permanent_address(client):
    article = make_live()
    key = post(article, minutes_ago=200, headline="The first shot", key_event=True)
    for n in range(live.PER_PAGE + 1):
        post(article, minutes_ago=100 - n)
    html = client.get(article.get_absolute_url()).content.decode()
    assert f'href="{key.get_absolute_url()}"' in html
    response = client.get(key.get_absolute_url())
    assert response.status_code == 302
    assert response["Location"] == f"{article.get_absolute_url()}?page=2#entry-{key.pk}"


def test_an_entry_of_an_unpublished_article_has_no_address(client):
    article = make_live(status=Article.Status.DRAFT)
    entry = post(article)
    assert client.get(entry.get_absolute_url()).status_code == 404


def test_entry_text_is_sanitised_on_every_path():
    entry = post(make_live(), body='<p onclick="x()">Hi<script>alert(1)</script></p>')
    entry.refresh_from_db()
    assert "script" not in entry.body and "onclick" not in entry.body


# LIVE and Ended labels ----------------------------------------------------------------------


def label_texts(html):
    return re.findall(r'<span class="live-label[^"]*">([^<]*)</span>', html)


def test_live_label_on_cards_and_the_article_while_it_runs(client):
    section = make_section()
    article = make_live(section=section)
    assert label_texts(client.get(section.get_absolute_url()).content.decode()) == ["Live"]
    assert "Live" in label_texts(client.get(article.get_absolute_url()).content.decode())


def test_ended_label_after_the_coverage_ends(client):
    section = make_section()
    article = make_live(section=section, live_until=timezone.now() - timedelta(minutes=1))
    assert label_texts(client.get(section.get_absolute_url()).content.decode()) == ["Ended"]
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Ended" in label_texts(html)
    assert "Live coverage ended" in html


def test_the_coverage_start_is_told_in_the_entries_own_time_format(client):
    """It said "December 7, 2026 14:32" above entries timed "2:40 p.m."."""
    started = timezone.make_aware(datetime(2026, 12, 7, 14, 32))
    with time_machine.travel(started + timedelta(hours=1), tick=False):
        article = make_live(live_from=started)
        post(article, minutes_ago=1)
        html = client.get(article.get_absolute_url()).content.decode()
    since = re.search(r"Live coverage since (<time[^>]*>[^<]*</time>)", html).group(1)
    assert since.endswith(">December 7, 2026 at 2:32 p.m.</time>")
    assert re.search(r'class="live-entry__time"[^>]*><time[^>]*>3:31 p.m.</time>', html)


def test_no_label_on_an_ordinary_article_or_before_the_coverage_starts(client):
    section = make_section()
    make_article(section=section)
    make_live(section=section, live_from=timezone.now() + timedelta(hours=1))
    assert label_texts(client.get(section.get_absolute_url()).content.decode()) == []


def test_cached_pages_do_not_outlive_the_end_of_live_coverage():
    ends = timezone.now() + timedelta(minutes=7)
    make_live(live_until=ends)
    assert live.next_change() == ends


# The readers' poll ----------------------------------------------------------------------------


def test_the_poll_says_how_many_entries_are_newer_than_the_readers_newest(client):
    article = make_live()
    first = post(article)
    second = post(article)
    third = post(article)
    answer = poll(client, article, after=first.pk).json()
    assert answer["new"] == 2
    assert answer["latest"] == third.pk
    assert answer["state"] == "live"
    assert poll(client, article, after=third.pk).json()["new"] == 0
    assert second.pk < third.pk


def test_the_poll_is_served_from_the_cache_until_an_entry_is_posted(client):
    article = make_live()
    entry = post(article)
    assert poll(client, article, after=entry.pk)["X-Cache"] == "MISS"
    cached = poll(client, article, after=entry.pk)
    assert cached["X-Cache"] == "HIT"
    assert cached.json()["new"] == 0
    post(article)
    fresh = poll(client, article, after=entry.pk)
    assert fresh["X-Cache"] == "MISS"
    assert fresh.json()["new"] == 1


def test_an_edit_or_a_deletion_changes_the_revision_readers_compare(client):
    article = make_live()
    entry = post(article)
    before = poll(client, article, after=entry.pk).json()["revision"]
    entry.body = "<p>Corrected figure.</p>"
    entry.save()
    edited = poll(client, article, after=entry.pk).json()
    assert edited["new"] == 0
    assert edited["revision"] > before
    pk = entry.pk
    entry.delete()
    assert poll(client, article, after=pk).json()["revision"] > edited["revision"]


def test_the_polls_cost_does_not_grow_with_the_number_of_entries(client, settings):
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 0  # every poll is answered by the view
    small, large = make_live(), make_live()
    post(small)
    LiveEntry.objects.bulk_create(LiveEntry(article=large, body="<p>x</p>") for _ in range(300))
    counts = []
    for article in (small, large):
        latest = live.latest_id(article)
        poll(client, article, after=latest - 1)  # warm the process's caches
        with CaptureQueriesContext(connection) as queries:
            assert poll(client, article, after=latest - 1).json()["new"] == 1
        counts.append(len(queries))
    assert counts[0] == counts[1]


@pytest.mark.parametrize("after", ["x", "-1", "1.5", "", "٣", "9" * 30])
def test_a_bad_poll_is_a_400_with_a_message(client, after):
    article = make_live()
    response = poll(client, article, after=after)
    assert response.status_code == 400
    assert "entry number" in response.json()["error"]


def test_there_is_nothing_to_poll_on_an_unpublished_or_ordinary_article(client):
    assert poll(client, make_live(status=Article.Status.DRAFT)).status_code == 404
    assert poll(client, make_article()).status_code == 404


# Cache renewal --------------------------------------------------------------------------------


def assert_cached(client, url):
    client.get(url)
    assert client.get(url)["X-Cache"] == "HIT", url


def test_an_entry_renews_the_live_article_only(client):
    section = make_section()
    article = make_live(section=section)
    other = make_article(section=section)
    urls = ["/", section.get_absolute_url(), other.get_absolute_url(), "/search/?q=night"]
    for url in [article.get_absolute_url(), "/feed/", *urls]:
        assert_cached(client, url)
    post(article, headline="Breaking: results in")
    for url in (article.get_absolute_url(), "/feed/"):  # its page, and the feed listing it
        response = client.get(url)
        assert response["X-Cache"] == "MISS", url
        assert "Breaking: results in" in response.content.decode(), url
    for url in urls:
        assert client.get(url)["X-Cache"] == "HIT", url


def test_the_article_feed_carries_a_live_article_s_latest_entries(client):
    article = make_live(dek="Results as they come.")
    post(article, minutes_ago=3, headline="Polls close")
    post(article, minutes_ago=1, body="<p>Turnout at 48%.</p>")
    make_article(headline="An ordinary story", dek="Nothing live here.")
    feed = client.get("/feed/").content.decode()
    live_item = feed.split("<title>Election night live</title>")[1].split("</item>")[0]
    assert "Latest updates:" in live_item
    assert live_item.index("Turnout at 48%.") < live_item.index("Polls close")
    ordinary = feed.split("<title>An ordinary story</title>")[1].split("</item>")[0]
    assert "Latest updates" not in ordinary


def test_ending_the_coverage_renews_the_article_and_its_listings(client):
    section = make_section()
    article = make_live(section=section)
    for url in (article.get_absolute_url(), section.get_absolute_url()):
        assert_cached(client, url)
    article.live_until = timezone.now() - timedelta(seconds=1)
    article.save()
    listing = client.get(section.get_absolute_url())
    assert listing["X-Cache"] == "MISS"
    assert label_texts(listing.content.decode()) == ["Ended"]


def test_a_draft_s_entries_renew_nothing(client):
    section = make_section()
    make_article(section=section)
    draft = make_live(section=section, status=Article.Status.DRAFT)
    assert_cached(client, section.get_absolute_url())
    post(draft)
    assert client.get(section.get_absolute_url())["X-Cache"] == "HIT"


# Search engines, feeds, sitemaps -------------------------------------------------------------


def test_live_blog_posting_json_ld(client):
    ends = timezone.now() + timedelta(hours=3)
    article = make_live(live_until=ends, authors=[make_author(name="Layla Haddad")])
    post(article, minutes_ago=3, headline="Count begins")
    post(article, minutes_ago=1, body="<p>Turnout at <b>61%</b>.</p>")
    data = head(client, article.get_absolute_url()).json_ld("LiveBlogPosting")
    assert data["headline"] == "Election night live"
    assert data["coverageStartTime"] == article.live_from.replace(microsecond=0).isoformat()
    assert data["coverageEndTime"] == ends.replace(microsecond=0).isoformat()
    updates = data["liveBlogUpdate"]
    assert [update["@type"] for update in updates] == ["BlogPosting", "BlogPosting"]
    assert updates[0]["articleBody"] == "Turnout at 61%."
    assert updates[1]["headline"] == "Count begins"
    assert updates[0]["url"].endswith(f"#entry-{article.live_entries.first().pk}")
    assert all(update["datePublished"] for update in updates)


def test_an_ordinary_article_stays_a_news_article(client):
    article = make_article()
    assert head(client, article.get_absolute_url()).json_ld("NewsArticle")["headline"]


def test_the_live_feed_lists_the_entries_newest_first(client):
    article = make_live()
    post(article, minutes_ago=5, headline="Polls close")
    post(article, minutes_ago=1, body="<p>First results are in.</p>", correction=True)
    html = client.get(article.get_absolute_url()).content.decode()
    feed_url = reverse("articles:live_feed", args=[article.pk])
    assert f'href="{feed_url}"' in html
    feed = client.get(feed_url).content.decode()
    titles = re.findall(r"<item><title>(.*?)</title>", feed)
    assert titles == ["Correction: First results are in.", "Polls close"]


def test_the_news_sitemap_lists_a_live_page_while_it_runs(client):
    running = make_live(headline="Running for days", publish_at=timezone.now() - timedelta(days=5))
    ended = make_live(
        headline="Ended long ago",
        publish_at=timezone.now() - timedelta(days=5),
        live_until=timezone.now() - timedelta(hours=1),
    )
    sitemap = client.get(reverse("articles:news_sitemap")).content.decode()
    assert running.get_absolute_url() in sitemap
    assert ended.get_absolute_url() not in sitemap


# Comments -------------------------------------------------------------------------------------


def test_comments_can_be_switched_off_while_live_only(client):
    article = make_live(live_comments_open=False)
    assert not comments_are_open(article)
    assert 'id="comment-form"' not in client.get(article.get_absolute_url()).content.decode()
    article.live_until = timezone.now() - timedelta(minutes=1)
    assert comments_are_open(article)


def test_comments_stay_open_on_a_live_article_by_default(client):
    article = make_live()
    assert comments_are_open(article)
    assert 'id="comment-form"' in client.get(article.get_absolute_url()).content.decode()


# The live desk and who may post ---------------------------------------------------------------


def desk_url(article):
    return reverse("admin:articles_liveentry_desk", args=[article.pk])


def desk_post(client, article, **data):
    data.setdefault("body", "<p>From the desk.</p>")
    return client.post(desk_url(article), data, HTTP_ACCEPT="application/json")


@pytest.fixture
def bylined(reporter):
    author = make_author(name="Reporter On Byline", user=reporter)
    return make_live(authors=[author])


def test_a_bylined_reporter_posts_from_the_desk_and_stays_on_it(client, reporter, bylined):
    client.force_login(reporter)
    desk = client.get(desk_url(bylined))
    assert desk.status_code == 200
    # A new entry's form: no version to check against, so none of the conflict fields.
    assert "desk_version" not in desk.content.decode()
    assert "Replace their version" not in desk.content.decode()
    response = desk_post(client, bylined, headline="Quick one", key_event="on")
    assert response.status_code == 201
    entry = LiveEntry.objects.get(pk=response.json()["id"])
    assert (entry.article, entry.headline, entry.key_event) == (bylined, "Quick one", True)
    assert entry.created_by == reporter
    assert entry.author.name == "Reporter On Byline"  # their byline by default
    assert "Quick one" in response.json()["html"]


def test_a_reporter_cannot_post_on_a_live_article_without_their_byline(client, reporter):
    article = make_live()
    client.force_login(reporter)
    assert client.get(desk_url(article)).status_code == 404
    assert desk_post(client, article).status_code == 404
    assert not LiveEntry.objects.exists()


def test_an_editor_posts_on_every_live_article(client, editor):
    client.force_login(editor)
    assert desk_post(client, make_live()).status_code == 201


def test_a_moderator_has_no_desk(client, moderator):
    client.force_login(moderator)
    assert desk_post(client, make_live()).status_code in (403, 404)
    assert not LiveEntry.objects.exists()


def test_there_is_no_desk_for_an_article_that_is_not_live(client, editor):
    client.force_login(editor)
    assert client.get(desk_url(make_article())).status_code == 404


def test_an_empty_entry_is_refused_with_a_message_and_nothing_saved(client, editor):
    client.force_login(editor)
    response = desk_post(client, make_live(), headline=" ", body="<p> </p>")
    assert response.status_code == 400
    assert "headline or some text" in json.dumps(response.json())
    assert not LiveEntry.objects.exists()


def test_the_desk_without_javascript_posts_and_comes_back(client, editor):
    article = make_live()
    client.force_login(editor)
    response = client.post(desk_url(article), {"headline": "Plain post", "body": ""})
    assert response.status_code == 302
    assert response["Location"] == desk_url(article)
    assert "Plain post" in client.get(desk_url(article)).content.decode()


def test_colleagues_entries_arrive_on_the_desk(client, editor, reporter, bylined):
    mine = post(bylined, headline="Mine")
    theirs = post(bylined, headline="A colleague's")
    client.force_login(reporter)
    url = reverse("admin:articles_liveentry_desk_entries", args=[bylined.pk])
    answer = client.get(url, {"after": mine.pk}).json()
    assert [entry["id"] for entry in answer["entries"]] == [theirs.pk]
    assert client.get(url, {"after": "x"}).status_code == 400


def test_entries_are_edited_and_deleted_with_a_revision_history(client, reporter, bylined):
    entry = post(bylined, headline="Frist results")
    client.force_login(reporter)
    change = reverse("admin:articles_liveentry_change", args=[entry.pk])
    response = client.post(change, {"headline": "First results", "body": entry.body})
    assert response.status_code == 302
    assert [h.headline for h in entry.history.order_by("history_id")] == [
        "Frist results",
        "First results",
    ]
    history = client.get(reverse("admin:articles_liveentry_history", args=[entry.pk]))
    assert history.status_code == 200
    delete = reverse("admin:articles_liveentry_delete", args=[entry.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 302
    assert not LiveEntry.objects.filter(pk=entry.pk).exists()
    assert entry.history.filter(history_type="-").exists()


def test_a_reporter_cannot_edit_delete_or_read_the_history_of_others_entries(client, reporter):
    entry = post(make_live(status=Article.Status.DRAFT), headline="Secret draft entry")
    client.force_login(reporter)
    for name in ("change", "delete", "history"):
        response = client.get(reverse(f"admin:articles_liveentry_{name}", args=[entry.pk]))
        assert response.status_code in (302, 403, 404), name
        assert "Secret draft entry" not in response.content.decode()
    listing = client.get(reverse("admin:articles_liveentry_changelist"))
    assert "Secret draft entry" not in listing.content.decode()


def test_the_add_form_offers_only_live_articles_the_user_may_post_on(client, reporter, bylined):
    other = make_live(headline="Somebody else's live page")
    client.force_login(reporter)
    response = client.post(
        reverse("admin:articles_liveentry_add"),
        {"article": other.pk, "headline": "Sneaky", "body": ""},
    )
    assert response.status_code == 200  # the form again, with its error
    assert not LiveEntry.objects.exists()


def test_the_reporter_role_has_the_live_entry_rights():
    group = Group.objects.get(name="Reporter")
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert {"add_liveentry", "change_liveentry", "delete_liveentry"} <= codenames


def test_the_article_form_links_to_the_live_desk(client, editor):
    article = make_live()
    client.force_login(editor)
    html = client.get(reverse("admin:articles_article_change", args=[article.pk])).content
    assert desk_url(article) in html.decode()


def test_a_second_reporter_without_byline_is_refused_where_the_first_is_allowed(
    client, django_user_model, reporter, bylined
):
    other = _staff(django_user_model, "other-reporter", "Reporter")
    client.force_login(other)
    assert desk_post(client, bylined).status_code == 404
    client.force_login(reporter)
    assert desk_post(client, bylined).status_code == 201


def test_an_entry_of_another_day_shows_its_date(client):
    article = make_live(live_from=timezone.now() - timedelta(days=3))
    post(article, minutes_ago=2 * 24 * 60, headline="Two days ago")
    post(article, headline="Just now")
    html = client.get(article.get_absolute_url()).content.decode()
    old, new = re.findall(r'class="live-entry__time"[^>]*><time[^>]*>([^<]*)</time>', html)[::-1]
    assert old != new
    assert str(timezone.localtime(timezone.now() - timedelta(days=2)).year) in old
    assert str(timezone.now().year) not in new


def test_the_live_label_on_the_home_page_lead(client):
    make_live(publish_at=timezone.now() - timedelta(seconds=1))
    html = client.get("/").content.decode()
    lead = html.split('<article class="lead">')[1].split("</article>")[0]
    assert label_texts(lead) == ["Live"]


@pytest.mark.parametrize(
    "data",
    [
        {"headline": "Null\x00byte"},
        {"headline": "x" * 1_000_000},
        {"headline": "Who?", "author": "999999"},
        {"headline": "Who?", "author": "x"},
    ],
    ids=["nul", "1mb", "no-such-author", "bad-author"],
)
def test_bad_desk_input_is_a_400_with_a_message_and_nothing_saved(client, editor, data):
    client.force_login(editor)
    response = desk_post(client, make_live(), **data)
    assert response.status_code == 400
    assert response.json()["errors"]
    assert not LiveEntry.objects.exists()


def test_hostile_html_posted_from_the_desk_is_stored_clean(client, editor):
    client.force_login(editor)
    response = desk_post(
        client, make_live(), body='<p>Hi<img src=x onerror="alert(1)"><script>x()</script></p>'
    )
    assert response.status_code == 201
    body = LiveEntry.objects.get().body
    assert "onerror" not in body and "<script" not in body


def test_deleting_a_live_article_counts_no_change_per_entry():
    article = make_live()
    for _ in range(30):
        post(article)
    with CaptureQueriesContext(connection) as queries:
        article.delete()
    assert not LiveEntry.objects.exists()
    assert LiveEntry.history.filter(history_type="-").count() == 30  # each deletion recorded
    updates = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
    assert not [sql for sql in updates if "live_revision" in sql]


# Bylines: a reporter posts under their own name only -----------------------------------------


def test_a_reporter_is_offered_only_their_own_byline_on_the_desk(client, reporter, bylined):
    make_author(name="Hannah Meyer")
    client.force_login(reporter)
    html = client.get(desk_url(bylined)).content.decode()
    select = html.split('name="author"')[1].split("</select>")[0]
    assert "Reporter On Byline" in select and "selected" in select
    assert "Hannah Meyer" not in select


def test_a_reporter_cannot_post_under_a_colleagues_byline(client, reporter, bylined):
    colleague = make_author(name="Hannah Meyer")
    client.force_login(reporter)
    response = desk_post(client, bylined, headline="In her name", author=colleague.pk)
    assert response.status_code == 400
    assert "your own byline" in json.dumps(response.json())
    plain = client.post(desk_url(bylined), {"headline": "In her name", "author": colleague.pk})
    assert plain.status_code == 400
    assert "your own byline" in plain.content.decode()
    assert "In her name" in plain.content.decode()  # the text typed is kept
    add = client.post(
        reverse("admin:articles_liveentry_add"),
        {"article": bylined.pk, "headline": "In her name", "body": "", "author": colleague.pk},
    )
    assert add.status_code == 200
    assert "your own byline" in add.content.decode()
    assert not LiveEntry.objects.exists()


def test_a_reporter_cannot_move_an_entry_to_a_colleagues_byline(client, reporter, bylined):
    colleague = make_author(name="Hannah Meyer")
    entry = post(bylined, headline="Mine", author=bylined.authors.get())
    client.force_login(reporter)
    change = reverse("admin:articles_liveentry_change", args=[entry.pk])
    assert "Hannah Meyer" not in client.get(change).content.decode()
    response = client.post(change, {"headline": "Mine", "body": "", "author": colleague.pk})
    assert response.status_code == 200
    assert "your own byline" in response.content.decode()
    entry.refresh_from_db()
    assert entry.author.name == "Reporter On Byline"


def test_a_reporter_may_correct_a_colleagues_entry_keeping_its_byline(client, reporter, bylined):
    colleague = make_author(name="Hannah Meyer")
    entry = post(bylined, headline="Frist", author=colleague)
    client.force_login(reporter)
    change = reverse("admin:articles_liveentry_change", args=[entry.pk])
    response = client.post(change, {"headline": "First", "body": "", "author": colleague.pk})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.headline, entry.author) == ("First", colleague)


def test_an_editor_credits_any_author(client, editor):
    colleague = make_author(name="Hannah Meyer")
    article = make_live()
    client.force_login(editor)
    assert "Hannah Meyer" in client.get(desk_url(article)).content.decode()
    response = desk_post(client, article, headline="For Hannah", author=colleague.pk)
    assert response.status_code == 201
    assert LiveEntry.objects.get().author == colleague


def test_the_desk_shows_times_on_the_admins_24_hour_clock(client, editor):
    article = make_live()
    entry = post(article, headline="Afternoon update")
    afternoon = timezone.localtime().replace(hour=13, minute=17)
    LiveEntry.objects.filter(pk=entry.pk).update(posted_at=afternoon)
    client.force_login(editor)
    desk = client.get(desk_url(article)).content.decode()
    arrived = client.get(
        reverse("admin:articles_liveentry_desk_entries", args=[article.pk]), {"after": 0}
    ).json()["entries"][0]["html"]
    for html in (desk, arrived):
        assert ">13:17</time>" in html
        assert "p.m." not in html


def test_the_live_page_writes_every_time_of_day_the_same_way(client):
    started = timezone.localtime().replace(hour=13, minute=17) - timedelta(days=1)
    article = make_live(live_from=started, publish_at=started - timedelta(hours=1))
    post(article, headline="Latest")
    Article.objects.filter(pk=article.pk).update(created_at=started - timedelta(hours=2))
    html = client.get(article.get_absolute_url()).content.decode()
    times = re.findall(r"<time[^>]*>([^<]*)</time>", html)
    assert any(text.endswith("at 1:17 p.m.") for text in times)  # Live coverage since …
    assert "Updated" in html  # the article was saved since it went live
    # No 24-hour time (13:17) beside them; "11:20 p.m." at this hour is the same style.
    assert not [text for text in times if re.search(r"\d\d:\d\d(?! [ap]\.m\.)", text)]
