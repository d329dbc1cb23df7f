"""Renewing only what a change touches: pages record the keys of what they show, a change
renews its keys, and a reader never sees a page older than a change that affected it."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.flatpages.models import FlatPage
from django.contrib.sites.models import Site
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from taggit.models import Tag

from articles.models import Article
from comments import moderation
from comments.models import Comment
from newsroom import cache as page_cache

from .conftest import make_article, make_author, make_image, make_section

pytestmark = pytest.mark.django_db


def fetch(client, url):
    response = client.get(url)
    return response.get("X-Cache"), response.content.decode()


def main(client, url):
    """The page's main column, without the sidebar (Popular News lists every story here)."""
    return client.get(url).content.decode().split("<main", 1)[1].split("</main>", 1)[0]


def warm(client, *urls):
    for url in urls:
        client.get(url)
        assert client.get(url)["X-Cache"] == "HIT", url


@pytest.fixture
def desk(section):
    """Two sections; in the first, an older and a newer story with a tag and an author;
    in the second, an unrelated story."""
    author = make_author(name="Rana Haddad", slug="rana-haddad")
    now = timezone.now()
    older = make_article(
        section=section,
        headline="Older story",
        tags=["Libya"],
        authors=[author],
        publish_at=now - timedelta(hours=3),
    )
    newer = make_article(
        section=section,
        headline="Newer story",
        tags=["Libya"],
        authors=[author],
        publish_at=now - timedelta(hours=2),
    )
    elsewhere = make_section(name="Sport", slug="sport")
    unrelated = make_article(
        section=elsewhere, headline="Unrelated story", publish_at=now - timedelta(days=30)
    )
    return {
        "section": section,
        "elsewhere": elsewhere,
        "author": author,
        "older": older,
        "newer": newer,
        "unrelated": unrelated,
    }


def test_a_page_names_the_keys_of_what_it_shows_in_its_surrogate_key_header(client, desk):
    newer = desk["newer"]
    keys = client.get(newer.get_absolute_url())["Surrogate-Key"].split()
    tag = Tag.objects.get(name="Libya")
    for key in (
        f"article:{newer.pk}",
        f"section:{newer.section_id}",
        f"tag:{tag.pk}",
        f"author:{desk['author'].pk}",
        f"comments:{newer.pk}",
        f"card:{desk['older'].pk}",  # its Previous Post link
        f"nav:{newer.pk}",  # which articles are beside it
        "menu",
        "site",
    ):
        assert key in keys, key
    assert "content" not in keys  # not renewed by every change
    section_page = client.get(desk["section"].get_absolute_url())["Surrogate-Key"].split()
    assert f"listing:section:{desk['section'].pk}" in section_page
    assert f"comments:{newer.pk}" in section_page  # its cards show comment counts
    assert "listing:home" in client.get("/")["Surrogate-Key"].split()
    assert "content" in client.get("/feed/")["Surrogate-Key"].split()


def test_an_approved_comment_renews_its_article_and_the_lists_showing_its_count_only(client, desk):
    newer, unrelated = desk["newer"], desk["unrelated"]
    comment = Comment.objects.create(
        article=newer, name="Reader", email="r@example.com", body="Well said"
    )
    section_url = desk["section"].get_absolute_url()
    others = ["/", unrelated.get_absolute_url(), desk["elsewhere"].get_absolute_url()]
    warm(client, newer.get_absolute_url(), section_url, *others)
    moderation.approve(comment)
    state, html = fetch(client, newer.get_absolute_url())
    assert state == "MISS" and "Well said" in html
    state, html = fetch(client, section_url)
    assert state == "MISS" and "1 Comment" in html
    for url in others:  # the home page shows no comment counts
        assert client.get(url)["X-Cache"] == "HIT", url


def test_publishing_renews_its_lists_and_neighbours_not_unrelated_pages(client, desk):
    draft = make_article(
        section=desk["section"],
        headline="Breaking story",
        status=Article.Status.DRAFT,
        tags=["Libya"],
        authors=[desk["author"]],
    )
    tag_url = "/tag/libya/"
    author_url = desk["author"].get_absolute_url()
    newer_url = desk["newer"].get_absolute_url()
    unrelated = [desk["unrelated"].get_absolute_url(), desk["elsewhere"].get_absolute_url()]
    warm(client, "/", desk["section"].get_absolute_url(), tag_url, author_url, newer_url)
    warm(client, "/feed/", *unrelated)
    draft.status = Article.Status.PUBLISHED
    draft.publish_at = timezone.now()
    draft.save()
    for url in ("/", desk["section"].get_absolute_url(), tag_url, author_url, "/feed/"):
        state, html = fetch(client, url)
        assert state == "MISS" and "Breaking story" in html, url
    state, html = fetch(client, newer_url)  # its neighbour: the Next Post link
    assert state == "MISS" and "Next Post" in html and "Breaking story" in html
    for url in unrelated:
        assert client.get(url)["X-Cache"] == "HIT", url


def test_a_story_moved_away_renews_the_stories_that_were_beside_it(client, desk, settings):
    """Their Next/Previous links change, and with them what their Recommended leaves out:
    the ones beside it where it was were looked up only where it went, and kept a
    Recommended repeating their new Next Post."""
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 0  # the fragments alone
    oldest = make_article(
        section=desk["section"],
        headline="Oldest story",
        tags=["Libya"],
        publish_at=timezone.now() - timedelta(hours=4),
    )
    url = oldest.get_absolute_url()

    def recommended():
        html = client.get(url).content.decode()
        return html.split('id="recommended-title"', 1)[1].split("</section>", 1)[0]

    assert "Newer story" in recommended() and "Older story" not in recommended()  # its Next
    moved = desk["older"]
    moved.section = desk["elsewhere"]
    moved.save()
    page = client.get(url).content.decode()
    assert "Next Post</span>Newer story" in page.replace("\n", "")
    assert "Newer story" not in recommended()


def test_a_renamed_section_is_named_in_the_next_previous_links_label(client, desk, settings):
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 0  # the fragments alone
    url = desk["newer"].get_absolute_url()
    assert f'aria-label="More in {desk["section"].name}"' in client.get(url).content.decode()
    desk["section"].name = "Maghreb"
    desk["section"].save()
    assert 'aria-label="More in Maghreb"' in client.get(url).content.decode()


def test_a_draft_save_renews_nothing_public(client, desk):
    draft = make_article(section=desk["section"], status=Article.Status.DRAFT)
    urls = ["/", desk["newer"].get_absolute_url(), desk["section"].get_absolute_url()]
    warm(client, *urls)
    draft.headline = "Still a draft"
    draft.save()
    draft.tags.add("Libya")
    for url in urls:
        assert client.get(url)["X-Cache"] == "HIT", url


def test_an_edit_shows_on_every_page_showing_the_article(client, desk):
    older = desk["older"]
    urls = ["/", desk["section"].get_absolute_url(), "/tag/libya/", older.get_absolute_url()]
    urls.append(desk["newer"].get_absolute_url())  # Previous Post, Recommended, Popular
    warm(client, *urls, desk["unrelated"].get_absolute_url())
    older.headline = "Corrected story"
    older.save()
    for url in urls:
        html = fetch(client, url)[1]
        assert "Corrected story" in html and "Older story" not in html, url


def test_an_unpublished_article_vanishes_everywhere_at_once(client, desk):
    newer = desk["newer"]
    urls = ["/", desk["section"].get_absolute_url(), "/tag/libya/", "/feed/"]
    urls += [desk["older"].get_absolute_url(), desk["unrelated"].get_absolute_url()]
    warm(client, newer.get_absolute_url(), *urls)
    newer.status = Article.Status.DRAFT
    newer.save()
    assert client.get(newer.get_absolute_url()).status_code == 404
    for url in urls:  # lists, its neighbour's Next Post, everyone's Popular News
        assert "Newer story" not in client.get(url).content.decode(), url


@pytest.mark.parametrize("when", ["passed", "a minute ahead"])
def test_a_story_given_an_unpublish_time_leaves_every_page_by_then(client, desk, when):
    """Setting the time a story comes down renews what shows it: the pages kept before
    the save did not know the new moment and listed it for up to their whole lifetime."""
    newer = desk["newer"]
    urls = ["/", desk["section"].get_absolute_url(), "/tag/libya/"]
    urls += [desk["author"].get_absolute_url(), desk["older"].get_absolute_url()]
    warm(client, newer.get_absolute_url(), *urls)
    now = timezone.now()
    newer.unpublish_at = (
        now - timedelta(seconds=1) if when == "passed" else now + timedelta(minutes=1)
    )
    newer.save()
    with time_machine.travel(now + timedelta(minutes=1, seconds=1 if when != "passed" else 0)):
        assert client.get(newer.get_absolute_url()).status_code == 404
        for url in urls:  # lists, its neighbour's Next Post, everyone's Popular News
            assert "Newer story" not in client.get(url).content.decode(), url


def test_clearing_the_unpublish_time_of_a_story_that_came_down_brings_it_back(client, desk):
    newer = desk["newer"]
    newer.unpublish_at = timezone.now() - timedelta(seconds=1)
    newer.save()
    urls = ["/", desk["section"].get_absolute_url(), "/tag/libya/"]
    warm(client, *urls)
    assert all("Newer story" not in client.get(url).content.decode() for url in urls)
    newer.unpublish_at = None
    newer.save()
    for url in urls:
        assert "Newer story" in client.get(url).content.decode(), url


def test_a_deleted_article_leaves_its_lists_and_its_address(client, desk):
    newer = desk["newer"]
    url = newer.get_absolute_url()
    others = ["/", desk["section"].get_absolute_url(), "/tag/libya/"]
    others += [desk["author"].get_absolute_url(), desk["older"].get_absolute_url()]
    warm(client, url, *others)
    newer.delete()
    assert client.get(url).status_code == 404
    for other in others:
        assert "Newer story" not in client.get(other).content.decode(), other


def test_a_slug_change_redirects_from_the_old_address_at_once(client, desk):
    newer = desk["newer"]
    old_url = newer.get_absolute_url()
    warm(client, old_url)
    new_url = old_url.replace(newer.slug, "renamed-story")
    assert client.get(new_url).status_code == 404  # cached as a 404 too
    newer.slug = "renamed-story"
    newer.save()
    response = client.get(old_url)
    assert response.status_code == 301 and response["Location"].endswith(new_url)
    assert client.get(new_url).status_code == 200
    assert new_url in client.get(desk["section"].get_absolute_url()).content.decode()


@pytest.mark.parametrize("change", ["tag", "author", "section", "move"])
def test_names_and_sections_show_on_the_next_request(client, desk, change):
    newer = desk["newer"]
    url = newer.get_absolute_url()
    warm(client, url, desk["unrelated"].get_absolute_url(), "/")
    if change == "tag":
        tag = Tag.objects.get(name="Libya")
        tag.name = "Libya (crisis)"
        tag.save()
        assert "Libya (crisis)" in client.get(url).content.decode()
    elif change == "author":
        desk["author"].name = "Rana H. Haddad"
        desk["author"].save()
        assert "Rana H. Haddad" in client.get(url).content.decode()
    elif change == "section":  # in the menu of every page
        desk["elsewhere"].name = "Sports"
        desk["elsewhere"].save()
        assert "Sports" in client.get(desk["unrelated"].get_absolute_url()).content.decode()
        assert ">Sports<" in client.get(url).content.decode()
    else:  # moved to another section: both lists, both neighbourhoods
        warm(client, desk["section"].get_absolute_url(), desk["elsewhere"].get_absolute_url())
        newer.section = desk["elsewhere"]
        newer.save()
        assert "Newer story" not in main(client, desk["section"].get_absolute_url())
        assert "Newer story" in main(client, desk["elsewhere"].get_absolute_url())
        assert "Next Post" not in client.get(desk["older"].get_absolute_url()).content.decode()


def test_a_section_rename_shows_on_every_card_naming_it(client, desk):
    """Cards are kept on their own for every list showing them: one naming its section is
    renewed with the section's name."""
    lists = ("/tag/libya/", desk["author"].get_absolute_url(), "/search/?q=story")
    warm(client, *lists)
    for url in lists:
        assert '<a class="card__section" href="/section/middle-east/">Middle East</a>' in main(
            client, url
        )
    desk["section"].name = "Mideast"
    desk["section"].save()
    for url in lists:
        html = main(client, url)
        assert '<a class="card__section" href="/section/middle-east/">Mideast</a>' in html, url
        assert ">Middle East<" not in html, url


def test_hiding_a_section_from_the_menu_renews_every_page(client, desk):
    url = desk["unrelated"].get_absolute_url()
    warm(client, url)
    assert 'href="/section/middle-east/"' in client.get(url).content.decode()
    desk["section"].show_in_menu = False
    desk["section"].save()
    assert 'href="/section/middle-east/"' not in client.get(url).content.decode()


def test_a_flat_page_edit_renews_it_and_not_the_articles(client, desk):
    page = FlatPage.objects.create(url="/about/", title="About us", content="<p>Old text</p>")
    page.sites.add(Site.objects.get_current())
    warm(client, "/about/", desk["newer"].get_absolute_url())
    page.content = "<p>New text</p>"
    page.save()
    assert "New text" in client.get("/about/").content.decode()
    assert client.get(desk["newer"].get_absolute_url())["X-Cache"] == "HIT"


def test_a_scheduled_article_appears_on_time_on_its_neighbours_and_lists(client, desk):
    publish_at = timezone.now() + timedelta(seconds=90)
    make_article(section=desk["section"], headline="Embargoed story", publish_at=publish_at)
    urls = ["/", desk["section"].get_absolute_url(), desk["newer"].get_absolute_url()]
    for url in urls:
        assert "Embargoed story" not in client.get(url).content.decode()
    with time_machine.travel(publish_at + timedelta(seconds=1)):
        for url in urls:
            assert "Embargoed story" in client.get(url).content.decode(), url


def test_a_change_to_the_site_renews_everything(client, desk):
    warm(client, "/", desk["unrelated"].get_absolute_url())
    site = Site.objects.get_current()
    site.name = "Renamed"
    site.save()
    assert client.get("/")["X-Cache"] == "MISS"
    assert client.get(desk["unrelated"].get_absolute_url())["X-Cache"] == "MISS"


def test_a_fragment_is_not_reused_after_a_key_it_shows_is_renewed(client, desk, settings):
    """Page cache off: Popular News comes from the fragment cache until an article in it
    changes."""
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 0
    url = desk["unrelated"].get_absolute_url()
    assert "Newer story" in client.get(url).content.decode()
    Article.objects.filter(pk=desk["newer"].pk).update(headline="Quiet edit")  # no signal
    assert "Quiet edit" not in client.get(url).content.decode()  # the kept fragment
    page_cache.renew(f"card:{desk['newer'].pk}")
    assert "Quiet edit" in client.get(url).content.decode()


def test_a_page_rendered_while_a_change_was_made_is_not_kept_as_fresh(client, desk):
    """A page is stamped with the clock read before it renders: a renewal made while it
    renders (here, just after it began) makes it stale."""
    from django.core.cache import cache
    from django.test import RequestFactory

    url = desk["newer"].get_absolute_url()
    client.get(url)
    key = page_cache.page_key(RequestFactory().get(url))
    stored = cache.get(key)
    page_cache.renew(f"article:{desk['newer'].pk}")  # after its clock reading
    cache.set(key, stored, 300)  # as if that render had finished only now
    assert client.get(url)["X-Cache"] == "MISS"


def test_a_lost_stamp_never_makes_an_old_page_fresh(client, desk):
    from django.core.cache import cache
    from django.test import RequestFactory

    url = desk["newer"].get_absolute_url()
    client.get(url)
    key = page_cache.page_key(RequestFactory().get(url))
    old_copy = cache.get(key)
    page_cache.renew(f"article:{desk['newer'].pk}")
    cache.delete(f"pages:key:article:{desk['newer'].pk}")  # evicted
    cache.set(key, old_copy, 300)
    assert client.get(url)["X-Cache"] == "MISS"
    assert client.get(url)["X-Cache"] == "HIT"


def test_comment_unapproval_renews_its_article(client, desk):
    newer = desk["newer"]
    comment = Comment.objects.create(
        article=newer, name="Reader", email="r@example.com", body="Well said"
    )
    moderation.approve(comment)
    warm(client, newer.get_absolute_url())
    moderation.set_status(comment, Comment.Status.PENDING)
    assert "Well said" not in client.get(newer.get_absolute_url()).content.decode()


def test_a_held_comment_marked_as_spam_or_rejected_renews_nothing(client, desk):
    """No reader ever saw it: its article and the lists showing the count stay cached."""
    newer = desk["newer"]
    held = Comment.objects.create(article=newer, name="Bot", email="b@example.com", body="Buy")
    urls = [newer.get_absolute_url(), desk["section"].get_absolute_url(), "/"]
    warm(client, *urls)
    moderation.mark_spam(held)
    moderation.set_status(held, Comment.Status.REJECTED)
    for url in urls:
        assert client.get(url)["X-Cache"] == "HIT", url


def test_a_photo_edit_renews_the_pages_showing_it(client, desk):
    photo = make_image(alt="A crowd in the square", caption="Old caption")
    story = make_article(section=desk["section"], headline="Pictured story", lead_image=photo)
    warm(client, story.get_absolute_url())
    photo.caption = "New caption"
    photo.save()
    assert "New caption" in client.get(story.get_absolute_url()).content.decode()


def test_a_waiting_request_never_takes_a_page_rendered_before_a_change(client, desk, settings):
    """Another request is rendering the page (its lock is held) and a copy it stored began
    before a change: the waiter does not take it, and renders the page itself."""
    from django.core.cache import cache
    from django.test import RequestFactory

    settings.NEWSROOM_COALESCE_SECONDS = 0.2
    url = desk["newer"].get_absolute_url()
    client.get(url)
    key = page_cache.page_key(RequestFactory().get(url))
    old_copy = cache.get(key)
    desk["newer"].headline = "Changed meanwhile"
    desk["newer"].save()
    cache.set(key, old_copy, 300)
    cache.add(f"{key}:rendering", 1, 30)
    response = client.get(url)
    assert response["X-Cache"] == "MISS"
    assert "Changed meanwhile" in response.content.decode()


def test_a_body_edit_renews_the_story_not_the_pages_listing_it(client, desk):
    """A live story updated every minute: its page shows each update at once, while the
    pages showing its card (here in everyone's Popular News) stay cached until its
    headline, dek, photo, address, date or section changes."""
    newer = desk["newer"]
    others = [desk["unrelated"].get_absolute_url(), "/", desk["section"].get_absolute_url()]
    warm(client, newer.get_absolute_url(), *others)
    assert all("Newer story" in client.get(url).content.decode() for url in others)
    newer.body = "<p>Update at 10:42: talks resumed.</p>"
    newer.save()
    state, html = fetch(client, newer.get_absolute_url())
    assert state == "MISS" and "talks resumed" in html
    for url in others:
        assert client.get(url)["X-Cache"] == "HIT", url
    newer.headline = "Talks resume"
    newer.save()
    for url in others:
        assert "Talks resume" in client.get(url).content.decode(), url


def test_recommended_is_kept_through_a_text_edit_and_renewed_by_its_tags_or_section(
    client, desk, settings
):
    """An article's Recommended list is drawn from its tags and section: an edit of its text
    (a correction, a live update) renders the page again without drawing the list again."""
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 0
    newer = desk["newer"]
    make_article(  # "Older story" is its Previous Post, which Recommended leaves out
        section=desk["section"],
        headline="Oldest story",
        tags=["Libya"],
        publish_at=timezone.now() - timedelta(hours=4),
    )
    make_article(
        section=desk["elsewhere"],
        headline="Sport archive",
        publish_at=timezone.now() - timedelta(days=40),
    )
    url = newer.get_absolute_url()

    def recommended():
        with CaptureQueriesContext(connection) as queries:
            html = client.get(url).content.decode()
        drawn = any(
            q["sql"].startswith('SELECT "articles_taggedarticle"."content_object_id"')
            for q in queries.captured_queries
        )
        return html.split('id="recommended-title"', 1)[1].split("</section>", 1)[0], drawn

    assert "Oldest story" in recommended()[0]
    assert recommended()[1] is False
    newer.body = "<p>Corrected text.</p>"
    newer.save()
    listing, drawn = recommended()
    assert "Corrected text." in client.get(url).content.decode()
    assert "Oldest story" in listing and drawn is False

    newer.tags.add("Gaza")
    assert recommended()[1] is True
    newer.section = desk["elsewhere"]
    newer.save()
    listing, drawn = recommended()
    assert drawn is True
    # From its new section: "Unrelated story" is now its Previous Post, the next one down.
    assert "Sport archive" in listing and "Unrelated story" not in listing


@pytest.mark.parametrize("kind", ["section", "tag", "author"])
def test_a_lists_new_slug_redirects_its_old_page_and_feed_at_once(client, desk, kind):
    """Only a story's old address redirected: a renamed section's, tag's or author's page and
    feed answered 404, links and subscribers lost."""
    from taggit.models import Tag

    thing = {
        "section": desk["section"],
        "tag": Tag.objects.get(name="Libya"),
        "author": desk["author"],
    }[kind]
    old_slug = thing.slug
    old_page, old_feed = f"/{kind}/{old_slug}/", f"/{kind}/{old_slug}/feed/"
    warm(client, old_page)
    thing.slug = "renamed"
    thing.save()
    for old, new in ((old_page, f"/{kind}/renamed/"), (old_feed, f"/{kind}/renamed/feed/")):
        response = client.get(old)
        assert response.status_code == 301 and response["Location"] == new, old
        assert client.get(new).status_code == 200, new


def test_a_tag_only_drafts_carry_leaves_no_redirect_when_renamed(client, desk):
    draft = make_article(status=Article.Status.DRAFT, tags=["Secret merger"])
    tag = draft.tags.get()
    tag.slug = "renamed-merger"
    tag.save()
    assert client.get("/tag/secret-merger/").status_code == 404


def test_merged_tags_lead_to_the_kept_one(client, desk):
    from taggit.models import Tag

    from articles.tags import merge_tags

    make_article(tags=["Libyan politics"])
    kept, merged = Tag.objects.get(name="Libya"), Tag.objects.get(name="Libyan politics")
    merge_tags(kept, [merged])
    response = client.get(f"/tag/{merged.slug}/")
    assert response.status_code == 301 and response["Location"] == f"/tag/{kept.slug}/"
    assert client.get(f"/tag/{merged.slug}/feed/")["Location"] == f"/tag/{kept.slug}/feed/"


def test_a_flat_page_moved_to_a_new_address_redirects_from_the_old(client, desk):
    from django.contrib.flatpages.models import FlatPage
    from django.contrib.sites.models import Site

    page = FlatPage.objects.create(url="/contact/", title="Contact", content="<p>Write.</p>")
    page.sites.add(Site.objects.get_current())
    warm(client, "/contact/")
    page.url = "/contact-us/"
    page.save()
    response = client.get("/contact/")
    assert response.status_code == 301 and response["Location"] == "/contact-us/"
    assert "Write." in client.get("/contact-us/").content.decode()
