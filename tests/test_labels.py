"""Type-of-work labels, dateline and reading time: what readers, search engines and the news
sitemap are told about a story."""

import json
import re
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Label

from .conftest import make_article

pytestmark = pytest.mark.django_db

NEWS = "http://www.google.com/schemas/sitemap-news/0.9"
LD_JSON = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def label(slug):
    return Label.objects.get(slug=slug)


def json_ld_types(response):
    return [json.loads(block)["@type"] for block in LD_JSON.findall(response.content.decode())]


def test_a_new_site_has_the_six_labels_with_their_schema_types():
    assert dict(Label.objects.values_list("name", "schema_type")) == {
        "News": "NewsArticle",
        "Analysis": "AnalysisNewsArticle",
        "Opinion": "OpinionNewsArticle",
        "Explainer": "BackgroundNewsArticle",
        "Review": "ReviewNewsArticle",
        "Sponsored": "AdvertiserContentArticle",
    }


def test_an_opinion_piece_says_so_in_words_on_its_card_and_at_its_top(client, section):
    article = make_article(section=section, label=label("opinion"), headline="Why we must act")
    page = client.get(article.get_absolute_url())
    assert page.status_code == 200
    text = page.content.decode()
    assert '<span class="label label--prominent label--opinion">Opinion</span>' in text
    assert "The views expressed are the author’s own." in text
    listing = client.get(section.get_absolute_url()).content.decode()
    card = listing[listing.index("Why we must act") - 900 : listing.index("Why we must act")]
    assert ">Opinion</span>" in card


def test_a_story_without_a_label_shows_none(client, section):
    article = make_article(section=section)
    text = client.get(article.get_absolute_url()).content.decode()
    assert 'class="label' not in text


@pytest.mark.parametrize(
    ("slug", "schema_type"),
    [
        (None, "NewsArticle"),
        ("news", "NewsArticle"),
        ("analysis", "AnalysisNewsArticle"),
        ("opinion", "OpinionNewsArticle"),
        ("explainer", "BackgroundNewsArticle"),
        ("review", "ReviewNewsArticle"),
        ("sponsored", "AdvertiserContentArticle"),
    ],
)
def test_json_ld_carries_the_labels_schema_type(client, section, slug, schema_type):
    article = make_article(section=section, label=label(slug) if slug else None)
    types = json_ld_types(client.get(article.get_absolute_url()))
    assert schema_type in types
    assert "BreadcrumbList" in types


def test_a_label_added_in_the_admin_works_like_the_others(client, section):
    obituary = Label.objects.create(name="Obituary", slug="obituary")
    article = make_article(section=section, label=obituary)
    response = client.get(article.get_absolute_url())
    assert ">Obituary</span>" in response.content.decode()
    assert "NewsArticle" in json_ld_types(response)


BODY = (
    '<p>Brought to you by <a href="https://brand.example/offer">our partner</a>, '
    '<a href="http://other.example/" rel="nofollow">another</a>, '
    '<a href="/section/middle-east/">our own section</a>, '
    '<a href="http://testserver/about/">our about page</a> and '
    '<a href="mailto:ads@example.com">email</a>.</p>'
)


def rel_of(text, href):
    """The rel tokens of the link to ``href`` in the page."""
    tag = re.search(rf'<a [^>]*href="{re.escape(href)}"[^>]*>', text).group(0)
    found = re.search(r'rel="([^"]*)"', tag)
    return set(found.group(1).split()) if found else set()


def test_outbound_links_of_paid_content_are_marked_sponsored_when_shown(client, section):
    article = make_article(section=section, label=label("sponsored"), body=BODY)
    text = client.get(article.get_absolute_url()).content.decode()
    assert "sponsored" in rel_of(text, "https://brand.example/offer")
    assert "sponsored" in rel_of(text, "http://other.example/")
    assert "sponsored" not in rel_of(text, "/section/middle-east/")
    assert "sponsored" not in rel_of(text, "http://testserver/about/")
    assert "sponsored" not in rel_of(text, "mailto:ads@example.com")
    # The stored body stays as the editor wrote it.
    assert "sponsored" not in Article.objects.get(pk=article.pk).body


def test_links_in_other_stories_are_left_alone(client, section):
    article = make_article(section=section, label=label("opinion"), body=BODY)
    text = client.get(article.get_absolute_url()).content.decode()
    assert "sponsored" not in rel_of(text, "https://brand.example/offer")


def test_paid_content_is_left_out_of_the_google_news_sitemap(client, section):
    recent = {"section": section, "publish_at": timezone.now() - timedelta(hours=1)}
    paid = make_article(label=label("sponsored"), headline="Paid", **recent)
    opinion = make_article(label=label("opinion"), headline="View", **recent)
    plain = make_article(headline="Plain", **recent)
    root = ET.fromstring(client.get(reverse("articles:news_sitemap")).content)
    titles = {title.text for title in root.iter(f"{{{NEWS}}}title")}
    assert titles == {opinion.headline, plain.headline}
    assert paid.headline not in titles
    # It stays in the ordinary sitemap: it is a page of the site.
    sitemap = client.get(reverse("articles:sitemap_section", args=["articles"])).content
    assert paid.get_absolute_url().encode() in sitemap


def test_editors_filter_the_article_list_by_label(client, editor, section):
    make_article(section=section, label=label("opinion"), headline="An opinion")
    make_article(section=section, label=label("review"), headline="A review")
    client.force_login(editor)
    url = reverse("admin:articles_article_changelist")
    text = client.get(url, {"label__id__exact": label("opinion").pk}).content.decode()
    assert "An opinion" in text
    assert "A review" not in text


def test_editors_manage_labels_and_reporters_cannot(client, editor, reporter):
    add = reverse("admin:articles_label_add")
    client.force_login(reporter)
    assert client.get(add).status_code == 403
    client.force_login(editor)
    response = client.post(
        add, {"name": "Interview", "slug": "interview", "schema_type": "NewsArticle", "order": 7}
    )
    assert response.status_code == 302
    assert Label.objects.filter(slug="interview").exists()


def test_renaming_a_label_renews_the_cached_pages_showing_it(client, section):
    article = make_article(section=section, label=label("analysis"))
    assert client.get(article.get_absolute_url())["X-Cache"] == "MISS"
    assert client.get(section.get_absolute_url())["X-Cache"] == "MISS"
    assert client.get(article.get_absolute_url())["X-Cache"] == "HIT"
    analysis = label("analysis")
    analysis.name = "Deep dive"
    analysis.save()
    assert ">Deep dive</span>" in client.get(article.get_absolute_url()).content.decode()
    assert ">Deep dive</span>" in client.get(section.get_absolute_url()).content.decode()


def test_relabelling_a_story_renews_its_card_on_the_lists(client, section):
    article = make_article(section=section)
    client.get(section.get_absolute_url())
    article.label = label("opinion")
    article.save()
    assert ">Opinion</span>" in client.get(section.get_absolute_url()).content.decode()


def test_dateline_and_reading_time_are_shown_on_the_story(client, section):
    words = " ".join(["word"] * 1000)
    article = make_article(section=section, dateline="Benghazi", body=f"<p>{words}</p>")
    assert article.reading_time == 5  # 1,000 words at 230 a minute, rounded up
    text = client.get(article.get_absolute_url()).content.decode()
    assert '<p class="article__dateline">BENGHAZI —</p>' in text
    assert "5 min read" in text
    assert "5 min read" in client.get(section.get_absolute_url()).content.decode()


def test_reading_time_follows_the_body_whichever_way_it_is_written(section):
    article = make_article(section=section, body="<p>short</p>")
    assert article.reading_time == 1
    long_body = "<p>" + " ".join(["word"] * 700) + "</p>"
    Article.objects.filter(pk=article.pk).update(body=long_body)
    assert Article.objects.get(pk=article.pk).reading_time == 4
    article.refresh_from_db()
    article.body = "<p>short again</p>"
    article.save(update_fields=["body"])
    assert Article.objects.get(pk=article.pk).reading_time == 1


def test_labelled_search_results_cost_no_query_each(client, section, django_assert_max_num_queries):
    for n in range(6):
        make_article(section=section, headline=f"Envoy story {n}", label=label("analysis"))
    client.get("/search/?q=envoy")  # the count and fragments, once
    with django_assert_max_num_queries(6):
        text = client.get("/search/?q=envoy&page=1").content.decode()
    assert text.count(">Analysis</span>") >= 6
