"""`manage.py import_wordpress` and the old site's menus and home page: the section menu
decides which sections the header shows and in what order, a footer or top bar menu becomes
those links, sticky posts lead the home page, and what cannot come is listed."""

import pytest

from articles.curation import picks
from articles.models import Front, Section, SiteLink, Slot

from .conftest import make_article, make_section
from .test_site_links import footer, top_bar
from .test_wordpress_import import run, table
from .test_wordpress_safety import HOST, export, meta, page, post, problems  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

TERMS = "".join(
    f"<wp:category><wp:term_id>{term_id}</wp:term_id><wp:category_nicename>{slug}"
    f"</wp:category_nicename><wp:category_parent>{parent}</wp:category_parent>"
    f"<wp:cat_name>{name}</wp:cat_name></wp:category>"
    for term_id, slug, parent, name in [
        (6, "sport", "", "Sport"),
        (7, "weather", "", "Weather"),
        (8, "football", "sport", "Football"),
    ]
)


def menu_item(wp_id, menu, order, kind, obj, object_id="", url="", title="", parent=0):
    """A nav_menu_item as WordPress exports it, in the menu named ``menu``."""
    extra = (
        meta("_menu_item_type", kind)
        + meta("_menu_item_object", obj)
        + meta("_menu_item_object_id", object_id)
        + meta("_menu_item_url", url)
        + meta("_menu_item_menu_item_parent", parent)
        + f"<wp:menu_order>{order}</wp:menu_order>"
        + f'<category domain="nav_menu" nicename="{menu.lower().replace(" ", "-")}">'
        f"<![CDATA[{menu}]]></category>"
    )
    return post(wp_id, title, "", post_type="nav_menu_item", categories=(), extra=extra)


def nav(html):
    return html.split('<ul class="site-nav__list">', 1)[1].split("</ul>", 1)[0]


def test_the_section_menu_decides_which_sections_the_header_shows_and_in_what_order(
    client,
    export,  # noqa: F811
):
    desk_section = make_section(name="Opinion", slug="opinion")
    output, failure = run(
        export=export(
            post(10, "A story", categories=("city",)),
            menu_item(900, "Main Menu", 1, "taxonomy", "category", object_id="6"),
            menu_item(901, "Main Menu", 2, "taxonomy", "category", object_id="5"),
            menu_item(902, "Main Menu", 3, "custom", "custom", url=f"{HOST}/", title="Home"),
            terms=TERMS,
        )
    )
    assert failure is None
    menu = nav(client.get("/").content.decode())
    assert menu.index(">Sport<") < menu.index(">City<")
    assert ">Weather<" not in menu and ">Football<" not in menu
    assert ">Opinion<" in menu  # the desk's own section stays as the desk set it
    assert Section.objects.get(slug="weather").show_in_menu is False
    assert client.get("/section/weather/").status_code == 200  # reachable all the same
    assert "links #902 Home: in the section menu “Main Menu”" in problems(output)
    desk_section.refresh_from_db()
    assert desk_section.show_in_menu is True


def test_without_menus_the_header_shows_top_level_categories_only(
    client,
    export,  # noqa: F811
):
    _output, failure = run(export=export(post(10, "A story"), terms=TERMS))
    assert failure is None
    menu = nav(client.get("/").content.decode())
    assert ">Sport<" in menu and ">Weather<" in menu and ">City<" in menu
    assert ">Football<" not in menu
    assert client.get("/section/football/").status_code == 200


def test_a_footer_menu_becomes_the_footer_links_and_what_cannot_come_is_listed(
    client,
    export,  # noqa: F811
):
    items = [
        page(30, "About the Bugle", f"{HOST}/about-us/"),
        page(31, "Write to us", f"{HOST}/contact-us/"),
        menu_item(910, "Footer Menu", 1, "post_type", "page", object_id="30"),
        menu_item(
            911, "Footer Menu", 2, "custom", "custom", url=f"{HOST}/contact-us/", title="Contact"
        ),
        menu_item(
            912, "Footer Menu", 3, "custom", "custom", url="https://x.com/bugle", title="On X"
        ),
        menu_item(913, "Footer Menu", 4, "custom", "custom", url="mailto:d@bugle", title="Mail"),
        menu_item(914, "Footer Menu", 5, "post_type", "page", object_id="31", parent=910),
        menu_item(915, "Top Bar", 1, "taxonomy", "category", object_id="7", title=""),
        menu_item(916, "Social", 1, "custom", "custom", url="https://fb.com/b", title="FB"),
        menu_item(917, "Main Extras", 1, "custom", "custom", url="https://a.example/", title="A"),
    ]
    output, failure = run(export=export(*items, terms=TERMS))
    assert failure is None
    html = client.get("/").content.decode()
    links = footer(html)
    assert '<a href="/about-us/">About the Bugle</a>' in links
    assert '<a href="/contact-us/">Contact</a>' in links
    assert '<a href="https://x.com/bugle" rel="noopener">On X</a>' in links
    # The new site's own footer links to pages the old site did not have are gone; the
    # corrections page, which exists, stays.
    assert 'href="/privacy-policy/"' not in links and 'href="/corrections/"' in links
    assert links.index("About the Bugle") < links.index("On X")
    assert '<a href="/section/weather/">Weather</a>' in top_bar(html)
    assert 'href="/about/"' not in top_bar(html)
    listed = problems(output)
    assert "links #913 Mail: its address “mailto:d@bugle” is neither on this site" in listed
    assert "links #914" in listed and "nested in the menu “Footer Menu”" in listed
    assert "links #917 A: in the menu “Main Extras”, not the footer, the top bar" in listed
    assert table(output)["links"]["created"] == 5
    # The social menu is "Follow us": it replaces the stock links to the networks' home pages.
    follow = html.split("Follow us", 1)[1].split("</section>", 1)[0]
    assert '<a href="https://fb.com/b" rel="me noopener">FB</a>' in follow
    assert "https://www.facebook.com/" not in follow

    # The link follows its page; a second run adds nothing; one deleted here stays deleted.
    count = SiteLink.objects.count()
    again, _failure = run(export=export(*items, terms=TERMS))
    assert SiteLink.objects.count() == count
    assert table(again)["links"]["unchanged"] == 5
    SiteLink.objects.get(label="On X").delete()
    third, _failure = run(export=export(*items, terms=TERMS))
    assert not SiteLink.objects.filter(label="On X").exists()
    assert "deleted here since it was imported" in problems(third)


def sticky(wp_id, title, date):
    return post(wp_id, title, date=date, extra="<wp:is_sticky>1</wp:is_sticky>")


def test_sticky_posts_lead_the_home_page_newest_first_once(
    client,
    export,  # noqa: F811
):
    items = [
        sticky(10, "Older sticky story", "2021-03-01 10:00:00"),
        post(11, "Newest plain story", date="2021-03-09 10:00:00"),
        sticky(12, "Newer sticky story", "2021-03-05 10:00:00"),
    ]
    run(export=export(*items))
    assert [story.headline for story in picks()] == ["Newer sticky story", "Older sticky story"]
    html = client.get("/").content.decode()
    assert html.index("Newer sticky story") < html.index("Newest plain story")
    run(export=export(*items))
    assert Slot.objects.count() == 2


def test_a_home_page_the_desk_curated_is_left_as_it_is(
    client,
    export,  # noqa: F811
):
    chosen = make_article(section=make_section(name="Desk", slug="desk"), headline="Desk pick")
    front = Front.objects.create(section=None)
    Slot.objects.create(front=front, article=chosen, position=0)
    output, failure = run(export=export(sticky(10, "Sticky story", "2021-03-01 10:00:00")))
    assert failure is None
    assert [story.headline for story in picks()] == ["Desk pick"]
    assert "#10 Sticky story: sticky in WordPress; the home page is curated here" in (
        problems(output)
    )
