"""Live coverage: an article switched to a live blog of timestamped entries.

An article is live while ``live_from <= now < live_until`` (``Article.live_state()``); its
page lists the entries newest first, pinned ones on top, with a "Key events" summary, in
pages of ``PER_PAGE`` for readers without JavaScript. Readers' pages poll a small JSON
answer (``updates()``, articles/live/views.py) addressed by the newest entry they hold:
it is served from the page cache like any page, renewed with the article's own key when
an entry changes (articles/live/signals.py), and its cost does not grow with the number of
entries. Reporters post from the live desk in the admin (articles/live/admin.py).
"""

from django.core.paginator import EmptyPage, Paginator
from django.db.models import F, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from newsroom import paging

PER_PAGE = 20
# A reader more than this many entries behind is told "50+ new updates".
NEW_LIMIT = 50
# The latest entries given to search engines (LiveBlogPosting.liveBlogUpdate).
STRUCTURED_UPDATES = 10
POLL_SECONDS = 15
POST_PERMISSION = "articles.add_liveentry"


def running(now=None):
    """Articles whose live coverage runs now (to filter ``Article.objects``)."""
    now = now or timezone.now()
    return Q(live_from__lte=now) & (Q(live_until__isnull=True) | Q(live_until__gt=now))


def next_change():
    """The next moment a cached page may change by itself: a scheduled article going live,
    or live coverage starting or ending (its LIVE / Ended label, its comments)."""
    from ..models import Article

    now = timezone.now()
    published = Article.objects.published()
    moments = [
        Article.objects.next_publish_at(),
        *(
            published.filter(**{f"{name}__gt": now})
            .order_by(name)
            .values_list(name, flat=True)
            .first()
            for name in ("live_from", "live_until")
        ),
    ]
    return min((moment for moment in moments if moment is not None), default=None)


def can_post(user, article):
    """Who may post, edit and delete entries: editors on every live article, reporters on
    the live articles they carry the byline of (or created)."""
    from ..models import PUBLISH_PERMISSION, Article

    if article is None or article.live_from is None:
        return False
    if not (user.is_active and user.is_staff and user.has_perm(POST_PERMISSION)):
        return False
    if user.has_perm(PUBLISH_PERMISSION):
        return True
    return Article.objects.editable_by(user).filter(pk=article.pk).exists()


def bylines_for(user, entry=None):
    """The authors a user may credit an entry to: editors any author; everyone else the
    author profile tied to their own login (a reporter cannot post under a colleague's
    name). An entry's current byline stays a choice on its change form: keeping it credits
    nobody new."""
    from ..models import PUBLISH_PERMISSION, Author

    if user.has_perm(PUBLISH_PERMISSION):
        return Author.objects.all()
    mine = Q(user=user) if user.is_authenticated else Q(pk__in=[])
    if entry is not None and entry.author_id is not None:
        mine |= Q(pk=entry.author_id)
    return Author.objects.filter(mine)


def postable_articles(user):
    """The live articles this user may post on."""
    from ..models import PUBLISH_PERMISSION, Article

    articles = Article.objects.filter(live_from__isnull=False)
    if not (user.is_active and user.is_staff and user.has_perm(POST_PERMISSION)):
        return articles.none()
    if user.has_perm(PUBLISH_PERMISSION):
        return articles
    return articles & Article.objects.editable_by(user)


def entries_of(article):
    from .models import LiveEntry

    return LiveEntry.objects.filter(article_id=article.pk).select_related("author")


def latest_id(article):
    return entries_of(article).order_by("-id").values_list("id", flat=True).first() or 0


def page_number(entry):
    """The page of the no-JavaScript list an entry is on (pinned ones: the first)."""
    if entry.pinned:
        return 1
    newer = (
        entries_of(entry.article)
        .filter(pinned=False)
        .filter(Q(posted_at__gt=entry.posted_at) | Q(posted_at=entry.posted_at, id__gt=entry.pk))
        .count()
    )
    return newer // PER_PAGE + 1


def coverage(article, page=None, now=None):
    """What the live part of the article page shows: pinned entries and the key events
    (first page only), a page of the others, newest first."""
    entries = entries_of(article)
    stream = Paginator(entries.filter(pinned=False), PER_PAGE)
    try:
        page_obj = stream.page(paging.page_number(page))
    except EmptyPage:
        raise Http404(_("There is no such page of updates.")) from None
    first = page_obj.number == 1
    pinned = list(entries.filter(pinned=True)) if first else []
    key_events = list(entries.filter(key_event=True).order_by("-posted_at", "-id"))
    on_page = {entry.pk for entry in [*pinned, *page_obj.object_list]}
    for entry in key_events:
        entry.on_page = entry.pk in on_page
    return {
        "article": article,
        "state": article.live_state(now),
        "pinned": pinned,
        "page_obj": page_obj,
        "key_events": key_events,
        "latest": latest_id(article),
        "revision": article.live_revision,
        "poll_seconds": POLL_SECONDS,
        # Entries of other days show their date too (a cached page ends at midnight).
        "today": timezone.localdate(now),
    }


def updates(article, after, now=None):
    """The poll's answer for a reader holding the entries up to ``after``: how many are
    newer (up to NEW_LIMIT), the newest id and the revision (which also counts edits and
    deletions). Two index lookups, whatever the number of entries."""
    newer = list(
        entries_of(article)
        .filter(id__gt=after)
        .order_by("id")
        .values_list("id", flat=True)[: NEW_LIMIT + 1]
    )
    return {
        "state": article.live_state(now) or "upcoming",
        "latest": newer[-1] if newer else latest_id(article),
        "new": min(len(newer), NEW_LIMIT),
        "more": len(newer) > NEW_LIMIT,
        "revision": article.live_revision,
    }


def page_part(request, article):
    """The article page's live coverage (registered in ArticlesConfig.ready())."""
    if article.live_from is None:
        return {}
    return {"live": coverage(article, request.GET.get("page"))}


def entries_changed(article_id):
    """Count a change to an article's entries (readers' pages compare the revision)."""
    from ..models import Article

    Article.objects.filter(pk=article_id).update(live_revision=F("live_revision") + 1)
