"""Queries written once and run with new values (newsroom.compiled): the answers are those
of the queryset built for each call's values."""

from datetime import datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from articles import page_data
from articles.models import Article
from newsroom.compiled import CompiledQuery

from .conftest import make_article, make_section


def test_the_query_is_written_once_and_answers_for_each_calls_values(section):
    now = timezone.now()
    other = make_section()
    old = make_article(section=section, headline="Old", publish_at=now - timedelta(days=2))
    new = make_article(section=section, headline="New", publish_at=now - timedelta(hours=1))
    make_article(section=other, headline="Elsewhere", publish_at=now - timedelta(hours=2))
    coming = make_article(section=section, headline="Coming", publish_at=now + timedelta(hours=1))
    built = []

    def live_in(section_id, now):
        built.append((section_id, now))
        return Article.objects.published(now).filter(section_id=section_id).order_by("publish_at")

    query = CompiledQuery(Article, live_in, section_id=int, now=datetime)
    assert [a.headline for a in query.raw(section_id=section.pk, now=now)] == ["Old", "New"]
    assert [a.headline for a in query.raw(section_id=other.pk, now=now)] == ["Elsewhere"]
    later = now + timedelta(hours=2)
    assert list(query.raw(section_id=section.pk, now=later)) == [old, new, coming]
    assert len(built) == 1  # written once, for markers no call passes
    assert built[0][0] < 0 and built[0][1].year == 1901


def test_fields_the_query_leaves_out_are_read_when_asked_for(section):
    article = make_article(section=section, body="<p>The whole story.</p>")
    query = CompiledQuery(Article, lambda pk: Article.objects.defer("body").filter(pk=pk), pk=int)
    found = query.raw(pk=article.pk)[0]
    assert "body" in found.get_deferred_fields()
    assert "The whole story." in found.body


def test_a_marker_the_query_does_not_hold_or_a_missing_value_is_refused(db):
    query = CompiledQuery(Article, lambda pk: Article.objects.all(), pk=int)
    with pytest.raises(ValueError, match="'pk' is not in the query"):
        list(query.raw(pk=1))
    live = CompiledQuery(Article, lambda pk: Article.objects.filter(pk=pk), pk=int)
    with pytest.raises(ValueError, match="'pk' is None"):
        live.raw(pk=None)
    with pytest.raises(TypeError, match="exactly these values: pk"):
        live.raw()
    with pytest.raises(TypeError, match="No marker for str"):
        CompiledQuery(Article, lambda slug: None, slug=str)


def test_neighbours_follow_the_clock(section):
    """A scheduled story becomes the next post at its time, with the statement written
    before it."""
    now = timezone.now()
    article = make_article(section=section, publish_at=now - timedelta(hours=1))
    before = make_article(section=section, publish_at=now - timedelta(hours=2))
    scheduled = make_article(section=section, publish_at=now + timedelta(minutes=5))
    assert page_data.neighbours(article) == (before, None)
    with time_machine.travel(now + timedelta(minutes=6)):
        assert page_data.neighbours(article) == (before, scheduled)
    assert page_data.neighbours(before) == (None, article)
