"""RSS and Atom feeds: valid, only published articles, everything a reader app shows."""

import html
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import feedparser
import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from articles.seo import social_image
from newsroom.cache import invalidate_pages

from .conftest import make_article, make_author, make_section, uploaded_jpeg

pytestmark = pytest.mark.django_db

HOSTILE = "Talks </script><script>alert(1)</script> end"


def fetch(client, url):
    response = client.get(url)
    assert response.status_code == 200
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


def titles(feed):
    return [html.unescape(entry.title) for entry in feed.entries]


@pytest.fixture
def full_article():
    author_a = make_author(name="Amina Haddad", slug="amina-haddad")
    author_b = make_author(name="John Smith", slug="john-smith")
    return make_article(
        headline="US & Libyan officials discuss military cooperation",
        dek="Envoys met in Benghazi.",
        section=make_section(name="Middle East", slug="middle-east"),
        tags=["Libya", "US"],
        authors=[author_a, author_b],
        featured_image=uploaded_jpeg(size=(1200, 630)),
        image_alt="Officials around a table",
        publish_at=timezone.now() - timedelta(hours=3),
    )


def test_site_feed_is_valid_rss_with_the_site_name(client):
    make_article()
    feed = fetch(client, reverse("articles:feed"))
    assert feed.version == "rss20"
    assert feed.feed.title == "The World Monitor"
    assert feed.feed.link == "http://example.com/"


def test_feed_item_carries_headline_link_dek_authors_and_date(client, full_article):
    entry = fetch(client, reverse("articles:feed")).entries[0]
    assert html.unescape(entry.title) == full_article.headline
    assert entry.link == "http://example.com" + full_article.get_absolute_url()
    assert entry.summary == "Envoys met in Benghazi."
    assert entry.author == "Amina Haddad, John Smith"
    published = datetime(*entry.published_parsed[:6], tzinfo=UTC)
    assert published == full_article.publish_at.replace(microsecond=0)


def test_feed_item_categories_are_the_section_then_the_tags(client, full_article):
    entry = fetch(client, reverse("articles:feed")).entries[0]
    assert [tag.term for tag in entry.tags] == ["Middle East", "Libya", "US"]


def test_a_feed_listing_its_own_articles_still_names_their_tags(full_article):
    """A feed whose items() does without the site feed's prefetch (a subclass's own list)."""
    from articles.feeds import LatestArticlesFeed

    article = Article.objects.get(pk=full_article.pk)
    categories = LatestArticlesFeed().item_categories(article)
    assert categories == ["Middle East", "Libya", "US"]


def test_feed_item_encloses_the_featured_image_with_its_size_and_type(client, full_article):
    entry = fetch(client, reverse("articles:feed")).entries[0]
    [enclosure] = entry.enclosures
    image = social_image(full_article)  # the 1200x630 rendition made at upload
    assert image.width == 1200 and image.height == 630
    assert enclosure.href == "http://example.com" + image.url
    assert enclosure.type == "image/jpeg"
    assert int(enclosure.length) == image.size() == image.storage.size(image.name) > 0
    [media] = entry.media_content
    assert (media["width"], media["height"]) == ("1200", "630")


def test_feed_still_answers_when_an_image_file_has_gone_missing(client, full_article):
    """The size comes from the bookkeeping made at upload (no storage call); for renditions
    made before sizes were recorded it is asked from the storage, and 0 when it is gone."""
    photo = full_article.lead_image
    image = social_image(full_article)
    image.storage.delete(image.name)
    entry = fetch(client, reverse("articles:feed")).entries[0]
    assert entry.enclosures[0].length == str(image.bytes)
    del photo.renditions["og"]["bytes"]
    photo.save(update_fields=["renditions"])
    cache.clear()
    entry = fetch(client, reverse("articles:feed")).entries[0]
    assert entry.enclosures[0].length == "0"


def test_article_without_an_image_has_no_enclosure(client):
    make_article()
    entry = fetch(client, reverse("articles:feed")).entries[0]
    assert entry.enclosures == []


def test_feed_lists_only_published_articles(client):
    live = make_article(headline="Live")
    make_article(headline="Draft", status=Article.Status.DRAFT)
    make_article(headline="In review", status=Article.Status.REVIEW)
    make_article(headline="Scheduled", publish_at=timezone.now() + timedelta(hours=1))
    assert titles(fetch(client, reverse("articles:feed"))) == [live.headline]


def test_scheduled_article_enters_the_feed_when_its_time_comes(client):
    publish_at = timezone.now() + timedelta(hours=2)
    make_article(headline="Scheduled", publish_at=publish_at)
    assert titles(fetch(client, reverse("articles:feed"))) == []
    with time_machine.travel(publish_at + timedelta(seconds=1)):
        assert titles(fetch(client, reverse("articles:feed"))) == ["Scheduled"]


def test_feed_holds_the_latest_thirty_newest_first(client):
    section = make_section()
    now = timezone.now()
    for hours in range(31):
        make_article(
            headline=f"{hours} hours old", section=section, publish_at=now - timedelta(hours=hours)
        )
    listed = titles(fetch(client, reverse("articles:feed")))
    assert listed == [f"{hours} hours old" for hours in range(30)]


def test_section_feed_lists_only_that_section(client):
    section = make_section(name="Africa", slug="africa")
    mine = make_article(section=section)
    make_article()
    feed = fetch(client, reverse("articles:section_feed", args=["africa"]))
    assert feed.feed.title == "The World Monitor: Africa"
    assert titles(feed) == [mine.headline]


def test_tag_feed_lists_only_that_tag(client):
    tagged = make_article(tags=["Libya"])
    make_article(tags=["Sudan"])
    feed = fetch(client, reverse("articles:tag_feed", args=["libya"]))
    assert titles(feed) == [tagged.headline]


def test_author_feed_lists_only_their_articles(client):
    author = make_author(slug="amina")
    theirs = make_article(authors=[author])
    make_article(authors=[make_author()])
    feed = fetch(client, reverse("articles:author_feed", args=["amina"]))
    assert titles(feed) == [theirs.headline]


def test_section_feed_hides_drafts_of_that_section(client):
    section = make_section(slug="africa")
    make_article(section=section, status=Article.Status.DRAFT)
    assert fetch(client, reverse("articles:section_feed", args=["africa"])).entries == []


@pytest.mark.parametrize("name", ["section_feed", "tag_feed", "author_feed"])
def test_feed_of_an_unknown_slug_is_404(client, name):
    assert client.get(reverse(f"articles:{name}", args=["nowhere"])).status_code == 404


def test_atom_feed_is_valid_with_plain_text_titles(client, full_article):
    feed = fetch(client, reverse("articles:atom_feed"))
    assert feed.version == "atom10"
    entry = feed.entries[0]
    assert entry.title == full_article.headline
    assert entry.title_detail.type == "text/plain"
    assert [author.name for author in entry.authors] == ["Amina Haddad, John Smith"]
    assert entry.updated_parsed is not None


def test_feed_sends_last_modified_for_conditional_requests(client):
    make_article()
    assert "Last-Modified" in client.get(reverse("articles:feed")).headers


def test_hostile_headline_stays_text_in_rss(client):
    make_article(headline=HOSTILE, dek=HOSTILE)
    response = client.get(reverse("articles:feed"))
    item = ET.fromstring(response.content).find("channel/item")
    # Readers treat <title> and <description> as HTML: the markup arrives escaped, as text.
    assert item.findtext("title") == html.escape(HOSTILE)
    assert item.findtext("description") == html.escape(HOSTILE)
    assert "<script" not in fetch(client, reverse("articles:feed")).entries[0].title


def test_hostile_headline_stays_text_in_atom(client):
    make_article(headline=HOSTILE)
    entry = fetch(client, reverse("articles:atom_feed")).entries[0]
    assert entry.title_detail.type == "text/plain"
    assert entry.title == HOSTILE


@pytest.mark.parametrize("count", [3, 30])
def test_feed_query_count_does_not_grow_with_articles(client, django_assert_max_num_queries, count):
    section = make_section(slug="busy")
    author = make_author()
    for _ in range(count):
        make_article(section=section, tags=["Libya", "US"], authors=[author])
    client.get(reverse("articles:feed"))  # the current Site is cached after its first use
    invalidate_pages()  # measure a render, not a page-cache hit
    with django_assert_max_num_queries(5):  # + the page cache's next-scheduled lookup
        client.get(reverse("articles:feed"))
    with django_assert_max_num_queries(6):
        client.get(reverse("articles:section_feed", args=["busy"]))
