"""What every page tells search engines and social networks: titles, descriptions, canonical
addresses, Open Graph and Twitter cards, feed links and JSON-LD, all safely escaped."""

import json
from html.parser import HTMLParser

import pytest
from django.contrib.flatpages.models import FlatPage
from django.contrib.sites.models import Site
from django.contrib.staticfiles import finders
from django.urls import reverse
from PIL import Image

from articles import views
from articles.models import Article
from articles.seo import social_image
from newsroom.views import server_error

from .conftest import make_article, make_author, make_section, uploaded_jpeg

pytestmark = pytest.mark.django_db

HOSTILE = "Talks </script><script>alert(1)</script> end"


class Head(HTMLParser):
    """The parts of a page a crawler reads: title, meta, link and script elements."""

    def __init__(self, content):
        super().__init__()
        self.title = None
        self.meta = {}
        self.links = []
        self.scripts = []
        self._in = None
        self.feed(content.decode())

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "title" and self.title is None:
            self._in, self.title = "title", ""
        elif tag == "meta" and "content" in attrs:
            key = attrs.get("property") or attrs.get("name")
            self.meta.setdefault(key, []).append(attrs["content"])
        elif tag == "link":
            self.links.append(attrs)
        elif tag == "script":
            self._in = "script"
            self.scripts.append([attrs, ""])

    def handle_endtag(self, tag):
        self._in = None

    def handle_data(self, data):
        if self._in == "title":
            self.title += data
        elif self._in == "script":
            self.scripts[-1][1] += data

    def one(self, key):
        [value] = self.meta[key]
        return value

    def link(self, rel, type_=None):
        return [
            link["href"]
            for link in self.links
            if link.get("rel") == rel and (type_ is None or link.get("type") == type_)
        ]

    def json_ld(self, type_):
        blocks = [json.loads(data) for attrs, data in self.scripts if is_ld_json(attrs)]
        [found] = [block for block in blocks if block["@type"] == type_]
        return found


def is_ld_json(attrs):
    return attrs.get("type") == "application/ld+json"


def head(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return Head(response.content)


@pytest.fixture
def article():
    return make_article(
        headline="US & Libyan officials discuss military cooperation",
        slug="us-libyan-officials",
        dek="Envoys met in Benghazi to talk about a unified army.",
        section=make_section(name="Middle East", slug="middle-east"),
        tags=["Libya", "US"],
        authors=[make_author(name="Amina Haddad", slug="amina-haddad")],
        featured_image=uploaded_jpeg(size=(1200, 630)),
        image_alt="Officials around a table",
    )


@pytest.fixture
def about_page():
    page = FlatPage.objects.create(
        url="/about/", title="About us", content="<p>We report on the region.</p>"
    )
    page.sites.add(Site.objects.get_current())
    return page


@pytest.fixture
def pages(article, about_page):
    """One URL of every public page type."""
    return {
        "home": reverse("articles:home"),
        "section": reverse("articles:section", args=["middle-east"]),
        "tag": reverse("articles:tag", args=["libya"]),
        "author": reverse("articles:author", args=["amina-haddad"]),
        "article": article.get_absolute_url(),
        "flat page": "/about/",
        "search": reverse("articles:search") + "?q=Libyan",
    }


PAGE_TYPES = ["home", "section", "tag", "author", "article", "flat page", "search"]


@pytest.mark.parametrize("page_type", PAGE_TYPES)
def test_every_page_type_has_title_description_canonical_and_social_cards(client, pages, page_type):
    page = head(client, pages[page_type])
    assert page.title.strip()
    assert page.one("description").strip()
    [canonical] = page.link("canonical")
    assert canonical.startswith("http://testserver/")
    assert page.one("og:url") == canonical
    for key in ["og:title", "og:description", "og:site_name", "og:type", "og:image"]:
        assert page.one(key).strip(), key
    assert page.one("og:image").startswith("http://testserver/")
    assert page.one("twitter:card") in {"summary", "summary_large_image"}


@pytest.mark.parametrize("page_type", PAGE_TYPES)
def test_every_page_links_the_site_feed(client, pages, page_type):
    page = head(client, pages[page_type])
    assert reverse("articles:feed") in page.link("alternate", "application/rss+xml")
    assert reverse("articles:atom_feed") in page.link("alternate", "application/atom+xml")


@pytest.mark.parametrize(
    ("page_type", "feed"),
    [
        ("section", ("articles:section_feed", "middle-east")),
        ("tag", ("articles:tag_feed", "libya")),
        ("author", ("articles:author_feed", "amina-haddad")),
        ("article", ("articles:section_feed", "middle-east")),
    ],
)
def test_list_pages_link_their_own_feed(client, pages, page_type, feed):
    page = head(client, pages[page_type])
    name, slug = feed
    assert reverse(name, args=[slug]) in page.link("alternate", "application/rss+xml")


def test_html_element_declares_language_and_direction(client, pages):
    content = client.get(pages["home"]).content.decode()
    assert '<html lang="en-us" dir="ltr">' in content


def test_arabic_site_is_written_right_to_left(client, pages, settings):
    settings.LANGUAGE_CODE = "ar"
    content = client.get(pages["article"]).content.decode()
    assert '<html lang="ar" dir="rtl">' in content


def test_article_page_describes_itself_from_the_dek(client, article):
    page = head(client, article.get_absolute_url())
    assert page.title == f"{article.headline} – The World Monitor"
    assert page.one("description") == article.dek
    assert page.one("og:title") == article.headline
    assert page.one("og:description") == article.dek
    assert page.link("canonical") == ["http://testserver" + article.get_absolute_url()]


def test_article_without_a_dek_is_described_by_its_opening(client):
    article = make_article(dek="", body="<p>The <b>first</b> words &amp; more.</p><p>Next.</p>")
    page = head(client, article.get_absolute_url())
    assert page.one("description") == "The first words & more. Next."


def test_article_social_card_is_a_large_image_with_its_size(client, article):
    page = head(client, article.get_absolute_url())
    assert page.one("og:type") == "article"
    assert page.one("og:image") == "http://testserver" + social_image(article).url
    assert (page.one("og:image:width"), page.one("og:image:height")) == ("1200", "630")
    assert page.one("og:image:alt") == "Officials around a table"
    assert page.one("twitter:card") == "summary_large_image"


def test_article_open_graph_names_times_section_and_tags(client, article):
    page = head(client, article.get_absolute_url())
    assert page.one("article:published_time") == (
        article.publish_at.replace(microsecond=0).isoformat()
    )
    assert page.one("article:modified_time") >= page.one("article:published_time")
    assert page.one("article:section") == "Middle East"
    assert page.meta["article:tag"] == ["Libya", "US"]


def test_pages_without_a_picture_share_the_site_logo(client, pages):
    page = head(client, pages["section"])
    assert page.one("og:type") == "website"
    assert page.one("og:image") == "http://testserver/static/img/logo.png"
    assert page.one("twitter:card") == "summary"


def test_site_logo_is_a_real_png_of_the_declared_size(client, pages):
    page = head(client, pages["home"])
    with Image.open(finders.find("img/logo.png")) as logo:
        assert logo.format == "PNG"
        assert logo.size == (int(page.one("og:image:width")), int(page.one("og:image:height")))


def test_canonical_ignores_tracking_parameters(client, article):
    page = head(client, article.get_absolute_url() + "?utm_source=x&fbclid=y")
    assert page.link("canonical") == ["http://testserver" + article.get_absolute_url()]


def test_canonical_follows_https(client, article):
    response = client.get(article.get_absolute_url(), secure=True)
    assert Head(response.content).link("canonical") == [
        "https://testserver" + article.get_absolute_url()
    ]


def test_search_results_are_not_indexed(client, pages):
    assert head(client, pages["search"]).one("robots") == "noindex, follow"


def test_preview_of_a_draft_is_not_indexed(client, editor):
    draft = make_article(status=Article.Status.DRAFT)
    client.force_login(editor)
    page = head(client, reverse("articles:preview", args=[draft.pk]))
    assert page.one("robots") == "noindex, follow"


# Pagination and distinct titles


@pytest.fixture
def paginated(monkeypatch, article):
    """Three pages of articles in the Middle East section and under the Libya tag."""
    monkeypatch.setattr(views.ArticleListMixin, "paginate_by", 2)
    for _ in range(4):
        make_article(section=article.section, tags=["Libya"], authors=article.authors.all())


def test_later_pages_have_their_own_title_and_canonical(client, paginated):
    url = reverse("articles:section", args=["middle-east"])
    page_two = head(client, url + "?page=2")
    assert page_two.title == "Middle East – page 2 – The World Monitor"
    assert page_two.link("canonical") == [f"http://testserver{url}?page=2"]
    assert page_two.one("og:url") == f"http://testserver{url}?page=2"


def test_page_one_is_canonical_without_a_page_number(client, paginated):
    url = reverse("articles:section", args=["middle-east"])
    for query in ["", "?page=1"]:
        page = head(client, url + query)
        assert page.title == "Middle East – The World Monitor"
        assert page.link("canonical") == [f"http://testserver{url}"]


@pytest.mark.parametrize("number", ["+2", "02", " 2", "2 ", "\u0662", "2.0", "last", "0", "9" * 30])
def test_a_page_number_written_another_way_is_not_a_second_address(client, paginated, number):
    """int() reads all of these as a page; each would be a duplicate of a real page."""
    for name, slug in [("section", "middle-east"), ("tag", "libya"), ("author", "amina-haddad")]:
        url = reverse(f"articles:{name}", args=[slug])
        assert client.get(url, {"page": "2"}).status_code == 200
        assert client.get(url, {"page": number}).status_code == 404, (url, number)
    search = reverse("articles:search")
    assert client.get(search, {"q": "Headline", "page": number}).status_code == 404


def test_search_pages_keep_the_query_in_their_canonical(client, paginated):
    url = reverse("articles:search")
    page = head(client, url + "?q=Headline&page=2")
    assert page.link("canonical") == [f"http://testserver{url}?q=Headline&page=2"]
    assert page.title == "Search results for “Headline” – page 2 – The World Monitor"


def test_no_two_pages_share_a_title(client, pages, paginated):
    urls = list(pages.values())
    for name, slug in [("section", "middle-east"), ("tag", "libya"), ("author", "amina-haddad")]:
        base = reverse(f"articles:{name}", args=[slug])
        urls += [base + "?page=2", base + "?page=3"]
    urls += [
        article.get_absolute_url()
        for article in Article.objects.exclude(slug="us-libyan-officials")
    ]
    titles = [head(client, url).title for url in urls]
    assert len(set(titles)) == len(titles), sorted(titles)


def test_a_section_and_a_tag_of_the_same_name_have_different_titles(client):
    make_article(section=make_section(name="Libya", slug="libya"), tags=["Libya"])
    section = head(client, reverse("articles:section", args=["libya"]))
    tag = head(client, reverse("articles:tag", args=["libya"]))
    assert section.title != tag.title


# JSON-LD


def test_article_json_ld_matches_the_article(client, article):
    data = head(client, article.get_absolute_url()).json_ld("NewsArticle")
    url = "http://testserver" + article.get_absolute_url()
    assert data["@context"] == "https://schema.org"
    assert data["headline"] == article.headline
    assert data["mainEntityOfPage"] == {"@type": "WebPage", "@id": url}
    assert data["image"] == ["http://testserver" + social_image(article).url]
    assert data["datePublished"] == article.publish_at.replace(microsecond=0).isoformat()
    assert data["dateModified"] >= data["datePublished"]
    assert data["author"] == [
        {"@type": "Person", "name": "Amina Haddad", "url": "http://testserver/author/amina-haddad/"}
    ]
    assert data["articleSection"] == "Middle East"
    assert data["keywords"] == ["Libya", "US"]


def test_article_json_ld_names_the_publisher_with_its_logo(client, article):
    publisher = head(client, article.get_absolute_url()).json_ld("NewsArticle")["publisher"]
    assert publisher["@type"] == "Organization"
    assert publisher["name"] == "The World Monitor"
    assert publisher["logo"]["url"] == "http://testserver/static/img/logo.png"


def test_article_breadcrumb_runs_home_section_article(client, article):
    data = head(client, article.get_absolute_url()).json_ld("BreadcrumbList")
    assert [(item["position"], item["name"], item["item"]) for item in data["itemListElement"]] == [
        (1, "Home", "http://testserver/"),
        (2, "Middle East", "http://testserver/section/middle-east/"),
        (3, article.headline, "http://testserver" + article.get_absolute_url()),
    ]


@pytest.mark.parametrize("page_type", ["section", "tag", "author", "flat page"])
def test_list_and_flat_pages_have_a_breadcrumb(client, pages, page_type):
    data = head(client, pages[page_type]).json_ld("BreadcrumbList")
    items = data["itemListElement"]
    assert items[0]["item"] == "http://testserver/"
    assert items[-1]["item"] == "http://testserver" + pages[page_type]


def test_home_page_offers_a_site_search_action(client, pages):
    data = head(client, pages["home"]).json_ld("WebSite")
    action = data["potentialAction"]
    assert action["@type"] == "SearchAction"
    template = action["target"]["urlTemplate"]
    assert template == "http://testserver/search/?q={search_term_string}"
    assert action["query-input"] == "required name=search_term_string"
    search = template.removeprefix("http://testserver").replace("{search_term_string}", "Libya")
    assert client.get(search).status_code == 200


# Hostile headlines


@pytest.fixture
def hostile(article):
    article.headline = article.dek = article.lead_image.alt = HOSTILE
    article.lead_image.save()
    article.save()
    article.tags.add(HOSTILE)
    return article


def assert_inert(content):
    """No script runs: every <script> is a same-site file or a JSON-LD block that parses."""
    page = Head(content)
    for attrs, data in page.scripts:
        if is_ld_json(attrs):
            json.loads(data)
            assert "</script" not in data.lower()
        else:
            assert attrs.get("src", "").startswith("/static/"), attrs
            assert not data.strip()
    assert b"<script>alert(1)" not in content


@pytest.mark.parametrize("page_type", ["home", "section", "tag", "author", "article", "search"])
def test_hostile_headline_stays_inert_on_every_page(client, pages, hostile, page_type):
    url = reverse("articles:search") + "?q=Talks" if page_type == "search" else pages[page_type]
    response = client.get(url)
    assert response.status_code == 200
    assert_inert(response.content)


def test_hostile_headline_is_plain_text_in_title_meta_and_json_ld(client, hostile):
    page = head(client, hostile.get_absolute_url())
    assert page.title == f"{HOSTILE} – The World Monitor"
    assert page.one("og:title") == HOSTILE
    assert page.one("og:description") == HOSTILE
    assert page.one("og:image:alt") == HOSTILE
    assert HOSTILE in page.meta["article:tag"]
    assert page.json_ld("NewsArticle")["headline"] == HOSTILE


def test_server_error_page_renders_without_the_database(rf, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert b"<title>Something went wrong" in response.content


def test_not_found_page_keeps_its_own_title_and_declares_no_canonical(client):
    page = Head(client.get("/no/such/page/").content)
    assert page.title.startswith("Page not found")
    assert page.link("canonical") == []
