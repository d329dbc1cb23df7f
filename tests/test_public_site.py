"""Every public page type: what a reader sees, what stays hidden, and what it costs."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.contrib.flatpages.models import FlatPage
from django.contrib.sites.models import Site
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from comments.models import Comment

from .conftest import make_article, make_author, make_section, uploaded_jpeg

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(section):
    """A small but realistic site: several sections, tagged and bylined articles with images."""
    sections = [section] + [make_section(name=f"Desk {n}", menu_order=n + 1) for n in range(3)]
    authors = [make_author(name=f"Writer {n}") for n in range(3)]
    articles = []
    for n in range(16):
        articles.append(
            make_article(
                section=sections[n % 4],
                tags=["Libya", f"topic {n % 3}"],
                authors=authors[n % 3 : n % 3 + 2],
                featured_image=uploaded_jpeg(f"p{n}.jpg", size=(64, 36)),
                image_alt=f"Picture {n}",
                image_caption=f"Caption {n}",
                image_credit="Staff",
            )
        )
    return {"sections": sections, "authors": authors, "articles": articles}


def test_home_shows_lead_story_sections_popular_and_recommended(client, world):
    response = client.get("/")
    assert response.status_code == 200
    lead = world["articles"][0]
    assert response.context["lead"] == lead
    html = response.content.decode()
    assert lead.headline in html
    assert 'fetchpriority="high"' in html
    for name in ["Recommended", "Popular News", "Follow us", world["sections"][1].name]:
        assert name in html


def test_home_lists_sections_in_menu_order(client, world):
    blocks = [section.name for section, _ in client.get("/").context["section_blocks"]]
    assert blocks == [s.name for s in sorted(world["sections"], key=lambda s: s.menu_order)]


def test_home_never_shows_drafts_or_scheduled_articles(client, section):
    make_article(section=section, headline="Draft piece", status=Article.Status.DRAFT)
    make_article(
        section=section, headline="Future piece", publish_at=timezone.now() + timedelta(days=1)
    )
    html = client.get("/").content.decode()
    assert "Draft piece" not in html and "Future piece" not in html


def test_section_page_lists_only_its_published_articles(client, world):
    section = world["sections"][1]
    response = client.get(reverse("articles:section", args=[section.slug]))
    assert response.status_code == 200
    assert {a.section for a in response.context["articles"]} == {section}
    assert f'<h1 class="list-header__title">{section.name}</h1>' in response.content.decode()


def test_tag_page_lists_tagged_articles(client, world):
    response = client.get(reverse("articles:tag", args=["libya"]))
    assert response.status_code == 200
    assert response.context["paginator"].count == 16


def test_author_page_shows_bio_photo_and_their_articles(client, world):
    author = world["authors"][0]
    author.bio = "Covers North Africa."
    author.photo = uploaded_jpeg("me.jpg", size=(96, 96))
    author.save()
    response = client.get(author.get_absolute_url())
    assert response.status_code == 200
    assert b"Covers North Africa." in response.content
    assert author.photo.url.encode() in response.content
    assert all(author in a.authors.all() for a in response.context["articles"])


@pytest.mark.parametrize("name", ["section", "tag", "author"])
def test_unknown_slug_is_a_404(client, db, name):
    assert client.get(reverse(f"articles:{name}", args=["nope"])).status_code == 404


@pytest.mark.parametrize(
    ("page", "status"),
    [
        ("0", 404),
        ("-1", 404),
        ("abc", 404),
        ("99999", 404),
        ("2", 200),
        ("last", 404),  # a second address of the last page
        ("1" * 400, 404),
    ],
)
def test_pagination_edges_never_500(client, world, page, status):
    response = client.get(reverse("articles:tag", args=["libya"]), {"page": page})
    assert response.status_code == status


def test_article_page_shows_every_block_of_the_seed_page(client, world):
    article = world["articles"][4]
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert '<nav class="breadcrumb"' in html and article.section.name in html
    assert f'<h1 class="article__title">{article.headline}</h1>' in html
    for author in article.authors.all():
        assert f'href="{author.get_absolute_url()}"' in html
    assert f'<time datetime="{article.publish_at.isoformat(timespec="seconds")}">' in html
    assert "Caption 4" in html and "Staff" in html
    assert "Share on Facebook" in html and "Share on X" in html and "Share on WhatsApp" in html
    assert "facebook.com/sharer/sharer.php?u=http%3A%2F%2Ftestserver" in html
    assert "Tags:" in html and 'href="/tag/libya/"' in html
    assert "Next Post" in html or "Previous Post" in html
    assert "Recommended" in html and "Popular News" in html and "Leave a Reply" in html


def test_next_and_previous_post_stay_in_the_section(client, section):
    other = make_section()
    now = timezone.now()
    older = make_article(section=section, publish_at=now - timedelta(days=3))
    make_article(section=other, publish_at=now - timedelta(days=2))
    middle = make_article(section=section, publish_at=now - timedelta(days=1))
    newer = make_article(section=section, publish_at=now - timedelta(hours=1))
    context = client.get(middle.get_absolute_url()).context
    assert context["previous_post"] == older
    assert context["next_post"] == newer


def test_recommended_prefers_shared_tags_then_section(client, section):
    now = timezone.now()
    same_section = make_article(section=section, publish_at=now - timedelta(days=3))
    make_article(section=section, publish_at=now - timedelta(days=2))  # its Previous Post
    article = make_article(section=section, tags=["Libya", "US"], publish_at=now - timedelta(1))
    best = make_article(tags=["Libya", "US"])
    good = make_article(tags=["Libya"])
    make_article(tags=["unrelated"])
    recommended = client.get(article.get_absolute_url()).context["recommended"]
    assert recommended[:3] == [best, good, same_section]


def test_recommended_never_repeats_the_next_or_previous_post(client, section):
    """The Next/Previous links sit right above Recommended: the same story twice in a few
    lines read as a mistake."""
    now = timezone.now()
    older = make_article(section=section, headline="Older one", publish_at=now - timedelta(2))
    article = make_article(section=section, tags=["Libya"], publish_at=now - timedelta(1))
    newer = make_article(section=section, headline="Newer one", tags=["Libya"], publish_at=now)
    elsewhere = make_article(headline="Other desk", tags=["Libya"], publish_at=now)
    page = client.get(article.get_absolute_url())
    assert (page.context["previous_post"], page.context["next_post"]) == (older, newer)
    assert list(page.context["recommended"]) == [elsewhere]
    recommended = page.content.decode().split('id="recommended-title"', 1)[1]
    recommended = recommended.split("</section>", 1)[0]
    assert "Other desk" in recommended
    assert "Older one" not in recommended and "Newer one" not in recommended


def test_updated_note_appears_only_after_a_later_edit(client, section):
    article = make_article(section=section, publish_at=timezone.now() - timedelta(days=2))
    assert b"Updated" not in client.get(article.get_absolute_url()).content
    with time_machine.travel(timezone.now() + timedelta(hours=1)):
        article.dek = "Corrected summary."
        article.save()
        assert b"article__updated" in client.get(article.get_absolute_url()).content


def test_unpublished_article_is_a_404(client, section):
    article = make_article(section=section)
    article.status = Article.Status.DRAFT
    article.save()
    assert client.get(article.get_absolute_url()).status_code == 404


def test_date_bar_shows_today_in_the_site_time_zone(client, db):
    with override_settings(TIME_ZONE="Pacific/Auckland"), time_machine.travel("2025-09-10 13:00Z"):
        assert b"Thursday, September 11, 2025" in client.get("/").content


def test_relative_dates_are_machine_readable(client, section):
    article = make_article(section=section, publish_at=timezone.now() - timedelta(hours=3))
    html = client.get("/").content.decode()
    assert f'<time datetime="{article.publish_at.isoformat(timespec="seconds")}"' in html
    assert "3 hours ago" in html


def test_footer_and_top_bar_link_the_flat_pages(client, db):
    site = Site.objects.get_current()
    for url, title in [
        ("/about/", "About us"),
        ("/contact/", "Contact Us"),
        ("/privacy-policy/", "Privacy Policy"),
    ]:
        FlatPage.objects.create(url=url, title=title, content="<p>Text</p>").sites.add(site)
    html = client.get("/").content.decode()
    for url in ["/about/", "/contact/", "/privacy-policy/"]:
        assert f'href="{url}"' in html
        page = client.get(url)
        assert page.status_code == 200
        assert b"<h1" in page.content
    assert "Follow us" in html and f"&copy; {timezone.localdate().year}" in html


@pytest.mark.parametrize("debug", [False, True])
def test_flat_pages_answer_in_production_and_under_make_run(client, db, settings, debug):
    settings.DEBUG = debug  # make run serves with DEBUG on, where Django skips handler404
    FlatPage.objects.create(url="/about/", title="About us", content="<p>Who we are</p>").sites.add(
        Site.objects.get_current()
    )
    page = client.get("/about/")
    assert page.status_code == 200 and b"Who we are" in page.content
    no_slash = client.get("/about")
    assert (no_slash.status_code, no_slash["Location"]) == (301, "/about/")
    assert client.get("/about-us/").status_code == 404


def test_404_page_uses_the_site_design(client, db):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert b"Page not found" in response.content and b'class="site-footer"' in response.content


def test_500_page_needs_no_database(rf, django_assert_num_queries):
    from newsroom.views import server_error

    with django_assert_num_queries(0):
        response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert b"Something went wrong" in response.content


def test_popular_news_ranks_by_views_in_the_window_and_falls_back_to_latest(section):
    from articles import popularity
    from articles.models import DailyViews

    latest, older, oldest = (make_article(section=section) for _ in range(3))
    DailyViews.objects.create(article=oldest, day=timezone.localdate(), views=50)
    DailyViews.objects.create(article=older, day=timezone.localdate(), views=10)
    DailyViews.objects.create(
        article=latest, day=timezone.localdate() - timedelta(days=30), views=999
    )
    assert popularity.popular(limit=3) == [oldest, older, latest]


@pytest.mark.parametrize("path_name", ["home", "section", "tag", "author", "article", "search"])
def test_pages_cost_a_bounded_number_of_queries(
    client, world, django_assert_max_num_queries, path_name
):
    article = world["articles"][5]
    for n in range(5):
        Comment.objects.create(
            article=article, name="n", email=f"{n}@e.com", body="b", status="approved"
        )
    urls = {
        "home": "/",
        "section": world["sections"][0].get_absolute_url(),
        "tag": "/tag/libya/",
        "author": world["authors"][0].get_absolute_url(),
        "article": article.get_absolute_url(),
        "search": "/search/?q=Headline",
    }
    # The article page: its comment thread is one query; the header and footer read the
    # sections and their links once, when their kept fragments are not there yet.
    with django_assert_max_num_queries(12):
        assert client.get(urls[path_name]).status_code == 200


def test_a_re_render_takes_the_shared_blocks_from_the_fragment_cache(
    client, world, settings, django_assert_max_num_queries
):
    """With the page cache off (or for an address it does not hold), an article page after
    the first reads only the article itself, then its bylines and tags together."""
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 0
    url = world["articles"][5].get_absolute_url()
    first = client.get(url).content.decode()
    with django_assert_max_num_queries(2):
        again = client.get(url).content.decode()
    assert again == first
    assert "Recommended" in again and "Popular News" in again and "Leave a Reply" in again


def test_article_page_shows_bylines_and_tags_in_the_order_given(client, section):
    article = make_article(
        section=section,
        tags=["Zebra crossings", "Algiers", "Mid-term"],
        authors=[make_author(name="Zoe Adams"), make_author(name="Amal Nour")],
    )
    html = client.get(article.get_absolute_url()).content.decode()
    byline = re.search(r'<span class="byline">(.*?)</span>', html).group(1)
    assert re.findall(r">([^<]+)</a>", byline) == ["Zoe Adams", "Amal Nour"]  # not by name
    assert " and " in byline
    tags = re.search(r'<p class="tags">(.*?)</p>', html).group(1)
    assert re.findall(r'href="/tag/([^/]+)/"', tags) == ["zebra-crossings", "algiers", "mid-term"]
    assert re.findall(r'property="article:tag" content="([^"]+)"', html) == [
        "Zebra crossings",
        "Algiers",
        "Mid-term",
    ]

    bare = make_article(section=section)
    html = client.get(bare.get_absolute_url()).content.decode()
    assert 'class="byline"' not in html and 'class="tags"' not in html


def test_cached_blocks_follow_publishing_at_once_and_scheduling_on_time(client, section, settings):
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 0
    now = timezone.now()
    older = make_article(section=section, headline="Older story", publish_at=now - timedelta(1))
    draft = make_article(section=section, headline="Fresh story", status=Article.Status.DRAFT)
    assert "Next Post" not in client.get(older.get_absolute_url()).content.decode()
    draft.status = Article.Status.PUBLISHED
    draft.save()
    html = client.get(older.get_absolute_url()).content.decode()
    assert "Next Post" in html and "Fresh story" in html

    make_article(section=section, headline="Timed story", publish_at=now + timedelta(minutes=5))
    assert "Timed story" not in client.get(draft.get_absolute_url()).content.decode()
    with time_machine.travel(now + timedelta(minutes=6)):
        html = client.get(draft.get_absolute_url()).content.decode()
    assert "Timed story" in html  # no cached block outlives a scheduled publish time


def test_the_menu_marks_the_current_section_on_each_page_of_its_own(client, world, settings):
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 0
    first, second = world["sections"][0], world["sections"][1]

    def current(url):
        html = client.get(url).content.decode()
        return re.findall(r'<a href="([^"]+)" aria-current="page">', html)

    assert current(first.get_absolute_url()) == [first.get_absolute_url()]
    assert current(second.get_absolute_url()) == [second.get_absolute_url()]
    assert current("/") == ["/"]
    assert current(world["articles"][0].get_absolute_url()) == []
    second.name = "Renamed desk"
    second.save()
    assert "Renamed desk" in client.get(first.get_absolute_url()).content.decode()


def test_an_author_only_on_unpublished_work_has_no_page_nor_feed(client, section):
    """A guest on an embargoed story: the page answered 200 where an unknown author's is a
    404, so the byline was given away (the sitemap already left it out)."""
    guest = make_author(name="Dora Draftonly", slug="dora-draftonly")
    make_article(section=section, status="draft", authors=[guest])
    for path in ("/author/dora-draftonly/", "/author/dora-draftonly/feed/"):
        assert client.get(path).status_code == 404, path
    assert client.get("/author/dora-draftonly/page/2/").status_code == 404
    make_article(section=section, authors=[guest])  # once a story of theirs runs
    assert client.get("/author/dora-draftonly/").status_code == 200
    assert client.get("/author/dora-draftonly/feed/").status_code == 200
