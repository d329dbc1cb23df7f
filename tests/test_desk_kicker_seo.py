"""A kicker over the headline, and search and social headlines and descriptions that
override the defaults when an editor writes them."""

import pytest
from django.test import Client
from django.utils import timezone

from .conftest import make_article
from .test_admin import change_url
from .test_desk_conflicts import form_for

pytestmark = pytest.mark.django_db


def test_the_kicker_shows_over_the_headline():
    article = make_article(headline="Port reopens", kicker="Analysis")
    page = Client().get(article.get_absolute_url()).content.decode()
    assert '<p class="article__kicker">Analysis</p>' in page
    assert page.index("article__kicker") < page.index("Port reopens</h1>")


def test_without_overrides_the_headline_and_summary_are_used():
    article = make_article(headline="Port reopens", dek="Ships return.")
    page = Client().get(article.get_absolute_url()).content.decode()
    assert "<title>Port reopens – " in page
    assert '<meta property="og:title" content="Port reopens">' in page
    assert '<meta name="twitter:description" content="Ships return.">' in page


def test_search_and_social_overrides_reach_the_page_head():
    article = make_article(
        headline="Port reopens",
        dek="Ships return.",
        seo_title="Benghazi port reopens after storm",
        seo_description="The port of Benghazi reopened on Monday.",
        social_title="The port is back",
        social_description="Dockers cheered as ships returned.",
    )
    page = Client().get(article.get_absolute_url()).content.decode()
    assert "<title>Benghazi port reopens after storm – " in page
    assert '<meta name="description" content="The port of Benghazi reopened on Monday.">' in page
    assert '<meta property="og:title" content="The port is back">' in page
    assert '<meta property="og:description" content="Dockers cheered as ships returned.">' in page
    assert '<meta name="twitter:title" content="The port is back">' in page
    assert '<h1 class="article__title">Port reopens</h1>' in page


def test_editing_the_kicker_renews_the_cached_page(client, editor):
    article = make_article(headline="Port reopens")
    reader = Client()
    assert "article__kicker" not in reader.get(article.get_absolute_url()).content.decode()
    client.force_login(editor)
    version = client.get(change_url(article)).context["adminform"].form["desk_version"].value()
    publish = timezone.localtime(article.publish_at)
    response = client.post(
        change_url(article),
        form_for(
            article,
            status="published",
            kicker="Exclusive",
            publish_at_0=publish.strftime("%Y-%m-%d"),
            publish_at_1=publish.strftime("%H:%M:%S"),
            desk_version=version,
        ),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert ">Exclusive</p>" in reader.get(article.get_absolute_url()).content.decode()


@pytest.mark.parametrize(
    "field,limit", [("kicker", 60), ("seo_title", 70), ("seo_description", 160)]
)
def test_overlong_overrides_are_refused(client, editor, field, limit):
    article = make_article(headline="Port reopens")
    client.force_login(editor)
    response = client.post(change_url(article), form_for(article, **{field: "x" * (limit + 1)}))
    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
