"""Sitemaps, the Google News sitemap and robots.txt: well-formed, public items only."""

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
import time_machine
from django.contrib.flatpages.models import FlatPage
from django.contrib.sites.models import Site
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from articles.sitemaps import ArticleSitemap
from newsroom.cache import invalidate_pages

from .conftest import make_article, make_author, make_section

pytestmark = pytest.mark.django_db

NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
}


def parse(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    return ET.fromstring(response.content)


def locations(client, url):
    return [loc.text for loc in parse(client, url).findall(".//sm:loc", NS)]


def section_sitemap(name):
    return reverse("articles:sitemap_section", args=[name])


def absolute(path):
    return "http://example.com" + path


def test_index_lists_every_sitemap_with_its_last_change(client):
    make_article(tags=["Libya"], authors=[make_author()])
    root = parse(client, reverse("articles:sitemap"))
    entries = {
        entry.findtext("sm:loc", namespaces=NS): entry.findtext("sm:lastmod", namespaces=NS)
        for entry in root.findall("sm:sitemap", NS)
    }
    for name in ["home", "articles", "sections", "tags", "authors"]:
        assert entries[absolute(section_sitemap(name))] is not None
    assert absolute(section_sitemap("pages")) in entries


def test_article_sitemap_lists_only_published_articles(client):
    live = make_article()
    make_article(status=Article.Status.DRAFT)
    make_article(status=Article.Status.REVIEW)
    make_article(publish_at=timezone.now() + timedelta(hours=1))
    assert locations(client, section_sitemap("articles")) == [absolute(live.get_absolute_url())]


def test_scheduled_article_enters_the_sitemap_when_its_time_comes(client):
    publish_at = timezone.now() + timedelta(days=1)
    article = make_article(publish_at=publish_at)
    assert locations(client, section_sitemap("articles")) == []
    with time_machine.travel(publish_at + timedelta(minutes=1)):
        assert locations(client, section_sitemap("articles")) == [
            absolute(article.get_absolute_url())
        ]


def test_article_lastmod_is_the_day_it_last_changed(client):
    article = make_article(publish_at=timezone.now() - timedelta(days=10))
    root = parse(client, section_sitemap("articles"))
    assert root.findtext("sm:url/sm:lastmod", namespaces=NS) == str(
        timezone.localdate(article.updated_at)
    )


def test_list_sitemaps_leave_out_sections_tags_and_authors_with_nothing_published(client):
    author = make_author(slug="published-author")
    live = make_article(
        section=make_section(slug="live-section"), tags=["Public"], authors=[author]
    )
    make_article(
        section=make_section(slug="draft-section"),
        tags=["Secret plan"],
        authors=[make_author(slug="draft-author")],
        status=Article.Status.DRAFT,
    )
    assert locations(client, section_sitemap("sections")) == [
        absolute(live.section.get_absolute_url())
    ]
    assert locations(client, section_sitemap("tags")) == [
        absolute(reverse("articles:tag", args=["public"]))
    ]
    assert locations(client, section_sitemap("authors")) == [absolute(author.get_absolute_url())]


def test_pages_sitemap_lists_public_flat_pages(client):
    site = Site.objects.get_current()
    about = FlatPage.objects.create(url="/about/", title="About us", content="<p>Hi</p>")
    about.sites.add(site)
    members = FlatPage.objects.create(
        url="/members/", title="Members", content="x", registration_required=True
    )
    members.sites.add(site)
    assert locations(client, section_sitemap("pages")) == [absolute("/about/")]


def test_home_sitemap_lists_the_home_page(client):
    make_article()
    assert locations(client, section_sitemap("home")) == [absolute("/")]


def test_large_sitemaps_are_split_into_pages_listed_in_the_index(client, monkeypatch):
    monkeypatch.setattr(ArticleSitemap, "limit", 2)
    section = make_section()
    for _ in range(5):
        make_article(section=section)
    index = locations(client, reverse("articles:sitemap"))
    articles_sitemap = absolute(section_sitemap("articles"))
    assert [f"{articles_sitemap}?p=2", f"{articles_sitemap}?p=3"] == [
        url for url in index if url.startswith(f"{articles_sitemap}?p=")
    ]
    assert len(locations(client, section_sitemap("articles") + "?p=3")) == 1
    assert client.get(section_sitemap("articles") + "?p=4").status_code == 404


@pytest.mark.parametrize("page", ["0", "x", "-1", "9" * 30])
def test_bad_sitemap_page_number_is_404(client, page):
    make_article()
    assert client.get(section_sitemap("articles"), {"p": page}).status_code == 404


def test_unknown_sitemap_section_is_404(client):
    assert client.get(section_sitemap("nope")).status_code == 404


def test_news_sitemap_lists_only_the_last_48_hours(client):
    recent = make_article(publish_at=timezone.now() - timedelta(hours=47))
    make_article(publish_at=timezone.now() - timedelta(hours=49))
    make_article(publish_at=timezone.now() + timedelta(hours=1))
    make_article(status=Article.Status.DRAFT)
    assert locations(client, reverse("articles:news_sitemap")) == [
        absolute(recent.get_absolute_url())
    ]


def test_news_sitemap_names_the_publication_date_and_title(client):
    article = make_article(
        headline="Talks & </script> tea", publish_at=timezone.now() - timedelta(hours=1)
    )
    news = parse(client, reverse("articles:news_sitemap")).find("sm:url/news:news", NS)
    assert news.findtext("news:publication/news:name", namespaces=NS) == "The World Monitor"
    assert news.findtext("news:publication/news:language", namespaces=NS) == "en"
    assert news.findtext("news:title", namespaces=NS) == "Talks & </script> tea"
    assert news.findtext("news:publication_date", namespaces=NS) == (
        article.publish_at.replace(microsecond=0).isoformat()
    )


def test_article_drops_out_of_the_news_sitemap_after_48_hours(client):
    make_article(publish_at=timezone.now() - timedelta(hours=1))
    assert len(locations(client, reverse("articles:news_sitemap"))) == 1
    with time_machine.travel(timezone.now() + timedelta(hours=48)):
        assert locations(client, reverse("articles:news_sitemap")) == []


@pytest.mark.parametrize("count", [2, 20])
def test_sitemap_query_counts_do_not_grow_with_content(
    client, django_assert_max_num_queries, count
):
    for n in range(count):
        make_article(tags=[f"tag {n}"], authors=[make_author()])
    client.get(reverse("articles:sitemap"))  # the current Site is cached after its first use
    invalidate_pages()  # measure renders, not page-cache hits
    with django_assert_max_num_queries(13):
        client.get(reverse("articles:sitemap"))
    for name in ["articles", "sections", "tags", "authors"]:
        with django_assert_max_num_queries(3):
            client.get(section_sitemap(name))
    with django_assert_max_num_queries(3):
        client.get(reverse("articles:news_sitemap"))


def test_robots_txt_points_to_both_sitemaps(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert "Sitemap: http://testserver/news-sitemap.xml" in lines


def test_robots_txt_keeps_crawlers_out_of_admin_search_preview_and_comment_posts(client, settings):
    lines = client.get("/robots.txt").content.decode().splitlines()
    disallowed = [line.removeprefix("Disallow: ") for line in lines if line.startswith("Disallow")]
    for url in [
        reverse("admin:index"),
        reverse("articles:search"),
        reverse("articles:preview", args=[1]),
        reverse("articles:count_view", args=[1]),
        "/comments/1/post/",
    ]:
        assert any(url.startswith(prefix) for prefix in disallowed), url
    assert not any(reverse("articles:home").startswith(prefix) for prefix in disallowed)


def test_robots_txt_sitemaps_resolve(client):
    make_article()
    for line in client.get("/robots.txt").content.decode().splitlines():
        if line.startswith("Sitemap: "):
            path = line.removeprefix("Sitemap: http://testserver")
            assert client.get(path).status_code == 200
