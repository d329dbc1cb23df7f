"""What needs the person at the desk now: one page per role (articles/desk/admin.py shows
it). Editors: the review queue oldest first with who submitted it and when, pieces sent back
to them, their drafts, what goes live in the next 48 hours and what went live in the last
24, page views for 30 days. Reporters: the same for their own stories. Other apps add their
panels (comments waiting, for moderators) through articles.extensions."""

from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import PUBLISH_PERMISSION, Article, DailyViews
from . import chart, outbox
from .models import ReviewNote

LIMIT = 25
CHART_DAYS = 30


@dataclass
class InReview:
    article: Article
    submitted_by: object
    submitted_at: object

    @property
    def submitter_name(self):
        user = self.submitted_by
        return (user.get_full_name() or user.get_username()) if user else "—"


def _mine(user):
    bylines = Article.authors.through.objects.filter(author__user=user)
    return Q(created_by=user) | Q(pk__in=bylines.values("article_id"))


def in_review(user):
    """Pieces waiting for an editor, oldest submission first (a reporter: their own)."""
    articles = Article.objects.editable_by(user).filter(status=Article.Status.REVIEW).defer("body")
    articles = {article.pk: article for article in articles}
    history = (
        Article.history.model.objects.filter(id__in=articles)
        .order_by("id", "history_date")
        .values_list("id", "status", "history_date", "history_user")
    )
    submitted = {}
    for pk, status, when, who in history:
        if status != Article.Status.REVIEW:
            submitted.pop(pk, None)  # a later submission starts the wait again
        elif pk not in submitted:
            submitted[pk] = (when, who)
    users = get_user_model().objects.filter(pk__in=[who for _w, who in submitted.values()])
    users = {person.pk: person for person in users}
    rows = [
        InReview(
            article,
            users.get(submitted.get(pk, (None, None))[1]),
            submitted.get(pk, (article.updated_at, None))[0],
        )
        for pk, article in articles.items()
    ]
    return sorted(rows, key=lambda row: row.submitted_at)[:LIMIT]


def sent_back_to(user):
    notes = (
        ReviewNote.objects.filter(is_open=True, article__status=Article.Status.DRAFT)
        .filter(article__in=Article.objects.filter(_mine(user)))
        .select_related("article", "written_by")
    )
    return list(notes[:LIMIT])


def drafts_of(user):
    return list(
        Article.objects.filter(_mine(user), status=Article.Status.DRAFT)
        .defer("body")
        .order_by("-updated_at")[:LIMIT]
    )


def scheduled_soon(user, now):
    articles = Article.objects.editable_by(user).scheduled()
    return list(
        articles.filter(publish_at__lte=now + timedelta(hours=48))
        .defer("body")
        .order_by("publish_at")
    )[:LIMIT]


def published_recently(user, now):
    articles = Article.objects.published().filter(publish_at__gte=now - timedelta(hours=24))
    if not user.has_perm(PUBLISH_PERMISSION):
        articles = articles.filter(_mine(user))
    return list(articles.defer("body").order_by("-publish_at")[:LIMIT])


def views(user, today):
    """The site's views per day for CHART_DAYS days (every day, zero included) and the ten
    most-read published articles over them (a reporter: their own)."""
    start = today - timedelta(days=CHART_DAYS - 1)
    rows = DailyViews.objects.filter(day__gte=start, day__lte=today)
    if not user.has_perm(PUBLISH_PERMISSION):
        rows = rows.filter(article__in=Article.objects.filter(_mine(user)))
    per_day = dict(rows.values("day").annotate(total=Sum("views")).values_list("day", "total"))
    days = [
        chart.Day(start + timedelta(days=n), per_day.get(start + timedelta(days=n), 0))
        for n in range(CHART_DAYS)
    ]
    top = list(
        rows.filter(article__in=Article.objects.published())
        .values("article")
        .annotate(total=Sum("views"))
        .order_by("-total", "article")[:10]
    )
    headlines = dict(
        Article.objects.filter(pk__in=[row["article"] for row in top]).values_list("pk", "headline")
    )
    most_read = [(headlines[row["article"]], row["total"]) for row in top]
    return {
        "days": days,
        "caption": chart.totals_caption(days),
        "line": chart.both_widths(
            chart.line, days, _("Page views per day, last %d days") % CHART_DAYS
        ),
        "most_read": most_read,
        "bars": chart.both_widths(
            chart.bars, most_read, _("The ten most-read articles, last %d days") % CHART_DAYS
        ),
    }


def for_user(user, now=None):
    now = now or timezone.now()
    may_write = user.has_perm("articles.change_article")
    if not may_write:
        return {"may_write": False}
    is_editor = user.has_perm(PUBLISH_PERMISSION)
    return {
        "may_write": True,
        "is_editor": is_editor,
        # The desk's email the mail server has not taken yet (editors: it is theirs too).
        "email_waiting": outbox.waiting() if is_editor else (0, None),
        "in_review": in_review(user),
        "sent_back": sent_back_to(user),
        "drafts": drafts_of(user),
        "scheduled": scheduled_soon(user, now),
        "published": published_recently(user, now),
        "views": views(user, timezone.localdate(now)),
    }
