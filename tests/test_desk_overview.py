"""The desk's overview: what needs each person now, per role."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.desk.models import ReviewNote
from articles.models import Article, DailyViews
from comments.models import Comment

from .conftest import _staff, make_article

pytestmark = pytest.mark.django_db

URL = reverse("admin:articles_desk_overview")


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def submit(article, user, when):
    with time_machine.travel(when, tick=False):
        article.status = Article.Status.REVIEW
        article._history_user = user
        article.save()


@pytest.fixture
def colleague(django_user_model):
    user = _staff(django_user_model, "colleague", "Reporter")
    user.first_name = "Colin"
    user.save()
    return user


def test_editors_see_the_review_queue_oldest_first_with_who_and_when(editor, colleague):
    now = timezone.now()
    with time_machine.travel(now - timedelta(days=1), tick=False):
        newer = make_article(
            status=Article.Status.DRAFT, headline="Newer piece", created_by=colleague
        )
        older = make_article(
            status=Article.Status.DRAFT, headline="Older piece", created_by=colleague
        )
    submit(newer, colleague, now - timedelta(hours=1))
    submit(older, colleague, now - timedelta(hours=5))
    page = logged_in(editor).get(URL)
    assert page.status_code == 200
    text = page.content.decode()
    assert text.index("Older piece") < text.index("Newer piece")
    assert "Colin" in text
    assert "5\xa0hours ago" in text


def test_reporters_see_only_their_own_stories(reporter, colleague):
    mine = make_article(status=Article.Status.DRAFT, headline="My draft", created_by=reporter)
    make_article(status=Article.Status.DRAFT, headline="Colleague's draft", created_by=colleague)
    theirs = make_article(
        status=Article.Status.DRAFT, headline="Their secret", created_by=colleague
    )
    submit(theirs, colleague, timezone.now())
    ReviewNote.objects.create(article=mine, text="Tighten the intro.")
    text = logged_in(reporter).get(URL).content.decode()
    assert "My draft" in text
    assert "Tighten the intro." in text
    assert "Colleague&#x27;s draft" not in text and "Their secret" not in text
    assert "Yours in review" in text


def test_scheduled_and_recently_published(editor):
    now = timezone.now()
    make_article(headline="Goes live tomorrow", publish_at=now + timedelta(hours=20))
    make_article(headline="Goes live next week", publish_at=now + timedelta(days=7))
    make_article(headline="Went live this morning", publish_at=now - timedelta(hours=3))
    make_article(headline="Went live last week", publish_at=now - timedelta(days=7))
    text = logged_in(editor).get(URL).content.decode()
    assert "Goes live tomorrow" in text and "Goes live next week" not in text
    assert "Went live this morning" in text and "Went live last week" not in text


def test_moderators_see_comments_waiting_and_nothing_of_the_articles(moderator, colleague):
    draft = make_article(status=Article.Status.DRAFT, headline="Secret draft", created_by=colleague)
    live = make_article(headline="Live story")
    for n in range(3):
        Comment.objects.create(article=live, name="Reader", email="r@example.com", body=f"c{n}")
    text = logged_in(moderator).get(URL).content.decode()
    assert "3 comments waiting for moderation" in text
    assert "The oldest since" in text
    assert draft.headline not in text and "Page views" not in text


def test_the_views_chart_has_a_point_per_day_and_a_table_behind_it(editor):
    today = timezone.localdate()
    story = make_article(headline="Most read story")
    DailyViews.objects.create(article=story, day=today, views=1234)
    DailyViews.objects.create(article=story, day=today - timedelta(days=2), views=10)
    DailyViews.objects.create(article=story, day=today - timedelta(days=40), views=999)
    pulled = make_article(headline="Pulled story")
    DailyViews.objects.create(article=pulled, day=today, views=5000)
    pulled.status = Article.Status.DRAFT
    pulled.save()
    page = logged_in(editor).get(URL)
    text = page.content.decode()
    views = page.context["desk"]["views"]
    assert len(views["days"]) == 30 and views["days"][-1].views == 6234
    assert views["most_read"] == [("Most read story", 1244)]
    # Drawn twice, wide and narrow (for phones), each with a point for every day.
    assert text.count('class="desk-chart__point"') == 2 * 30
    assert 'viewBox="0 0 720 240"' in text and 'viewBox="0 0 360 240"' in text
    assert "<svg" in text and "Page views per day, last 30 days" in text
    assert "6,234" in text or "6234" in text
    assert "Pulled story" not in text


def test_the_overview_costs_few_queries(editor, colleague, django_assert_max_num_queries):
    for n in range(15):
        article = make_article(status=Article.Status.DRAFT, created_by=colleague)
        submit(article, colleague, timezone.now() - timedelta(minutes=n))
    client = logged_in(editor)
    with django_assert_max_num_queries(25):
        assert client.get(URL).status_code == 200


def test_the_admin_index_links_to_the_overview(editor):
    assert URL in logged_in(editor).get(reverse("admin:index")).content.decode()
