"""The byline reads in the order the desk sets: on the form, the story, the feeds, the
article list, in history and in copies."""

import re

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client
from django.urls import reverse

from articles import bylines
from articles.models import Article, Byline

from .conftest import make_article, make_author
from .test_admin import change_url
from .test_desk_conflicts import form_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def writers():
    # Named so that the alphabet (the old order) and the desk's order differ.
    names = ("Zainab Zahra", "Amal Aziz", "Mo Li")
    return tuple(make_author(name=name) for name in names)


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def save_byline(client, article, authors):
    page = client.get(change_url(article))
    assert page.status_code == 200
    version = page.context["adminform"].form["desk_version"].value()
    data = form_for(article, desk_version=version, authors=[a.pk for a in authors])
    response = client.post(change_url(article), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    return response


def names_on_page(client, article):
    article.refresh_from_db()  # (its address carries its date, set by the save)
    page = client.get(article.get_absolute_url())
    assert page.status_code == 200
    byline = re.search(r'<span class="byline">(.*?)</span>', page.content.decode(), re.S)
    return re.findall(r">([^<]+)</a>", byline.group(1))


def test_the_editor_sets_the_order_and_readers_see_it(editor, writers):
    zainab, amal, mo = writers
    article = make_article(headline="Port reopens")
    client = logged_in(editor)
    save_byline(client, article, [mo, zainab, amal])
    assert names_on_page(Client(), article) == ["Mo Li", "Zainab Zahra", "Amal Aziz"]
    assert list(Byline.objects.filter(article=article).values_list("author__name", "position")) == [
        ("Mo Li", 0),
        ("Zainab Zahra", 1),
        ("Amal Aziz", 2),
    ]
    # Moved: the cached story shows the new order at once.
    save_byline(client, article, [amal, mo])
    assert names_on_page(Client(), article) == ["Amal Aziz", "Mo Li"]


def test_the_form_lists_the_byline_in_its_order(editor, writers):
    zainab, amal, mo = writers
    article = make_article()
    bylines.arrange(article, [zainab, mo, amal])
    page = logged_in(editor).get(change_url(article))
    select = re.search(r'<select name="authors".*?</select>', page.content.decode(), re.S).group(0)
    assert re.findall(r"<option[^>]*selected>([^<]+)</option>", select) == [
        "Zainab Zahra",
        "Mo Li",
        "Amal Aziz",
    ]
    assert "admin_bylines.js" in page.content.decode()


def test_the_feed_and_the_article_list_keep_the_order(editor, writers):
    _zainab, amal, mo = writers
    article = make_article(headline="Port reopens")
    bylines.arrange(article, [mo, amal])
    feed = Client().get(reverse("articles:feed")).content.decode()
    assert '/1.1/">Mo Li, Amal Aziz</dc:creator>' in feed
    listing = logged_in(editor).get(reverse("admin:articles_article_changelist"))
    assert "Mo Li, Amal Aziz" in listing.content.decode()


def test_a_byline_read_on_its_own_is_one_query(writers, django_assert_num_queries):
    zainab, amal, mo = writers
    article = make_article(headline="Port reopens")
    bylines.arrange(article, [mo, zainab, amal])
    article = Article.objects.get(pk=article.pk)
    with django_assert_num_queries(1):
        assert [a.name for a in bylines.ordered(article)] == ["Mo Li", "Zainab Zahra", "Amal Aziz"]


def test_reordering_only_is_a_change_with_its_own_revision(editor, writers):
    zainab, amal, _mo = writers
    article = make_article()
    bylines.arrange(article, [zainab, amal])
    before = article.history.count()
    assert bylines.arrange(article, [amal, zainab]) is True
    assert article.history.count() == before + 1
    kept = article.history.first().authors.order_by("position")
    assert [row.author_id for row in kept] == [amal.pk, zainab.pk]
    assert bylines.arrange(article, [amal, zainab]) is False  # nothing to write
    assert article.history.count() == before + 1


def test_restoring_a_revision_brings_back_its_byline_order(editor, writers):
    zainab, amal, mo = writers
    article = make_article()
    client = logged_in(editor)
    save_byline(client, article, [mo, zainab])
    first = article.history.first()
    save_byline(client, article, [zainab, amal, mo])
    response = client.post(
        reverse("admin:articles_article_desk_restore", args=[article.pk, first.history_id])
    )
    assert response.status_code == 302
    assert bylines.ordered(article) == [mo, zainab]


def test_a_duplicate_keeps_the_byline_order(editor, writers):
    zainab, amal, mo = writers
    source = make_article()
    bylines.arrange(source, [mo, zainab, amal])
    client = logged_in(editor)
    client.post(reverse("admin:articles_article_desk_duplicate", args=[source.pk]))
    copy = Article.objects.exclude(pk=source.pk).get()
    assert bylines.ordered(copy) == [mo, zainab, amal]
    created = copy.history.get()  # created with its byline: one revision
    assert list(created.authors.order_by("position").values_list("author_id", flat=True)) == [
        mo.pk,
        zainab.pk,
        amal.pk,
    ]


def test_a_name_given_twice_or_unknown_is_handled(editor, writers):
    zainab, amal, _mo = writers
    article = make_article()
    client = logged_in(editor)
    page = client.get(change_url(article))
    version = page.context["adminform"].form["desk_version"].value()
    twice = form_for(article, desk_version=version, authors=[amal.pk, zainab.pk, amal.pk])
    assert client.post(change_url(article), twice).status_code == 302
    assert bylines.ordered(article) == [amal, zainab]
    page = client.get(change_url(article))
    version = page.context["adminform"].form["desk_version"].value()
    unknown = form_for(article, desk_version=version, authors=[zainab.pk, 999999])
    response = client.post(change_url(article), unknown)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert bylines.ordered(article) == [amal, zainab]  # nothing half-saved


def test_existing_bylines_are_numbered_by_name_as_they_read_before(writers):
    zainab, amal, mo = writers
    article = make_article()
    Byline.objects.bulk_create(
        [Byline(article=article, author=author) for author in (zainab, mo, amal)]
    )
    migration = __import__("articles.migrations.0020_bylines", fromlist=["number_by_name"])

    class Editor:
        pass

    editor = Editor()
    editor.connection = connection
    migration.number_by_name(apps, editor)
    assert bylines.ordered(article) == [amal, mo, zainab]
