"""The one publishing rule, scheduling, slugs and clean stored HTML."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.redirects.models import Redirect
from django.core.exceptions import ValidationError
from django.db.models import F, Value
from django.db.models.functions import Concat
from django.utils import timezone

from articles.models import Article
from articles.models import Image as LibraryImage

from .conftest import make_article, uploaded_jpeg

pytestmark = pytest.mark.django_db


def test_published_gate_hides_drafts_reviews_and_future_articles():
    live = make_article()
    make_article(status=Article.Status.DRAFT)
    make_article(status=Article.Status.REVIEW)
    make_article(publish_at=timezone.now() + timedelta(hours=1))
    assert list(Article.objects.published()) == [live]


def test_scheduled_article_goes_live_by_itself_when_its_time_comes(client):
    publish_at = timezone.now() + timedelta(hours=2)
    article = make_article(publish_at=publish_at)
    assert client.get(article.get_absolute_url()).status_code == 404
    with time_machine.travel(publish_at + timedelta(seconds=1)):
        assert article in Article.objects.published()
        assert client.get(article.get_absolute_url()).status_code == 200


def test_publishing_without_a_time_means_now():
    article = make_article(status=Article.Status.PUBLISHED, publish_at=None)
    assert article.publish_at is not None
    assert article.is_published()


def test_canonical_url_is_date_based_in_the_site_time_zone(settings):
    settings.TIME_ZONE = "Asia/Amman"
    moment = datetime(2023, 12, 31, 23, 30, tzinfo=UTC)
    article = make_article(slug="us-libyan-talks", publish_at=moment)
    assert article.get_absolute_url() == "/2024/01/01/us-libyan-talks/"


def test_changing_a_published_slug_redirects_the_old_address_permanently(client):
    article = make_article(slug="old-slug")
    old_url = article.get_absolute_url()
    article.slug = "new-slug"
    article.save()
    response = client.get(old_url)
    assert response.status_code == 301
    assert response["Location"] == article.get_absolute_url()


def test_renaming_twice_leaves_no_redirect_chain(client):
    article = make_article(slug="first")
    first_url = article.get_absolute_url()
    article.slug = "second"
    article.save()
    article.slug = "third"
    article.save()
    response = client.get(first_url)
    assert response.status_code == 301
    assert response["Location"] == article.get_absolute_url()
    assert Redirect.objects.count() == 2


def test_wrong_date_in_url_redirects_to_canonical(client):
    article = make_article(slug="dated")
    response = client.get("/1999/01/01/dated/")
    assert response.status_code == 301
    assert response["Location"] == article.get_absolute_url()


@pytest.mark.parametrize(
    ("hostile", "forbidden"),
    [
        ("<p>Hi<script>alert(1)</script></p>", "<script"),
        ('<p onclick="alert(1)">Hi</p>', "onclick"),
        ('<a href="javascript:alert(1)">x</a>', "javascript:"),
        ('<img src="x" onerror="alert(1)">', "onerror"),
        ('<iframe src="https://evil.example"></iframe>', "<iframe"),
        ('<p style="background:url(javascript:alert(1))">x</p>', "style="),
        ("<svg><script>alert(1)</script></svg>", "<svg"),
    ],
)
def test_body_is_sanitised_on_every_save_path(hostile, forbidden):
    article = make_article(body=hostile)
    article.refresh_from_db()
    assert forbidden not in article.body
    Article.objects.bulk_create(
        [Article(headline="b", slug="bulk", body=hostile, section=article.section)]
    )
    assert forbidden not in Article.objects.get(slug="bulk").body
    Article.objects.filter(pk=article.pk).update(body=hostile)
    article.refresh_from_db()
    assert forbidden not in article.body
    Article.objects.filter(pk=article.pk).update(body=Value(hostile))
    article.refresh_from_db()
    assert forbidden not in article.body
    article.body = hostile
    Article.objects.bulk_update([article], ["body"])
    article.refresh_from_db()
    assert forbidden not in article.body


def test_a_body_written_as_an_sql_expression_is_refused():
    article = make_article(body="<p>Kept</p>")
    with pytest.raises(TypeError, match="only be written as text"):
        Article.objects.filter(pk=article.pk).update(body=Concat(F("body"), Value("<script>")))
    article.refresh_from_db()
    assert article.body == "<p>Kept</p>"


def test_sanitising_keeps_the_formatting_journalists_use():
    html = (
        '<h2>Sub</h2><p><strong>b</strong> <em>i</em> <a href="https://example.com/">l</a></p>'
        "<ul><li>one</li></ul><ol><li>two</li></ol><blockquote><p>q</p></blockquote>"
    )
    article = make_article(body=html)
    article.refresh_from_db()
    for fragment in [
        "<h2>Sub</h2>",
        "<strong>b</strong>",
        "<em>i</em>",
        'href="https://example.com/"',
        "<ul><li>one</li></ul>",
        "<ol><li>two</li></ol>",
        "<blockquote>",
    ]:
        assert fragment in article.body


def test_a_library_image_requires_alt_text():
    photo = LibraryImage(title="h", file=uploaded_jpeg())
    with pytest.raises(ValidationError) as error:
        photo.full_clean()
    assert "alt" in error.value.message_dict


def test_history_records_who_changed_what(editor):
    article = make_article(headline="First version")
    article.headline = "Second version"
    article._history_user = editor
    article.save()
    versions = list(article.history.order_by("history_date"))
    assert [v.headline for v in versions] == ["First version", "Second version"]
    assert versions[-1].history_user == editor
