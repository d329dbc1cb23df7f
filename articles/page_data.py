"""What the home page and the article page list, each in a fixed number of queries."""

import datetime
import functools
import operator
from collections import Counter
from itertools import chain

from django.db import connection, connections
from django.db.models import Q, Subquery
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import mark_safe
from taggit.models import Tag

from newsroom import compiled

from . import body_blocks, curation, renewal
from .models import Article, Author, Byline, Embed, Image, Section, TaggedArticle

PER_SECTION = 4
# Both bounds keep a page's cost the same with a thousand articles or a million.
# Section blocks come from the newest stories: a section silent for longer leaves the
# front page until it publishes again.
FRONT_PAGE_WINDOW = 1000
# Recommendations are ranked among the latest articles carrying the same tags.
RECOMMENDATION_CANDIDATES = 50


def published_count(links, article_field):
    """How many published articles ``links`` (a tag's or an author's rows) point to: all
    of them, less those to an article that is not live, in one statement. Counted the other
    way, every link is joined with the live articles (a common tag's 26,000: 30 ms on the
    benchmark data); the articles that are not live are few and read from small indexes
    (Article.objects.not_live()): 3 ms."""
    column = links.model._meta.get_field(article_field).attname
    every_sql, every_params = links.order_by().values(column).query.sql_with_params()
    # The articles not live are the same query at every call but for the time: written once.
    not_live_sql, not_live_params = _NOT_LIVE.sql(links.db, now=timezone.now())
    quoted = connections[links.db].ops.quote_name(column)
    with connections[links.db].cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT COUNT(*) FROM ({every_sql}) every_link)"
            f" - (SELECT COUNT(*) FROM ({every_sql}) link WHERE link.{quoted} IN ({not_live_sql}))",
            (*every_params, *every_params, *not_live_params),
        )
        return cursor.fetchone()[0]


def _not_live_articles(now):
    """The ids of the articles that are not live at ``now``, in two parts each read from
    its own index alone: those not plainly live (article_not_plainly_live), and the plainly
    live ones still to come."""
    plainly_live = Q(status=Article.Status.PUBLISHED, unpublish_at__isnull=True)
    off = Article.objects.filter(~plainly_live).not_live(now).order_by().values("pk")
    to_come = Article.objects.filter(plainly_live, publish_at__gt=now).order_by().values("pk")
    return off.union(to_come, all=True)


_NOT_LIVE = compiled.CompiledQuery(Article, _not_live_articles, now=datetime.datetime)


def front_page():
    published = Article.objects.published()
    # The newest stories' narrow rows, newest first, numbered here rather than by the
    # database (a window function's query cost more to compile and run than these rows
    # take to read): the latest fill the top stories after the editors' picks
    # (articles/curation.py), then the latest PER_SECTION of each section make its block.
    newest = list(published.values_list("pk", "section_id")[:FRONT_PAGE_WINDOW])
    picked = curation.picks()
    taken = {article.pk for article in picked}
    fill = [pk for pk, _ in newest if pk not in taken][: max(0, curation.TOP_STORIES - len(picked))]
    taken.update(fill)
    blocks = {}
    for pk, section_id in newest:
        block = blocks.setdefault(section_id, [])
        if pk not in taken and len(block) < PER_SECTION:
            block.append(pk)
    # Then the chosen stories read for their cards, all at once.
    chosen = [*fill, *chain.from_iterable(blocks.values())]
    found = published.for_listing().in_bulk(chosen)
    top = picked + [found[pk] for pk in fill if pk in found]
    lead, recommended = (top[0], top[1:]) if top else (None, [])
    by_section = {
        section_id: [found[pk] for pk in pks if pk in found] for section_id, pks in blocks.items()
    }
    sections = [
        (section, by_section[section.pk])
        for section in Section.objects.filter(show_in_menu=True)
        if by_section.get(section.pk)
    ]
    return {"lead": lead, "section_blocks": sections, "recommended": recommended}


# What front_page() returns, each readable on its own without reading the others first.
FRONT_PAGE_PARTS = ("lead", "recommended", "section_blocks")


def front_page_lazily():
    """front_page()'s parts, read (all at once) only when the page renders one of them:
    the home page keeps its stories in a fragment (templates/articles/home.html), so a
    render that takes them from the fragment cache reads no article at all."""
    parts = SimpleLazyObject(lambda: front_page())  # looked up when read (tests wrap it)
    return {
        name: SimpleLazyObject(functools.partial(operator.getitem, parts, name))
        for name in FRONT_PAGE_PARTS
    }


def article_page(article):
    """The article page's lists. The neighbours and recommendations are lazy: nothing is
    read for them when the page takes those blocks from the fragment cache."""
    authors, tags = byline_and_tags(article.pk)
    body, body_keys = article_body(article.body)
    beside = SimpleLazyObject(lambda: neighbours(article))
    previous_post = SimpleLazyObject(lambda: beside[0])
    next_post = SimpleLazyObject(lambda: beside[1])

    def recommended():
        # Not the stories the Next/Previous links already offer just above it.
        beside = [post.pk for post in (previous_post, next_post) if post]
        return recommended_for(article, [tag.pk for tag in tags], beside)

    return {
        "tags": tags,
        "authors": authors,
        "body": body,
        "body_keys": body_keys,
        "next_post": next_post,
        "previous_post": previous_post,
        "recommended": SimpleLazyObject(recommended),
    }


def article_body(body):
    """A stored body as readers see it, and the cache keys of what its blocks show besides
    the article itself (a fact box's linked story). One query per kind of thing the blocks
    refer to, none for a body without blocks."""
    if "data-block" not in (body or ""):
        return mark_safe(body or ""), []
    image_ids = body_blocks.image_ids(body)
    photos = Image.objects.in_bulk(image_ids) if image_ids else {}
    urls = body_blocks.embed_urls(body)
    embeds = {embed.url: embed for embed in Embed.objects.filter(url__in=urls)} if urls else {}
    article_ids = body_blocks.article_ids(body)
    # A fact box links only a story readers can open: the one publishing rule.
    articles = Article.objects.published().for_listing().in_bulk(article_ids) if article_ids else {}
    html = body_blocks.render(body, photos=photos, embeds_by_url=embeds, articles=articles)
    return mark_safe(html), [renewal.card(pk) for pk in article_ids]


BYLINE_FIELDS = ("id", "name", "slug")


def byline_and_tags(article_id):
    """An article's authors (in byline order) and tags (in the order they were given), read
    in one statement.

    Written out in SQL rather than as the two ORM queries it replaces: building those costs
    the application ten times what the database spends answering them, and the article page
    is the page every reader lands on (README, Performance). The instances carry the fields
    the page uses (id, name, slug); any other is read on access, as with ``only()``.
    """
    statement, author_fields, tag_fields = _byline_and_tags_statement()
    with connection.cursor() as cursor:
        cursor.execute(statement, [article_id, article_id])
        rows = cursor.fetchall()
    authors = [
        Author.from_db(connection.alias, author_fields, row[1:4]) for row in rows if row[0] == 0
    ]
    tags = [Tag.from_db(connection.alias, tag_fields, row[1:4]) for row in rows if row[0] == 1]
    return authors, tags


@functools.cache
def _byline_and_tags_statement():
    """(SQL, author field names, tag field names): each model's fields in its own order,
    as ``from_db()`` takes them."""
    quote = connection.ops.quote_name

    def columns(model, alias):
        fields = [f for f in model._meta.concrete_fields if f.attname in BYLINE_FIELDS]
        return ", ".join(f"{alias}.{quote(f.column)}" for f in fields), [f.attname for f in fields]

    def column(model, name):
        return quote(model._meta.get_field(name).column)

    byline = Byline
    author_columns, author_fields = columns(Author, "a")
    tag_columns, tag_fields = columns(Tag, "t")
    statement = (
        f"SELECT 0, {author_columns}, b.{column(Byline, 'position')}"
        f" FROM {quote(Author._meta.db_table)} a"
        f" JOIN {quote(byline._meta.db_table)} b"
        f" ON b.{column(byline, 'author')} = a.{column(Author, 'id')}"
        f" WHERE b.{column(byline, 'article')} = %s"
        " UNION ALL"
        f" SELECT 1, {tag_columns}, i.{column(TaggedArticle, 'id')}"
        f" FROM {quote(Tag._meta.db_table)} t"
        f" JOIN {quote(TaggedArticle._meta.db_table)} i"
        f" ON i.{column(TaggedArticle, 'tag')} = t.{column(Tag, 'id')}"
        f" WHERE i.{column(TaggedArticle, 'content_object')} = %s"
        # Authors in byline order (as Byline's ordering: position, then author), tags in the
        # order they were added.
        f" ORDER BY 1, 5, {2 + author_fields.index('id')}"
    )
    return statement, author_fields, tag_fields


def neighbours(article):
    """(previous, next): the published posts before and after the article in its section,
    read in one statement that is written once (newsroom.compiled)."""
    if article.publish_at is None:
        return None, None
    found = list(
        _NEIGHBOURS.raw(
            publish_at=article.publish_at,
            pk=article.pk,
            section_id=article.section_id,
            now=timezone.now(),
        )
    )
    place = (article.publish_at, article.pk)
    before = next((post for post in found if (post.publish_at, post.pk) < place), None)
    after = next((post for post in found if (post.publish_at, post.pk) > place), None)
    return before, after


def _beside(publish_at, pk, section_id, now, later):
    """The published posts after (``later``) or before a place in a section, nearest first
    (live at ``now``)."""
    beyond, order = ("gt", ["publish_at", "id"]) if later else ("lt", ["-publish_at", "-id"])
    # The plain range (publish_at >= or <= the article's) lets the database walk the
    # section's index from the article on and stop at the first row; the OR alone would
    # make it sort the whole range.
    step = Q(**{f"publish_at__{beyond}": publish_at}) | Q(**{f"pk__{beyond}": pk})
    return (
        Article.objects.published(now)
        .filter(step, section_id=section_id, **{f"publish_at__{beyond}e": publish_at})
        .order_by(*order)
    )


def _neighbours_query(**place):
    before, after = (
        Subquery(_beside(**place, later=later).values("pk")[:1]) for later in (False, True)
    )
    return Article.objects.defer("body").filter(Q(pk=before) | Q(pk=after))


_NEIGHBOURS = compiled.CompiledQuery(
    Article,
    _neighbours_query,
    publish_at=datetime.datetime,
    pk=int,
    section_id=int,
    now=datetime.datetime,
)


def recommended_for(article, tag_ids, beside=(), limit=4):
    """Recent articles sharing the most tags, then the latest from the same section; never
    the article itself nor those whose pks are ``beside`` (its Next/Previous links).

    Two plain queries rather than one aggregate (whose planning alone cost milliseconds):
    the tag rows of the latest candidates, counted here, then the best of them that are live.
    """
    left_out = [article.pk, *beside]
    others = Article.objects.published().exclude(pk__in=left_out).for_listing()
    picks = []
    if tag_ids:
        rows = (
            TaggedArticle.objects.filter(tag_id__in=tag_ids)
            .exclude(content_object_id__in=left_out)
            .order_by("-content_object_id")
            .values_list("content_object_id", flat=True)[:RECOMMENDATION_CANDIDATES]
        )
        shared = Counter(rows)
        best = sorted(shared, key=lambda pk: (-shared[pk], -pk))[: limit * 3]
        live = others.in_bulk(best).values() if best else []
        picks = sorted(live, key=lambda a: (-shared[a.pk], -a.publish_at.timestamp()))[:limit]
    if len(picks) < limit:
        picks += list(
            others.filter(section_id=article.section_id).exclude(pk__in=[a.pk for a in picks])[
                : limit - len(picks)
            ]
        )
    return picks
