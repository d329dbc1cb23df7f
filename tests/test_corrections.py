"""Corrections and updates: typed notices on a story, in its page and JSON-LD, the public
/corrections/ list and its feed, and who may write them."""

import json
import re
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Notice

from .conftest import make_article

pytestmark = pytest.mark.django_db

LD_JSON = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def news_article_ld(response):
    for block in LD_JSON.findall(response.content.decode()):
        data = json.loads(block)
        if data["@type"].endswith("Article"):
            return data
    raise AssertionError("no NewsArticle JSON-LD")


def note(article, kind=Notice.Kind.CORRECTION, text="We misstated the date.", **kwargs):
    return Notice.objects.create(article=article, kind=kind, text=text, **kwargs)


def test_a_correction_shows_at_the_top_and_an_update_at_the_bottom(client, section):
    article = make_article(section=section, body="<p>The body text.</p>")
    note(article, text="The meeting was on Tuesday, not Monday.")
    note(article, Notice.Kind.UPDATE, "The minister resigned later.", position="bottom")
    text = client.get(article.get_absolute_url()).content.decode()
    main = text.index('<main id="main"')  # (the head's JSON-LD carries them too)
    correction = text.index("The meeting was on Tuesday, not Monday.", main)
    body = text.index("The body text.", main)
    update = text.index("The minister resigned later.", main)
    assert correction < body < update
    assert '<strong class="notice__kind">Correction</strong>' in text
    assert '<strong class="notice__kind">Update</strong>' in text


def test_notices_are_written_as_correction_in_the_json_ld(client, section):
    article = make_article(section=section)
    correction = note(article, text="We misspelt the envoy's name.")
    note(article, Notice.Kind.EDITORS_NOTE, "This story was updated with a statement.")
    data = news_article_ld(client.get(article.get_absolute_url()))
    assert [(c["@type"], c["name"], c["text"]) for c in data["correction"]] == [
        ("CorrectionComment", "Editor’s note", "This story was updated with a statement."),
        ("CorrectionComment", "Correction", "We misspelt the envoy's name."),
    ]
    assert data["correction"][1]["url"].endswith(f"#notice-{correction.pk}")


def test_a_notice_moves_date_modified_and_the_updated_line_never_the_publish_date(client, section):
    published = timezone.now() - timedelta(days=2)
    article = make_article(section=section, publish_at=published)
    Article.objects.filter(pk=article.pk).update(created_at=published, updated_at=published)
    before = news_article_ld(client.get(article.get_absolute_url()))
    assert "Updated" not in client.get(article.get_absolute_url()).content.decode()
    note(article)
    response = client.get(article.get_absolute_url())
    after = news_article_ld(response)
    assert after["datePublished"] == before["datePublished"]
    assert after["dateModified"] > before["dateModified"]
    assert 'class="article__updated"' in response.content.decode()
    assert Article.objects.get(pk=article.pk).publish_at == published


def test_a_cached_story_shows_its_new_correction_on_the_next_request(client, section):
    article = make_article(section=section)
    assert client.get(article.get_absolute_url())["X-Cache"] == "MISS"
    assert client.get(reverse("articles:corrections"))["X-Cache"] == "MISS"
    assert client.get(article.get_absolute_url())["X-Cache"] == "HIT"
    note(article, text="A fresh correction.")
    assert "A fresh correction." in client.get(article.get_absolute_url()).content.decode()
    assert "A fresh correction." in client.get(reverse("articles:corrections")).content.decode()


def test_the_corrections_page_lists_public_notices_newest_first(client, section):
    now = timezone.now()
    old = make_article(section=section, headline="Old story")
    new = make_article(section=section, headline="New story")
    draft = make_article(section=section, status=Article.Status.DRAFT, headline="Secret draft")
    scheduled = make_article(
        section=section, publish_at=now + timedelta(days=1), headline="Scheduled story"
    )
    note(old, text="First notice.", noted_at=now - timedelta(days=3))
    note(new, text="Second notice.", noted_at=now - timedelta(days=1))
    note(draft, text="Draft notice.")
    note(scheduled, text="Scheduled notice.")
    response = client.get(reverse("articles:corrections"))
    assert response.status_code == 200
    text = response.content.decode()
    assert text.index("Second notice.") < text.index("First notice.")
    for hidden in ("Draft notice.", "Secret draft", "Scheduled notice.", "Scheduled story"):
        assert hidden not in text
    assert f'href="{new.get_absolute_url()}#notice-' in text


def test_the_corrections_page_is_paginated_and_refuses_bad_page_numbers(client, section):
    article = make_article(section=section)
    for n in range(25):
        note(article, text=f"Notice {n}.", noted_at=timezone.now() - timedelta(minutes=n))
    first = client.get(reverse("articles:corrections")).content.decode()
    second = client.get(reverse("articles:corrections"), {"page": 2}).content.decode()
    assert "Notice 0." in first and "Notice 24." not in first
    assert "Notice 24." in second
    for bad in ("99", "abc", "0", "-1", "1" * 400):
        assert client.get(reverse("articles:corrections"), {"page": bad}).status_code == 404


def test_the_corrections_feed_lists_public_notices(client, section):
    article = make_article(section=section, headline="Envoy meets <leaders>")
    note(article, text="We misspelt the envoy's name.")
    note(make_article(section=section, status=Article.Status.DRAFT), text="Draft notice.")
    response = client.get(reverse("articles:corrections_feed"))
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    items = root.findall("./channel/item")
    assert len(items) == 1
    assert items[0].findtext("title") == "Correction: Envoy meets &lt;leaders&gt;"
    notice = Notice.objects.get(article=article)
    assert items[0].findtext("link").endswith(f"{article.get_absolute_url()}#notice-{notice.pk}")


def test_the_footer_and_the_policy_page_link_to_the_corrections_page(client, section):
    from articles import demo

    demo.load()
    home = client.get("/").content.decode()
    assert f'href="{reverse("articles:corrections")}"' in home
    policy = client.get("/corrections-policy/")
    assert policy.status_code == 200
    assert 'href="/corrections/"' in policy.content.decode()


def test_editors_write_notices_in_the_article_form_and_reporters_cannot(
    client, editor, reporter, section
):
    article = make_article(section=section, created_by=reporter, status=Article.Status.DRAFT)
    url = reverse("admin:articles_article_change", args=[article.pk])
    client.force_login(reporter)
    assert "notices-TOTAL_FORMS" not in client.get(url).content.decode()
    client.force_login(editor)
    assert "notices-TOTAL_FORMS" in client.get(url).content.decode()


def test_deleting_a_notice_takes_it_off_the_story_and_the_list(client, section):
    article = make_article(section=section)
    notice = note(article, text="A notice withdrawn.")
    assert "A notice withdrawn." in client.get(article.get_absolute_url()).content.decode()
    notice.delete()
    assert Article.objects.get(pk=article.pk).notice_count == 0
    assert "A notice withdrawn." not in client.get(article.get_absolute_url()).content.decode()
    assert "A notice withdrawn." not in client.get(reverse("articles:corrections")).content.decode()


def test_a_story_without_notices_spends_no_query_on_them(section, django_assert_num_queries):
    plain = Article.objects.get(pk=make_article(section=section).pk)
    corrected = make_article(section=section)
    note(corrected)
    corrected = Article.objects.get(pk=corrected.pk)
    with django_assert_num_queries(0):
        assert plain.notice_list == []
    with django_assert_num_queries(1):
        assert len(corrected.notice_list) == 1
