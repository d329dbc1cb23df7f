"""The top bar's and footer's links, edited in the admin: where they lead, who may edit them,
and that every cached page shows an edit at once."""

import pytest
from django.contrib.flatpages.models import FlatPage
from django.contrib.sites.models import Site
from django.urls import reverse

from articles.models import SiteLink
from articles.site_links import add_defaults

from .conftest import make_article


def top_bar(html):
    return html.split('<div class="topbar">', 1)[1].split("</div>", 1)[0]


def footer(html):
    return html.split('<footer class="site-footer">', 1)[1].split("</footer>", 1)[0]


def flat_page(url="/about-us/", title="Who we are"):
    page = FlatPage.objects.create(url=url, title=title, content="<p>Text</p>")
    page.sites.add(Site.objects.get_current())
    return page


@pytest.fixture
def story(section):
    return make_article(section=section, headline="A story")


def test_a_new_site_has_the_usual_links(client, db):
    html = client.get("/").content.decode()
    assert 'href="/about/">About us</a>' in top_bar(html)
    assert 'href="/contact/">Contact us</a>' in top_bar(html)
    for href, text in [
        ("/about/", "About us"),
        ("/privacy-policy/", "Privacy Policy"),
        ("/corrections/", "Corrections"),
    ]:
        assert f'href="{href}">{text}</a>' in footer(html)


def test_an_editor_links_a_flat_page_and_every_cached_page_shows_it(client, editor, story):
    page = flat_page()
    url = story.get_absolute_url()
    client.get(url)
    assert client.get(url)["X-Cache"] == "HIT"
    client.force_login(editor)
    response = client.post(
        reverse("admin:articles_sitelink_add"),
        {"place": "footer", "page": page.pk, "address": "", "label": "", "position": 9},
    )
    assert response.status_code == 302
    client.logout()
    html = client.get(url).content.decode()
    assert 'href="/about-us/">Who we are</a>' in footer(html)
    assert "Who we are" not in top_bar(html)


def test_a_link_follows_its_flat_page_and_goes_with_it(client, story):
    page = flat_page()
    link = SiteLink.objects.create(place="top", page=page)
    url = story.get_absolute_url()
    client.get(url)
    assert client.get(url)["X-Cache"] == "HIT"

    page.url, page.title = "/our-story/", "Our story"
    page.save()
    assert 'href="/our-story/">Our story</a>' in top_bar(client.get(url).content.decode())

    page.content = "<p>Only the text changed</p>"
    page.save()
    assert client.get(url)["X-Cache"] == "HIT"  # the links show no text: nothing renewed

    page.delete()
    assert not SiteLink.objects.filter(pk=link.pk).exists()
    assert "/our-story/" not in top_bar(client.get(url).content.decode())


def test_links_show_in_their_order_and_an_outside_one_opens_safely(client, db):
    SiteLink.objects.filter(place="top").delete()
    SiteLink.objects.create(
        place="top", address="https://jobs.example.org/", label="Jobs", position=2
    )
    SiteLink.objects.create(place="top", address="/advertise/", label="Advertise", position=1)
    bar = top_bar(client.get("/").content.decode())
    assert bar.index("Advertise") < bar.index("Jobs")
    assert '<a href="https://jobs.example.org/" rel="noopener">Jobs</a>' in bar
    assert '<a href="/advertise/">Advertise</a>' in bar


def test_with_no_top_bar_links_the_bar_keeps_its_date_only(client, db):
    SiteLink.objects.filter(place="top").delete()
    bar = top_bar(client.get("/").content.decode())
    assert "topbar__links" not in bar and "topbar__date" in bar


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"address": "", "label": "Nothing"}, "Choose a flat page or write an address."),
        ({"address": "/contact/", "label": ""}, "A link to an address needs a label."),
        ({"address": "javascript:alert(1)", "label": "Bad"}, "Enter a web address"),
        ({"address": "//evil.example/", "label": "Bad"}, "Enter a web address"),
        ({"address": "http://plain.example/", "label": "Bad"}, "Enter a web address"),
        ({"address": "/a b/", "label": "Bad"}, "no backslash and no spaces"),
        ({"page": "PAGE", "address": "/x/", "label": ""}, "not both"),
    ],
)
def test_a_wrong_link_is_refused_with_a_message_and_nothing_saved(client, editor, fields, message):
    page = flat_page()
    before = SiteLink.objects.count()
    data = {"place": "footer", "page": "", "position": 0, **fields}
    if data["page"] == "PAGE":
        data["page"] = page.pk
    client.force_login(editor)
    response = client.post(reverse("admin:articles_sitelink_add"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert SiteLink.objects.count() == before


def test_only_editors_edit_the_links(client, reporter, moderator, editor):
    link = SiteLink.objects.first()
    urls = [
        reverse("admin:articles_sitelink_changelist"),
        reverse("admin:articles_sitelink_add"),
        reverse("admin:articles_sitelink_change", args=[link.pk]),
        reverse("admin:articles_sitelink_delete", args=[link.pk]),
    ]
    for user in (reporter, moderator):
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 403, (user.username, url)
    client.force_login(editor)
    listing = client.get(urls[0])
    assert listing.status_code == 200 and "Privacy Policy" in listing.content.decode()
    response = client.post(urls[3], {"post": "yes"})
    assert response.status_code == 302
    assert not SiteLink.objects.filter(pk=link.pk).exists()


def test_a_site_without_links_gets_the_usual_ones_to_its_pages(client, db):
    """What the demo does on an emptied database: the links lead to its flat pages, and
    follow them."""
    SiteLink.objects.all().delete()
    page = flat_page(url="/about/", title="About the Monitor")
    add_defaults()
    add_defaults()  # a place that has links keeps them as they are
    assert SiteLink.objects.filter(place__in=["top", "footer"]).count() == 6
    assert SiteLink.objects.filter(place="follow").count() == 4  # SOCIAL_LINKS's
    page.url = "/who-we-are/"
    page.save()
    html = client.get("/").content.decode()
    assert '<a href="/who-we-are/">About us</a>' in top_bar(html)
    assert '<a href="/privacy-policy/">Privacy Policy</a>' in footer(html)


def test_follow_us_links_are_edited_like_the_others_and_show_at_once(client, editor, story):
    """A new site's "Follow us" links are the SOCIAL_LINKS setting's; editors change them in
    the admin, and every cached page shows the change."""
    url = story.get_absolute_url()
    html = client.get(url).content.decode()
    box = html.split('<ul class="follow">', 1)[1].split("</ul>", 1)[0]
    assert '<a href="https://www.facebook.com/" rel="me noopener">Facebook</a>' in box
    assert client.get(url)["X-Cache"] == "HIT"
    facebook = SiteLink.objects.get(place="follow", label="Facebook")
    client.force_login(editor)
    response = client.post(
        reverse("admin:articles_sitelink_change", args=[facebook.pk]),
        {
            "place": "follow",
            "page": "",
            "address": "https://www.facebook.com/theworldmonitor",
            "label": "Facebook",
            "position": 0,
        },
    )
    assert response.status_code == 302
    client.logout()
    box = client.get(url).content.decode().split('<ul class="follow">', 1)[1]
    assert 'href="https://www.facebook.com/theworldmonitor"' in box.split("</ul>", 1)[0]


def test_with_no_follow_us_links_the_box_is_left_out(client, story):
    SiteLink.objects.filter(place="follow").delete()
    assert "Follow us" not in client.get(story.get_absolute_url()).content.decode()
