"""Ready for other languages: every word a reader or a journalist sees goes through gettext,
and a right-to-left language turns the page around.

The main check renders every public page of a small demo in Arabic with a pseudo-translated
catalogue: `makemessages -l ar` collects the project's strings (as a translator would get
them), every msgstr becomes the English text between ⟦ and ⟧, and the demo's own data is
written in Arabic. Whatever Latin text is left on a page once the marked parts are removed
is English that never went through the catalogue.
"""

import importlib
import json
import os
import re
import shutil
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.apps import apps as django_apps
from django.conf import settings
from django.contrib.flatpages.models import FlatPage
from django.contrib.sites.models import Site
from django.core.management import call_command
from django.template import engines
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone, translation
from taggit.models import Tag

from articles.models import Article, SiteLink
from articles.templatetags.article_tags import ago
from comments.models import Comment

from .conftest import make_article, make_author, make_section

BASE_DIR = Path(settings.BASE_DIR)
SOURCES = ["articles", "comments", "newsroom", "templates"]
OPEN, CLOSE = "⟦", "⟧"
MARKED = re.compile(f"{OPEN}[^{OPEN}{CLOSE}]*{CLOSE}")
ENGLISH = re.compile(r"[A-Za-z]+")
# What readers read besides text: labels, hints and the document's title and summary.
VISIBLE_ATTRIBUTES = {"aria-label", "title", "alt", "placeholder", "data-live-search-label"}
DESCRIPTIVE_META = {"description", "og:title", "og:description", "twitter:title"}

SITE = {
    "NEWSROOM_SITE_NAME": "مرصد العالم",
    "NEWSROOM_TAGLINE": "أخبار من كل مكان",
}


def pseudo(text):
    return f"{OPEN}{text}{CLOSE}" if text else text


@pytest.fixture(scope="module")
def pseudo_locale(tmp_path_factory):
    """A LOCALE_PATHS folder whose Arabic catalogue marks every string of the project.

    makemessages runs on a copy of the sources, so the checkout's own locale/ is never
    touched."""
    root = tmp_path_factory.mktemp("i18n")
    for name in SOURCES:
        shutil.copytree(BASE_DIR / name, root / name, ignore=shutil.ignore_patterns("__pycache__"))
    locale = root / "locale"
    cwd = Path.cwd()
    try:
        os.chdir(root)
        with override_settings(LOCALE_PATHS=[locale]):
            call_command("makemessages", locale=["ar"], verbosity=0)
    finally:
        os.chdir(cwd)
    po = polib.pofile(str(locale / "ar" / "LC_MESSAGES" / "django.po"))
    forms = int(re.search(r"nplurals=(\d+)", po.metadata["Plural-Forms"]).group(1))
    for entry in po:
        if entry.msgid_plural:
            # Arabic's six forms: 1 is the singular, the others read the plural.
            entry.msgstr_plural = {
                index: pseudo(entry.msgid if index == 1 else entry.msgid_plural)
                for index in range(forms)
            }
        else:
            entry.msgstr = pseudo(entry.msgid)
        entry.flags = [flag for flag in entry.flags if flag != "fuzzy"]
    po.metadata_is_fuzzy = False
    po.save_as_mofile(str(locale / "ar" / "LC_MESSAGES" / "django.mo"))
    return locale, po


@pytest.fixture
def arabic(pseudo_locale):
    locale, _catalogue = pseudo_locale
    with (
        override_settings(LANGUAGE_CODE="ar", LOCALE_PATHS=[locale], **SITE),
        translation.override("ar"),
    ):
        yield


@pytest.fixture
def demo(db):
    """A small site written in Arabic: anything English on its pages is the interface's."""
    middle_east = make_section(name="الشرق الأوسط", slug="middle-east", description="أخبار المنطقة")
    make_section(name="رياضة", slug="sport")
    sara = make_author(name="سارة خليل", slug="sara", bio="مراسلة في بيروت")
    omar = make_author(name="عمر حداد", slug="omar")
    layla = make_author(name="ليلى ناصر", slug="layla")
    politics = Tag.objects.create(name="سياسة", slug="politics")
    now = timezone.now()
    article = make_article(
        headline="اتفاق جديد في المنطقة",
        slug="new-agreement",
        dek="ملخص الخبر",
        body="<p>نص المقال الأول.</p><blockquote><p>اقتباس</p></blockquote>",
        section=middle_east,
        authors=[sara, omar, layla],
        tags=[politics],
        publish_at=now - timedelta(days=2),
    )
    Article.objects.filter(pk=article.pk).update(updated_at=now - timedelta(hours=1))
    for number in range(settings.NEWSROOM_PAGE_SIZE + 1):
        make_article(
            headline=f"خبر رقم {number}",
            slug=f"story-{number}",
            body="<p>نص الخبر.</p>",
            section=middle_east,
            authors=[sara],
            tags=[politics],
            publish_at=now - timedelta(minutes=5 + number * 90),
        )
    first = Comment.objects.create(
        article=article,
        name="أمينة",
        email="amina@example.com",
        body="تعليق مفيد.",
        status=Comment.Status.APPROVED,
    )
    Comment.objects.create(
        article=article,
        parent=first,
        name="مروان",
        email="marwan@example.com",
        body="رد على التعليق.",
        status=Comment.Status.APPROVED,
    )
    page = FlatPage.objects.create(url="/about/", title="من نحن", content="<p>عن الموقع.</p>")
    page.sites.add(Site.objects.get_current())
    # The top bar's and footer's links are the site's data: an Arabic site's are in Arabic
    # (its migrate makes them so, test_default_links_are_made_in_the_sites_language).
    SiteLink.objects.all().delete()
    SiteLink.objects.create(place="top", page=page)
    SiteLink.objects.create(place="footer", page=page)
    SiteLink.objects.create(place="footer", address="/corrections/", label="تصحيحات")
    SiteLink.objects.create(place="follow", address="https://www.facebook.com/", label="فيسبوك")
    draft = make_article(
        headline="مسودة",
        slug="draft",
        body="<p>نص المسودة.</p>",
        section=middle_east,
        status=Article.Status.REVIEW,
        publish_at=now + timedelta(days=1),
    )
    return {"article": Article.objects.get(pk=article.pk), "draft": draft}


def public_pages(demo):
    article = demo["article"]
    return {
        "home": reverse("articles:home"),
        "section": reverse("articles:section", args=["middle-east"]),
        "section, page 2": reverse("articles:section", args=["middle-east"]) + "?page=2",
        "tag": reverse("articles:tag", args=["politics"]),
        "author": reverse("articles:author", args=["sara"]),
        "article with comments": article.get_absolute_url(),
        "search with results": reverse("articles:search") + "?q=اتفاق",
        "search without results": reverse("articles:search") + "?q=كلمةمفقودة",
        "search form": reverse("articles:search"),
        "search with a wrong filter": reverse("articles:search") + "?q=اتفاق&from=أمس",
        "live search": reverse("articles:search_live") + "?q=اتفاق",
        "live search without results": reverse("articles:search_live") + "?q=كلمةمفقودة",
        "404": "/no-such-page/",
        "flat page": "/about/",
    }


class VisibleText(HTMLParser):
    """The text a reader gets from a page: text nodes, labels and hints, the title and
    summary, and the names in the structured data search engines show."""

    def __init__(self):
        super().__init__()
        self.text = []  # in document order: a translation may hold markup
        self.parts = []  # each on its own
        self.skipping = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "style"):
            self.skipping = "ld+json" if attrs.get("type") == "application/ld+json" else tag
            self.json = []
        for name in VISIBLE_ATTRIBUTES & attrs.keys():
            self.parts.append(attrs[name] or "")
        if tag == "meta" and (attrs.get("name") or attrs.get("property")) in DESCRIPTIVE_META:
            self.parts.append(attrs.get("content") or "")
        if tag == "li" and "data-status" in attrs:
            self.parts.append(attrs["data-status"])

    def handle_endtag(self, tag):
        if self.skipping == "ld+json" and tag == "script":
            self.parts.extend(names(json.loads("".join(self.json))))
        if tag in ("script", "style"):
            self.skipping = None

    def handle_data(self, data):
        if self.skipping == "ld+json":
            self.json.append(data)
        elif self.skipping is None:
            self.text.append(data)


def names(data):
    """The human-readable values of JSON-LD: names and descriptions, at any depth."""
    if isinstance(data, dict):
        for key, value in data.items():
            if key in ("name", "description", "headline") and isinstance(value, str):
                yield value
            else:
                yield from names(value)
    elif isinstance(data, list):
        for item in data:
            yield from names(item)


def unmarked_english(html):
    """Latin words left once every pseudo-translated part is taken out, with what is
    around them."""
    parser = VisibleText()
    parser.feed(html)
    parser.close()
    found = []
    for part in ["".join(parser.text), *parser.parts]:
        text = part
        while MARKED.search(text):
            text = MARKED.sub(" ", text)
        text = " ".join(text.split())
        for match in ENGLISH.finditer(text):
            found.append((match.group(), text[max(0, match.start() - 40) : match.end() + 40]))
    return found


def test_pseudo_catalogue_marks_a_known_string(arabic):
    assert translation.gettext("Popular News") == "⟦Popular News⟧"
    assert translation.ngettext("%(count)d hour ago", "%(count)d hours ago", 3) == (
        "⟦%(count)d hours ago⟧"
    )


def test_every_public_page_is_right_to_left_in_arabic(client, demo, arabic):
    for name, url in public_pages(demo).items():
        if name.startswith("live search"):
            continue  # a fragment for the header box, not a page
        html = client.get(url).content.decode()
        assert '<html lang="ar" dir="rtl">' in html, name


def test_no_english_is_left_on_the_public_pages_in_arabic(client, demo, arabic):
    left = {}
    for name, url in public_pages(demo).items():
        response = client.get(url)
        assert response.status_code in (200, 400, 404), (name, response.status_code)
        html = response.content.decode()
        if name in ("search with results", "live search"):
            assert "اتفاق جديد في المنطقة" in html, name  # the pages show what they should
        if name.startswith("section"):
            assert '<nav class="pagination"' in html, name
        found = unmarked_english(html)
        if found:
            left[name] = found
    assert left == {}


def test_no_english_is_left_on_the_editors_preview_in_arabic(client, demo, arabic, editor):
    client.force_login(editor)
    response = client.get(reverse("articles:preview", args=[demo["draft"].pk]))
    assert response.status_code == 200
    assert "Readers cannot see this page yet" in response.content.decode()
    assert unmarked_english(response.content.decode()) == []


def test_no_english_is_left_on_the_error_page_in_arabic(rf, arabic):
    from newsroom.views import server_error

    html = server_error(rf.get("/")).content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    assert unmarked_english(html) == []


def test_the_scan_finds_a_string_that_skipped_the_catalogue(arabic):
    page = engines["django"].from_string(
        '{% load i18n %}<p title="{% translate "Menu" %}">{% translate "Home" %} Latest</p>'
    )
    assert [word for word, _context in unmarked_english(page.render())] == ["Latest"]


# A second, static check: the templates themselves. Text outside {% translate %} and
# {% blocktranslate %}, in text or in the attributes readers get, is a string no
# catalogue can reach, even on a page the demo does not show.
TEMPLATE_TAG = re.compile(r"{%.*?%}|{{.*?}}|{#.*?#}", re.DOTALL)
SKIPPED_BLOCKS = re.compile(
    r"{%\s*(comment)\s*%}.*?{%\s*endcomment\s*%}"
    r"|{%\s*(blocktranslate|blocktrans)\b.*?%}.*?{%\s*end(blocktranslate|blocktrans)\s*%}",
    re.DOTALL,
)


def untranslated_in_template(source):
    markup = TEMPLATE_TAG.sub("", SKIPPED_BLOCKS.sub("", source))
    parser = VisibleText()
    parser.feed(markup)
    parser.close()
    return [word for part in parser.text + parser.parts for word in ENGLISH.findall(part)]


def html_templates():
    return sorted(
        path
        for path in (BASE_DIR / "templates").rglob("*.html")
        if path.relative_to(BASE_DIR / "templates").parts[0] != "admin"
    )


@pytest.mark.parametrize(
    "path", html_templates(), ids=lambda path: str(path.relative_to(BASE_DIR / "templates"))
)
def test_template_has_no_text_outside_translate_tags(path):
    assert untranslated_in_template(path.read_text()) == []


def test_the_template_check_finds_untranslated_text():
    source = (
        '{% load i18n %}<nav aria-label="Sections"><a href="{% url "x" %}">{% translate "Home"'
        " %}</a> {% blocktranslate %}By {{ name }}{% endblocktranslate %} More</nav>"
    )
    assert sorted(untranslated_in_template(source)) == ["More", "Sections"]


@pytest.mark.parametrize(
    ("delta", "expected"),
    [
        (timedelta(seconds=20), "just now"),
        (timedelta(minutes=1), "1 minute ago"),
        (timedelta(minutes=5), "5 minutes ago"),
        (timedelta(hours=1, minutes=59), "1 hour ago"),
        (timedelta(days=3), "3 days ago"),
        (timedelta(days=15), "2 weeks ago"),
        (timedelta(days=65), "2 months ago"),
        (timedelta(days=800), "2 years ago"),
    ],
)
def test_relative_dates_read_as_one_phrase(delta, expected):
    now = timezone.now()
    with translation.override("en"):
        assert ago(now - delta, now) == expected


def test_a_kept_fragment_is_never_shown_in_another_language(client, demo, pseudo_locale):
    """Fragments (header, footer, Popular News...) are kept apart from pages and shared by
    them: the language is part of their key, so a site switched to Arabic shows none kept
    in English."""
    assert "Popular News" in client.get(reverse("articles:home")).content.decode()
    locale, _catalogue = pseudo_locale
    with override_settings(LANGUAGE_CODE="ar", LOCALE_PATHS=[locale], **SITE):
        html = client.get(reverse("articles:section", args=["middle-east"])).content.decode()
    assert "⟦Popular News⟧" in html
    assert "⟦Home⟧" in html


@pytest.mark.browser
def test_arabic_pages_mirror_at_both_widths(chromium, demo_site, page_errors, pseudo_locale):
    """Right to left: the logo at the right, the phone menu sliding in from the right, and
    nothing pushed past the page's edge (no sideways scrolling at either width)."""
    from .browser import DESKTOP, PHONE, axe_violations, open_page

    article = Article.objects.published().order_by("-publish_at").first()
    locale, _catalogue = pseudo_locale
    with override_settings(LANGUAGE_CODE="ar", LOCALE_PATHS=[locale]):
        for viewport in (DESKTOP, PHONE):
            page = open_page(chromium, viewport, page_errors, bypass_csp=True)
            for path in ("/", article.get_absolute_url()):
                page.goto(demo_site.url + path)
                width = viewport["width"]
                assert page.evaluate("document.documentElement.scrollWidth") <= width, path
                logo = page.locator(".masthead__inner > .logo").bounding_box()
                assert logo["x"] + logo["width"] / 2 > width / 2, path
                assert axe_violations(page) == [], path
            if viewport is PHONE:
                page.click(".menu-button")
                page.wait_for_timeout(300)  # the slide-in transition
                menu = page.locator("#site-menu").bounding_box()
                assert menu["x"] + menu["width"] == pytest.approx(width, abs=1)
                assert menu["x"] > 0
            page.context.close()
    assert page_errors == []


def test_default_links_are_made_in_the_sites_language(db, pseudo_locale):
    """The links the migration adds are labelled in the language the site runs in."""
    locale, _catalogue = pseudo_locale
    migration = importlib.import_module("articles.migrations.0029_site_links")
    SiteLink.objects.all().delete()
    with override_settings(LANGUAGE_CODE="ar", LOCALE_PATHS=[locale]):
        migration.add_default_links(django_apps, None)
    links = SiteLink.objects.exclude(place="follow")
    assert [(link.place, link.url, link.text) for link in links] == [
        ("footer", "/about/", "⟦About us⟧"),
        ("footer", "/contact/", "⟦Contact us⟧"),
        ("footer", "/privacy-policy/", "⟦Privacy Policy⟧"),
        ("footer", "/corrections/", "⟦Corrections⟧"),
        ("top", "/about/", "⟦About us⟧"),
        ("top", "/contact/", "⟦Contact us⟧"),
    ]
    # "Follow us" takes the SOCIAL_LINKS setting's labels as they are written.
    assert SiteLink.objects.filter(place="follow").first().text == "Facebook"
