"""Old addresses keep working: editors maintain a redirect table for imported legacy paths."""

import re
from datetime import timedelta
from urllib.parse import quote, unquote

import pytest
import time_machine
from django.contrib.redirects.models import Redirect
from django.contrib.sites.models import Site
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from articles.models import Article
from articles.redirects import as_requested

from .conftest import make_article

pytestmark = pytest.mark.django_db


def add_redirect(old_path, new_path):
    return Redirect.objects.create(
        site=Site.objects.get_current(), old_path=old_path, new_path=new_path
    )


def test_editor_adds_a_redirect_for_an_old_wordpress_address_in_the_admin(client, editor):
    article = make_article(slug="new-home")
    client.force_login(editor)
    response = client.post(
        reverse("admin:redirects_redirect_add"),
        {
            "site": Site.objects.get_current().pk,
            "old_path": "/2019/05/old-post/",
            "new_path": article.get_absolute_url(),
        },
    )
    assert response.status_code == 302
    client.logout()
    response = client.get("/2019/05/old-post/")
    assert response.status_code == 301
    assert response["Location"] == article.get_absolute_url()


def test_reporter_cannot_edit_redirects(client, reporter):
    client.force_login(reporter)
    assert client.get(reverse("admin:redirects_redirect_add")).status_code == 403


def test_old_address_shaped_like_a_current_article_url_redirects(client):
    article = make_article()
    add_redirect("/2019/05/01/old-post/", article.get_absolute_url())
    response = client.get("/2019/05/01/old-post/")
    assert response.status_code == 301
    assert response["Location"] == article.get_absolute_url()


def test_wordpress_post_id_address_redirects_permanently(client):
    article = make_article()
    add_redirect("/?p=123", article.get_absolute_url())
    response = client.get("/?p=123")
    assert response.status_code == 301
    assert response["Location"] == article.get_absolute_url()


def test_wordpress_address_redirects_despite_tracking_parameters(client):
    article = make_article()
    add_redirect("/?page_id=7", article.get_absolute_url())
    response = client.get("/", {"utm_source": "newsletter", "page_id": "7"})
    assert response.status_code == 301
    assert response["Location"] == article.get_absolute_url()


def test_an_old_address_with_a_query_string_redirects_with_it(client, section):
    """A list's later page, WordPress's reply link: the old address with them leads to the
    new one with them, as the old address alone does (analytics tags are dropped from every
    request, see the page cache)."""
    make_article(section=section)
    section.slug = "mideast"
    section.save()
    response = client.get("/section/middle-east/?page=2")
    assert (response.status_code, response["Location"]) == (301, "/section/mideast/?page=2")
    story = make_article(slug="new-home")
    add_redirect("/2019/05/01/old-post/", story.get_absolute_url() + "#comments")
    response = client.get("/2019/05/01/old-post/?replytocom=12&utm_source=news")
    assert response.status_code == 301
    assert response["Location"] == story.get_absolute_url() + "?replytocom=12#comments"
    add_redirect("/2019/05/01/gone/", "")
    assert client.get("/2019/05/01/gone/?replytocom=3").status_code == 410
    assert client.get("/2019/05/01/never-was/?page=2").status_code == 404


@pytest.mark.parametrize("old_path", ["/2019/05/01/embargoed/", "/?p=321"])
def test_an_old_address_of_a_scheduled_story_is_a_404_until_the_story_is_live(client, old_path):
    story = make_article(slug="later", publish_at=timezone.now() + timedelta(days=1))
    add_redirect(old_path, story.get_absolute_url())
    response = client.get(old_path)
    assert response.status_code == 404 and "later" not in response.get("Location", "")
    with time_machine.travel(story.publish_at + timedelta(seconds=1)):
        response = client.get(old_path)
        assert response.status_code == 301
        assert response["Location"] == story.get_absolute_url()


def test_an_old_address_of_a_draft_is_a_404(client):
    story = make_article(slug="not-yet", status=Article.Status.DRAFT, publish_at=timezone.now())
    add_redirect("/2019/05/01/draft/", story.get_absolute_url())
    assert client.get("/2019/05/01/draft/").status_code == 404


@pytest.mark.parametrize(
    "old, new",
    [
        ("/?s=harbour+deal", "/search/?q=harbour+deal"),
        ("/?s=%D8%A3%D8%AE%D8%A8%D8%A7%D8%B1", "/search/?q=%D8%A3%D8%AE%D8%A8%D8%A7%D8%B1"),
        ("/?s=", "/search/"),
        ("/?feed=rss2", "/feed/"),
        ("/?feed=atom", "/feed/atom/"),
        ("/?feed=anything", "/feed/"),
    ],
)
def test_wordpress_search_and_feed_addresses_lead_to_ours(client, old, new):
    """They answered the home page (200): an old search link or a feed reader's
    subscription got a page that was not what it asked for."""
    response = client.get(old)
    assert (response.status_code, response["Location"]) == (301, new)
    assert client.get(new).status_code == 200


def test_unknown_wordpress_post_id_is_404_not_the_home_page(client):
    response = client.get("/?p=999")
    assert response.status_code == 404


@pytest.mark.parametrize("post_id", ["", "abc", "\x00", "1\x00", "٣", "9" * 300, "<script>"])
def test_malformed_wordpress_post_id_is_404(client, post_id):
    assert client.get("/", {"p": post_id}).status_code == 404


def test_wordpress_post_removed_on_purpose_is_410(client):
    add_redirect("/?p=5", "")
    assert client.get("/?p=5").status_code == 410


def test_home_page_with_other_parameters_is_still_the_home_page(client):
    assert client.get("/", {"utm_source": "x"}).status_code == 200


def test_tags_named_in_any_script_have_working_pages_and_links(client):
    """Taggit keeps the letters of a tag's name in its slug (Arabic, accents): its page,
    feed and the links to them work (an imported or typed Arabic tag broke every page
    linking it)."""
    article = make_article(tags=["سياسة", "Économie"])
    page = client.get(article.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    for name in ("سياسة", "Économie"):
        tag = Tag.objects.get(name=name)
        url = reverse("articles:tag", args=[tag.slug])
        assert url in html or quote(url) in html
        listing = client.get(url)
        assert listing.status_code == 200 and article.headline in listing.content.decode()
        assert client.get(reverse("articles:tag_feed", args=[tag.slug])).status_code == 200


@pytest.mark.parametrize(
    "old_path, new_path, message",
    [
        ("/loop/", "/loop/", "back to the same address"),
        ("no-slash", "/somewhere/", "Start the old address with a slash"),
        ("/old/", "/\\evil.example/", "no backslash"),
        ("/old/", "/" + "x" * 210, "at most 200 characters"),
    ],
    ids=["a loop", "no leading slash", "a backslash", "a new address too long"],
)
def test_a_redirect_typed_by_hand_that_cannot_work_is_refused(
    client, editor, old_path, new_path, message
):
    from django.contrib.auth.models import Permission

    editor.user_permissions.add(*Permission.objects.filter(content_type__app_label="redirects"))
    client.force_login(editor)
    page = client.post(
        reverse("admin:redirects_redirect_add"),
        {"site": Site.objects.get_current().pk, "old_path": old_path, "new_path": new_path},
    )
    assert page.status_code == 200
    assert message in page.content.decode()
    assert not Redirect.objects.filter(old_path=old_path).exists()


def test_editors_see_and_repoint_the_old_addresses_too_long_for_the_redirect_table(
    client, editor, reporter
):
    from articles.wordpress.mapping import LongRedirect

    story = make_article()
    old = "/2021/03/04/" + quote("خبر-عاجل-" * 20) + "/"
    assert len(old) > 200
    long = LongRedirect.objects.create(
        site=Site.objects.get_current(),
        path_digest=LongRedirect.digest_of(old),
        old_path=old,
        new_path="/somewhere-else/",
    )
    listing = reverse("admin:articles_longredirect_changelist")
    client.force_login(reporter)
    assert client.get(listing).status_code == 403
    client.force_login(editor)
    page = client.get(listing).content.decode()
    assert "خبر-عاجل-" in page  # readable, not percent-encoded
    assert client.get(reverse("admin:articles_longredirect_add")).status_code == 403
    change = reverse("admin:articles_longredirect_change", args=[long.pk])
    refused = client.post(change, {"new_path": "/\\evil.example/"})
    assert "has no backslash" in refused.content.decode()
    assert client.post(change, {"new_path": story.get_absolute_url()}).status_code == 302
    client.logout()
    response = client.get(old)
    assert response.status_code == 301 and response["Location"] == story.get_absolute_url()


@pytest.mark.parametrize("status", ["draft", "scheduled"])
def test_a_tag_only_unpublished_work_carries_answers_as_an_unknown_tag(client, status):
    """Its later pages and AMP address redirected (301) where an unknown tag's were a 404:
    the tag typed on the draft was given away."""
    later = {"publish_at": timezone.now() + timedelta(days=2)} if status == "scheduled" else {}
    story = make_article(status="draft" if status == "draft" else "published", **later)
    story.tags.add("secret-merger")
    live = make_article()
    live.tags.add("harbour")
    for tag in ("secret-merger", "no-such-tag"):
        assert client.get(f"/tag/{tag}/page/2/").status_code == 404
        assert client.get(f"/tag/{tag}/?amp").status_code == 404
    assert client.get("/tag/harbour/page/2/")["Location"] == "/tag/harbour/"


def add_by_hand(client, editor, old_path, new_path):
    """The redirect add form as an editor submits it; the page it answers, followed."""
    client.force_login(editor)
    return client.post(
        reverse("admin:redirects_redirect_add"),
        {"site": Site.objects.get_current().pk, "old_path": old_path, "new_path": new_path},
        follow=True,
    )


@pytest.mark.parametrize(
    "typed, requested",
    [
        ("/أخبار/", "/" + quote("أخبار") + "/"),
        ("/" + quote("أخبار") + "/", "/" + quote("أخبار") + "/"),
        ("/sp ace/", "/sp%20ace/"),
        ("/sp%20ace/", "/sp%20ace/"),
        ("/100%-sure/", "/100%25-sure/"),
        ("/search.php?s=أخبار", "/search.php?s=" + quote("أخبار")),
    ],
    ids=["arabic", "arabic encoded", "space", "space encoded", "bare percent", "query"],
)
def test_an_old_address_typed_readable_or_encoded_redirects_as_browsers_ask_for_it(
    client, editor, typed, requested
):
    story = make_article(slug="new-home")
    assert add_by_hand(client, editor, typed, story.get_absolute_url()).status_code == 200
    assert Redirect.objects.get().old_path == requested  # encoded once, never twice
    listing = client.get(reverse("admin:redirects_redirect_changelist")).content.decode()
    assert unquote(requested) in listing  # listed readable
    client.logout()
    response = client.get(requested)
    assert response.status_code == 301
    assert response["Location"] == story.get_absolute_url()


def test_a_new_address_on_this_site_typed_readable_is_kept_as_browsers_ask_for_it(client, editor):
    add_by_hand(client, editor, "/old/", "/tag/سياسة/")
    assert Redirect.objects.get().new_path == "/tag/" + quote("سياسة") + "/"


def test_an_old_address_too_long_for_the_table_is_kept_whole_as_a_long_redirect(client, editor):
    from articles.wordpress.mapping import LongRedirect

    story = make_article(slug="new-home")
    old = "/2021/03/04/" + "a-very-long-old-wordpress-slug-" * 7 + "the-end/"
    assert len(old) == 237, len(old)
    assert client.get(old).status_code == 404  # and so kept by the page cache
    client.force_login(editor)
    form = client.get(reverse("admin:redirects_redirect_add")).content.decode()
    assert 'maxlength="200"' not in form  # the browser cuts nothing the form takes
    page = add_by_hand(client, editor, old, story.get_absolute_url())
    assert "too long for the redirect table" in page.content.decode()
    assert LongRedirect.objects.get().old_path == old and not Redirect.objects.exists()
    client.logout()
    response = client.get(old)
    assert response.status_code == 301 and response["Location"] == story.get_absolute_url()


def test_a_long_readable_old_address_is_measured_as_browsers_ask_for_it(client, editor):
    from articles.wordpress.mapping import LongRedirect

    story = make_article(slug="new-home")
    typed = "/2021/03/04/" + "خبر-عاجل-" * 5 + "/"  # 58 letters, 314 percent-encoded
    add_by_hand(client, editor, typed, story.get_absolute_url())
    assert LongRedirect.objects.get().old_path == as_requested(typed)
    again = add_by_hand(client, editor, typed, "/elsewhere/")
    assert "already has a redirect, under Long redirects" in again.content.decode()
    assert typed in again.content.decode()  # the text kept
    client.logout()
    response = client.get(quote(typed))
    assert response.status_code == 301 and response["Location"] == story.get_absolute_url()


@pytest.mark.parametrize(
    "new_path, message",
    [
        ("javascript:alert(1)", "or a full address (https://…)"),
        ("//evil.example/x", "or a full address (https://…)"),
        ("https:///x", "or a full address (https://…)"),
    ],
    ids=["javascript", "another host written as a path", "no host"],
)
def test_a_new_address_readers_could_not_follow_is_refused(client, editor, new_path, message):
    page = add_by_hand(client, editor, "/old-story/", new_path)
    assert message in page.content.decode()
    assert new_path in page.content.decode()  # the text kept
    assert not Redirect.objects.exists()
    client.logout()
    assert client.get("/old-story/").status_code == 404


def test_a_redirect_to_another_site_is_kept(client, editor):
    add_by_hand(client, editor, "/old-story/", "https://archive.example.org/old-story/")
    client.logout()
    assert client.get("/old-story/")["Location"] == "https://archive.example.org/old-story/"


def test_a_redirect_leading_back_to_its_old_address_through_others_is_refused(client, editor):
    assert add_by_hand(client, editor, "/loop-a/", "/loop-b/").status_code == 200
    add_redirect("/loop-c/", "/loop-a/")
    for new_path in ("/loop-a/", "/loop-c/"):  # /loop-b/ → /loop-a/ → /loop-b/, or via /loop-c/
        page = add_by_hand(client, editor, "/loop-b/", new_path).content.decode()
        assert "back to the same address" in page
    assert not Redirect.objects.filter(old_path="/loop-b/").exists()
    client.logout()
    assert client.get("/loop-b/").status_code == 404


def test_a_redirect_whose_old_address_is_changed_is_checked_as_it_will_be(client, editor):
    """Its stored row goes with the edit: a walk that read it refused a redirect that made
    no loop, and named an end readers would not reach."""
    edited = add_redirect("/spring/", "/summer/")
    add_redirect("/autumn/", "/spring/")
    client.force_login(editor)
    change = reverse("admin:redirects_redirect_change", args=[edited.pk])
    site = Site.objects.get_current().pk
    # /summer/ → /spring/ once /spring/ no longer redirects: no loop.
    page = client.post(
        change, {"site": site, "old_path": "/summer/", "new_path": "/spring/"}, follow=True
    ).content.decode()
    assert "back to the same address" not in page
    edited.refresh_from_db()
    assert (edited.old_path, edited.new_path) == ("/summer/", "/spring/")
    # /winter/ → /autumn/ → /spring/: readers end there, whatever the edited row said before.
    page = client.post(
        change, {"site": site, "old_path": "/winter/", "new_path": "/autumn/"}, follow=True
    ).content.decode()
    assert "/autumn/ is itself redirected: readers are sent on to /spring/." in page
    client.logout()
    assert client.get("/winter/")["Location"] == "/autumn/"
    assert client.get("/spring/").status_code == 404


def test_a_redirect_to_an_address_itself_redirected_is_kept_and_the_editor_told_where_it_ends(
    client, editor
):
    story = make_article(slug="new-home")
    add_redirect("/middle/", story.get_absolute_url())
    page = add_by_hand(client, editor, "/first/", "/middle/").content.decode()
    assert f"/middle/ is itself redirected: readers are sent on to {story.get_absolute_url()}" in (
        page
    )
    assert Redirect.objects.get(old_path="/first/").new_path == "/middle/"


def test_a_long_redirect_is_pointed_only_where_readers_can_follow(client, editor):
    from articles.wordpress.mapping import LongRedirect

    long = LongRedirect.objects.create(
        site=Site.objects.get_current(),
        path_digest=LongRedirect.digest_of("/" + "x" * 250),
        old_path="/" + "x" * 250,
        new_path="/somewhere/",
    )
    client.force_login(editor)
    change = reverse("admin:articles_longredirect_change", args=[long.pk])
    for new_path in ("javascript:alert(1)", "//evil.example/x"):
        assert "or a full address" in client.post(change, {"new_path": new_path}).content.decode()
    long.refresh_from_db()
    assert long.new_path == "/somewhere/"


def test_a_redirect_from_a_page_that_answers_is_kept_and_the_editor_told_it_waits(
    client, editor, section
):
    page = add_by_hand(client, editor, section.get_absolute_url(), "/elsewhere/").content.decode()
    assert "answers with a page of its own" in page
    assert Redirect.objects.filter(old_path=section.get_absolute_url()).exists()
    client.logout()
    assert client.get(section.get_absolute_url()).status_code == 200


def test_a_flat_page_wins_over_a_redirect_from_its_address(client, editor):
    from django.contrib.flatpages.models import FlatPage

    about = FlatPage.objects.create(url="/about/", title="About us", content="<p>Who we are</p>")
    about.sites.add(Site.objects.get_current())
    page = add_by_hand(client, editor, "/about/", "/elsewhere/").content.decode()
    assert "answers with a page of its own" in page
    client.logout()
    response = client.get("/about/")
    assert response.status_code == 200 and "Who we are" in response.content.decode()


def test_a_wordpress_post_number_is_not_taken_for_the_home_page(client, editor):
    story = make_article(slug="new-home")
    page = add_by_hand(client, editor, "/?p=123", story.get_absolute_url()).content.decode()
    assert "answers with a page of its own" not in page
    client.logout()
    assert client.get("/?p=123")["Location"] == story.get_absolute_url()


def test_the_add_form_has_this_site_chosen_already(client, editor):
    client.force_login(editor)
    form = client.get(reverse("admin:redirects_redirect_add")).content.decode()
    site = Site.objects.get_current().pk
    assert re.search(rf'<input[^>]*name="site"[^>]*value="{site}"[^>]*checked', form)
