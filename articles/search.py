"""Article search: one function in front of two engines.

PostgreSQL answers from a weighted ``tsvector`` column with a GIN index (``ts_rank``
ordering, ``ts_headline`` snippets); SQLite from an FTS5 table with porter stemming
(``bm25`` ordering, ``snippet()``). Both understand the same small query language,
parsed here once: words, "quoted phrases", -exclusions and OR. Results always come from
``Article.objects.published()``.

The index is brought up to date by ``reindex()``, which ``articles.signals`` calls when an
article, its tags, a section's name or a tag's name change. Code that writes article text
with ``bulk_create()`` or ``QuerySet.update()`` calls ``reindex()`` itself (or runs
``manage.py rebuild_search_index``).
"""

import functools
import html
import json
import re
from dataclasses import dataclass
from itertools import chain

from django.conf import settings
from django.contrib.postgres.aggregates import StringAgg
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVector,
    SearchVectorField,
)
from django.db import connections
from django.db.models import (
    Case,
    F,
    FloatField,
    Func,
    OuterRef,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Left, Replace
from django.utils.functional import SimpleLazyObject, cached_property
from django.utils.html import escape
from django.utils.safestring import mark_safe

from .models import Article, Section, TaggedArticle

MAX_QUERY_LENGTH = 200
MAX_TERMS = 10
# Enough for any real article; keeps a pasted novel from overflowing PostgreSQL's tsvector.
MAX_INDEXED_BODY = 100_000

# Where a word appears decides how much it counts: PostgreSQL weight class, SQLite bm25 weight.
# The SQLite FTS5 table has these columns in this order (see migration 0003_search_index).
FIELDS = {
    "headline": ("A", 10.0),
    "dek": ("B", 4.0),
    "tags": ("B", 4.0),
    "section": ("D", 0.5),
    "body": ("C", 1.0),
}
PG_CONFIG = "english"
PG_WEIGHTS = [0.1, 0.2, 0.4, 1.0]  # D, C, B, A
FTS_TABLE = "articles_search"
LARGE_FIELDS = ["body", "search_vector", "search_rank_vector"]

# Private-use characters mark the matches inside snippets; the text is HTML-escaped first and
# the markers then become <mark> tags, so nothing from an article reaches the page unescaped.
MATCH_START, MATCH_STOP = "\ue000", "\ue001"
SNIPPET_WORDS = 30
# A search matching more articles than this shows "1,000+ results" and pages through the best
# this many: counting every match of a common word costs time in proportion to the archive,
# and nobody pages past the first thousand.
MAX_RESULTS = 1000
# PostgreSQL: a query whose words many headlines, summaries and tags hold has only the newest
# MAX_RESULTS of those matches ranked (PostgresSearch.hits), read from a date index that holds
# each article's ranking vector (migration 0026) until that many match: about
# MAX_RESULTS x archive / matches index entries, where ranking them all reads `matches` table
# rows at several times the cost each. Measured at 100,000 articles, the two cost the same
# between 2,000 and 4,000 matches ("market": 4,600 matches, 5 to 7 ms read newest first
# against 8 to 12 ranked; "bank", 5,900: 3 against 10 ms), so the newest are read when
# matches² > RANK_NEWEST_FACTOR x archive (see newest_is_cheaper()): from about 3,800.
RANK_NEWEST_FACTOR = 150

# PostgreSQL: a query with words left out ("budget -miti") looks for them in the bodies of
# its best matches one by one, in rank order, when at least 1 in this many is expected to be
# kept (PostgresSearch.ranking()).
LEFT_OUT_CHECKED = 10
# PostgreSQL: a query found in no more articles than this (as counted for the results) has
# all its matches ranked in one query, bodies included, rather than first those with the
# words in a headline, summary or tag and then, when those do not fill the page, all again.
# So has a query found in more, whose headline, summary and tag matches do not fill a page:
# every page of it would rank them and then all again (PostgresSearch.count()).
AT_ONCE_UP_TO = 300
# How a search's matches are ranked (PostgresSearch.ranking(), kept with its count): all of
# them, the strong ones first; the newest MAX_RESULTS only (less those with a left-out word,
# checked one by one); all, the left-out words checked one by one; all at once, bodies
# included (few matches: AT_ONCE_UP_TO).
RANK_ALL, RANK_NEWEST, RANK_LEAVING_OUT, RANK_AT_ONCE = "all", "newest", "leaving out", "at once"

TAG_PATTERN = r"""<(?:"[^"]*"|'[^']*'|[^'">])*>"""
# The only entities the sanitiser writes in text (html5ever's serialiser).
TEXT_ENTITIES = [("&lt;", "<"), ("&gt;", ">"), ("&nbsp;", " "), ("&amp;", "&")]
WORD_CHARACTER = re.compile(r"[^\W_]")
TOKEN = re.compile(r'(-*)"([^"]*)"?|([^\s"]+)')


def clean_query(raw):
    """What we search for: printable text, bounded in length."""
    text = "".join(ch for ch in (raw or "") if ch.isprintable())
    return " ".join(text.split())[:MAX_QUERY_LENGTH]


def plain_text(markup):
    """The readable text of stored (sanitised) article HTML, for indexing and snippets."""
    text = re.sub(TAG_PATTERN, " ", (markup or "")[:MAX_INDEXED_BODY])
    text = html.unescape(text).replace(MATCH_START, "").replace(MATCH_STOP, "")
    return " ".join(text.split())


@dataclass(frozen=True)
class Term:
    text: str
    phrase: bool = False


@dataclass(frozen=True)
class Query:
    """All of ``groups`` (each one any of its terms) and none of ``excluded``."""

    groups: tuple[tuple[Term, ...], ...] = ()
    excluded: tuple[Term, ...] = ()

    def __bool__(self):
        return bool(self.groups)


def parse(text):
    """Read a web-search-style query into terms; syntax we don't know is read as words.

    Nothing of the user's text reaches a database as query syntax: every term is later
    quoted as a word or phrase. Terms without a letter or digit (``*``, ``^``, emoji) are
    dropped, and a query with nothing left to look for finds nothing.
    """
    groups, excluded = [], []
    join_next = False
    for dashes, quoted, bare in TOKEN.findall(clean_query(text)):
        if len(groups) + len(excluded) >= MAX_TERMS:
            break
        if bare.lower() == "or":
            join_next = bool(groups)
            continue
        negated = bool(dashes) or bare.startswith("-")
        words = (quoted if quoted or dashes else bare.lstrip("-")).split()
        if not any(WORD_CHARACTER.search(word) for word in words):
            join_next = False
            continue
        term = Term(" ".join(words), phrase=len(words) > 1 or bool(quoted))
        if negated:
            excluded.append(term)
        elif join_next:
            groups[-1].append(term)
        else:
            groups.append([term])
        join_next = False
    return Query(tuple(tuple(group) for group in groups), tuple(excluded))


def to_fts5(query):
    """An FTS5 MATCH expression in which every term is a quoted string, never syntax."""

    def quoted(term):
        return '"' + term.text.replace('"', '""') + '"'

    def either(terms):
        inner = " OR ".join(quoted(term) for term in terms)
        return f"({inner})" if len(terms) > 1 else inner

    expression = " AND ".join(either(group) for group in query.groups)
    if query.excluded:
        expression = f"({expression}) NOT {either(query.excluded)}"
    return expression


def to_websearch(query, *, as_words=()):
    """The same query in the syntax of PostgreSQL's ``websearch_to_tsquery``; phrases in
    ``as_words`` are written as their words, each quoted so that none reads as syntax."""

    def written(term):
        if term in as_words:
            return " ".join(f'"{word}"' for word in term.text.split())
        return f'"{term.text}"' if term.phrase else term.text

    parts = [" or ".join(written(term) for term in group) for group in query.groups]
    parts += [f"-{written(term)}" for term in query.excluded]
    return " ".join(parts)


def highlighted(snippet):
    """Escape the snippet's text, then turn the match markers into <mark> tags."""
    text = escape(snippet or "")
    return mark_safe(text.replace(MATCH_START, "<mark>").replace(MATCH_STOP, "</mark>"))


@dataclass(frozen=True)
class Hit:
    article: "PageArticle"  # stands for the Article
    snippet: str = ""  # safe HTML: escaped text, matches in <mark>
    matched: str = ""  # what the snippet shows the matches of: it names a kept card's copy


def lazy_hits(ids, query, found_snippets=None):
    """Hits for the articles of ``ids`` (in that order), whose articles and snippets are
    read from the database, all at once, only when a card showing one is drawn: a card kept
    from an earlier render (templates/includes/article_card.html) needs only the article's
    key, and a page whose cards are all kept reads neither. ``found_snippets(ids)``:
    {id: raw snippet}; None: no snippets."""
    found = functools.cache(lambda: by_id(ids))
    articles = [PageArticle(pk, found) for pk in ids]
    if found_snippets is None:
        return [Hit(article) for article in articles]
    texts = functools.cache(lambda: found_snippets(ids))
    matched = to_websearch(query)
    return [
        Hit(article, SimpleLazyObject(lambda pk=article.pk: highlighted(texts().get(pk))), matched)
        for article in articles
    ]


class PageArticle:
    """One article of a page of hits: its key at once, the rest read with the page's other
    articles when first asked for (lazy_hits()). Equal to the article it stands for."""

    def __init__(self, pk, found):
        self.pk = self.id = pk
        self._found = found

    @cached_property
    def article(self):
        return self._found().get(self.pk) or gone(self.pk)

    def __getattr__(self, name):
        if name.startswith("__"):  # copy, pickle and the like ask for these: not the article's
            raise AttributeError(name)
        return getattr(self.article, name)

    def __eq__(self, other):
        return self.article == other

    def __hash__(self):
        return hash(self.pk)

    def __repr__(self):
        return f"<PageArticle {self.pk}>"


def gone(pk):
    """What a hit shows of an article deleted between being found and being read (in the
    same request): a card without a headline, whose links lead to a "not found" page."""
    return Article(pk=pk, slug="-", section=Section(pk=0, name="", slug="-"))


def by_id(ids):
    """The articles of ``ids`` as cards show them, by id. The ids come from a query that
    applied the publishing rule; they are fetched by key."""
    return (
        Article.objects.select_related("section", "lead_image", "label")
        .defer(*LARGE_FIELDS)
        .order_by()
        .in_bulk(ids)
    )


def newest_is_cheaper(matches, archive):
    """Whether reading ``archive`` articles newest first until MAX_RESULTS of ``matches``
    are found costs less than ranking every match (RANK_NEWEST_FACTOR)."""
    return matches * matches > RANK_NEWEST_FACTOR * archive


class Results:
    """Ranked hits for one search, sliceable and countable the way Django's paginator wants."""

    def __init__(self, query, articles, *, snippets=True):
        self.query = query
        self.articles = articles
        self.snippets = snippets
        self._matches = None
        self._ranking = None
        self._held = None  # how many results the ranking holds, when fewer than counted

    @classmethod
    def none(cls):
        return cls(Query(), Article.objects.none())

    def matches(self):
        """How many articles match, counted up to one past ``MAX_RESULTS``."""
        if self._matches is None:
            if self.query:
                # Counting settles the ranking chosen from estimates (PostgresSearch.count()).
                self._matches, self._held, self._ranking = engine(self.articles.db).count(
                    self.query, self.articles, MAX_RESULTS + 1, ranking=self.ranking()
                )
            else:
                self._matches = 0
        return self._matches

    def count(self):
        """How many results there are to page through: at most ``MAX_RESULTS``, and no more
        than the ranking holds (the newest matches, less those with a left-out word)."""
        held = MAX_RESULTS if self._held is None else self._held
        return min(self.matches(), held)

    def ranking(self):
        """How the matches are ranked: RANK_ALL, RANK_NEWEST or RANK_LEAVING_OUT, as the
        engine estimates it, then as counting finds it (PostgresSearch.count(): it may be
        RANK_AT_ONCE then)."""
        if self._ranking is None:
            self._ranking = (
                engine(self.articles.db).ranking(self.query, self.articles)
                if self.query
                else RANK_ALL
            )
        return self._ranking

    # For newsroom.cache's CachedCountPaginator: kept until the content changes, the uncapped
    # count, which says whether to show "1,000+ results", how the results are ranked (the
    # planner's estimate behind it is asked of the database once, not on every render) and
    # how many of them the ranking holds.
    def total(self):
        return [self.matches(), self.ranking(), self._held]

    def from_total(self, total):
        self._matches, self._ranking, self._held = [*total, None][:3]  # earlier code: two
        if isinstance(self._ranking, bool):  # kept by earlier code: the newest only or not
            self._ranking = RANK_NEWEST if self._ranking else RANK_ALL
        if len(total) == 2 and self._ranking == RANK_NEWEST and self.query.excluded:
            # Counted by earlier code among the newest without the left-out words, which
            # are now looked for in the newest as the page is drawn: all are ranked instead.
            self._ranking = RANK_LEAVING_OUT
        return self.count()

    @property
    def capped(self):
        """True when more articles match than the results hold ("1,000+ results")."""
        return self.matches() > MAX_RESULTS

    def __len__(self):
        return self.count()

    def __getitem__(self, key):
        if isinstance(key, int):
            return self[key : key + 1][0]
        if key.step is not None or (key.start or 0) < 0 or (key.stop or 0) < 0:
            raise ValueError("Search results take a plain slice.")
        start = key.start or 0
        stop = self.count() if key.stop is None else min(key.stop, MAX_RESULTS)
        if not self.query or stop <= start:
            return []
        return engine(self.articles.db).hits(
            self.query,
            self.articles,
            start,
            stop,
            snippets=self.snippets,
            ranking=self.ranking(),
        )


def search(query, *, section=None, published_from=None, published_to=None, snippets=True):
    """Published articles matching ``query``, best first, as ``Results`` of ``Hit``."""
    articles = Article.objects.published()
    if section is not None:
        articles = articles.filter(section=section)
    if published_from is not None:
        articles = articles.filter(publish_at__date__gte=published_from)
    if published_to is not None:
        articles = articles.filter(publish_at__date__lte=published_to)
    return Results(parse(query), articles, snippets=snippets)


def reindex(articles):
    """Bring the search index up to date for a queryset of articles."""
    engine(articles.db).reindex(articles)


def forget(article_id, using="default"):
    """Remove a deleted article from the index (PostgreSQL's index goes with the row)."""
    engine(using).forget(article_id)


def compact(using="default"):
    """Rebuild the search indexes compactly, after writing many articles at once.

    PostgreSQL: writing an article's search vectors makes a new version of its row, and each
    index of the articles table then holds an entry for both until VACUUM frees the old one,
    leaving the page it was on part empty. After every article has been written that way
    (rebuild_search_index, an import, bulk loading), each index is about twice its size, and
    a search reading the newest matches from the date index reads twice the pages: at
    100,000 articles 61 MB against 42, the newest 1,000 matches of a word in 4,000 headlines
    8.7 against 5.6 ms. The indexes are rebuilt without locking out readers or writers
    (REINDEX ... CONCURRENTLY) and the table vacuumed and analysed. SQLite: the FTS5 table's
    segments are merged into one ('optimize') and the tables analysed. On PostgreSQL at
    100,000 articles it took two minutes, the site reading and writing meanwhile.
    """
    engine(using).compact()


class WordPairs(Func):
    """The adjacent pairs of words in a search vector (migration 0006_search_word_pairs)."""

    function = "article_search_pairs"
    output_field = ArrayField(TextField())


@functools.lru_cache(maxsize=512)
def word_pairs(using, phrase):
    """The pairs an article must hold to contain ``phrase``: none when, after stemming and
    dropping stop words, no two of its words are next to each other."""
    with connections[using].cursor() as cursor:
        cursor.execute(
            "SELECT article_search_pairs(to_tsvector(%s::regconfig, %s))", [PG_CONFIG, phrase]
        )
        return tuple(cursor.fetchone()[0])


class PostgresSearch:
    """A weighted tsvector column with a GIN index (migration 0003_search_index)."""

    def __init__(self, connection):
        self.connection = connection

    def documents(self):
        """The full vector (every word, for matching) and the small one (for ranking)."""
        tags = Subquery(
            TaggedArticle.objects.filter(content_object=OuterRef("pk"))
            .values("content_object")
            .annotate(names=StringAgg("tag__name", " "))
            .values("names")
        )
        section = Subquery(Section.objects.filter(pk=OuterRef("section_id")).values("name"))
        sources = {"headline": F("headline"), "dek": F("dek"), "tags": tags, "section": section}
        ranked = [
            SearchVector(source, weight=FIELDS[name][0], config=PG_CONFIG)
            for name, source in sources.items()
        ]
        rank_vector = ranked[0]
        for vector in ranked[1:]:
            rank_vector = rank_vector + vector
        body = SearchVector(self.plain_text("body"), weight=FIELDS["body"][0], config=PG_CONFIG)
        # Bounded to what an entry of the date index holding it can take (migration
        # 0026_search_newest_index): past that, the headline's words alone.
        bounded = Func(
            rank_vector, function="article_rank_vector_bounded", output_field=SearchVectorField()
        )
        return rank_vector + body, bounded

    @staticmethod
    def plain_text(field):
        text = Func(
            Left(field, MAX_INDEXED_BODY),
            Value(TAG_PATTERN),
            Value(" "),
            Value("g"),
            function="regexp_replace",
            output_field=TextField(),
        )
        for entity, character in [*TEXT_ENTITIES, (MATCH_START, ""), (MATCH_STOP, "")]:
            text = Replace(text, Value(entity), Value(character), output_field=TextField())
        return text

    def reindex(self, articles):
        full, rank = self.documents()
        Article.objects.filter(pk__in=articles.values("pk")).update(
            search_vector=full, search_rank_vector=rank
        )

    def forget(self, article_id):
        pass

    def compact(self):
        table = self.connection.ops.quote_name(Article._meta.db_table)
        # CONCURRENTLY and VACUUM cannot run in a transaction (a test's, say): there the
        # indexes are rebuilt locked (no writes, no reads through them meanwhile), and the
        # table analysed only.
        outside = not self.connection.in_atomic_block
        with self.connection.cursor() as cursor:
            cursor.execute(f"REINDEX TABLE {'CONCURRENTLY ' if outside else ''}{table}")
            cursor.execute(f"{'VACUUM ' if outside else ''}ANALYZE {table}")

    @staticmethod
    def tsquery(query, as_words=()):
        text = to_websearch(query, as_words=as_words)
        return SearchQuery(text, search_type="websearch", config=PG_CONFIG)

    @staticmethod
    def tsquery_sql(query):
        """tsquery() as SQL and its parameters, for the queries written here by hand."""
        return "websearch_to_tsquery(%s::regconfig, %s)", [PG_CONFIG, to_websearch(query)]

    def pairs(self, term):
        return word_pairs(self.connection.alias, term.text) if term.phrase else ()

    def matching(self, query, articles, vector):
        """Articles whose ``vector`` (field name) matches the query.

        The vector's GIN index knows which articles hold each word, not where, so a phrase
        of common words would be checked against the word positions of tens of thousands of
        articles. A two-word phrase standing alone in its group is decided instead by the
        index of adjacent word pairs (migration 0006_search_word_pairs), exactly, and the
        vector's index is asked only for its two words. This is done only when every phrase
        of the query is such a pair: were any word positions left to check, PostgreSQL would
        also recompute the pairs of every article it checks, which is slower still.
        """
        phrases = [term for term in [*chain(*query.groups), *query.excluded] if term.phrase]
        paired = [group[0] for group in query.groups if len(group) == 1 and self.paired(group[0])]
        if not phrases or len(paired) < len(phrases):
            return articles.filter(**{vector: self.tsquery(query)})
        alias = f"{vector}_pairs"
        articles = articles.alias(**{alias: WordPairs(vector)})
        for term in paired:
            articles = articles.filter(**{f"{alias}__contains": list(self.pairs(term))})
        if query.excluded or len(paired) < len(query.groups):
            articles = articles.filter(**{vector: self.tsquery(query, as_words=set(paired))})
        return articles

    def paired(self, term):
        return len(term.text.split()) == 2 and len(self.pairs(term)) == 1

    def estimated(self, matching):
        """How many articles the planner expects ``matching`` to hold (EXPLAIN: planned,
        not run)."""
        matching = matching.order_by().values("pk")
        sql, params = matching.query.get_compiler(connection=self.connection).as_sql()
        with self.connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
            plan = cursor.fetchone()[0]
        plan = json.loads(plan) if isinstance(plan, str) else plan
        return plan[0]["Plan"]["Plan Rows"]

    def count(self, query, articles, limit, *, ranking):
        """How many articles match, up to ``limit``; how many of them the ranking holds
        (None: as many as the results show); and the ranking, as counting settles it: the
        newest matches with words left out may hold too few (newest_holding()), and a query
        of few matches, or of too few strong ones to fill a page, is ranked all at once."""
        if ranking == RANK_NEWEST:
            # Best matches are many, and the newest are found from the date index as
            # hits() does: when there are ``limit`` of them, there are as many matches,
            # without reading the index of every article that mentions the words anywhere.
            newest = self.newest(query, articles)
            if not query.excluded:
                if newest[:limit].count() == limit:
                    return limit, None, ranking
            elif newest[:MAX_RESULTS].count() == MAX_RESULTS:
                held = self.newest_holding(query, articles)
                if held * 2 >= MAX_RESULTS:
                    return limit, held, ranking
                ranking = self.ranked_whole(query, articles, self.kept_words(query, articles))
        matching = self.matching(query, articles, "search_vector").order_by().values("pk")
        sql, params = matching.query.get_compiler(connection=self.connection).as_sql()
        # Planned on its own, without the LIMIT, the match is read from the GIN index and the
        # scan stops at the limit. With the LIMIT in view PostgreSQL prefers to read the table
        # in order, checking every row's out-of-line vector, several times slower.
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"WITH matching AS MATERIALIZED ({sql}) "
                "SELECT count(*) FROM (SELECT 1 FROM matching LIMIT %s) AS counted",
                [*params, limit],
            )
            matches = cursor.fetchone()[0]
        if ranking == RANK_ALL and (
            matches <= AT_ONCE_UP_TO or self.fewer_strong_than_a_page(query, articles)
        ):
            ranking = RANK_AT_ONCE
        return matches, None, ranking

    def fewer_strong_than_a_page(self, query, articles):
        """Whether the matches in headlines, summaries and tags do not fill a page of
        results: every page then ranks all matches (hits())."""
        page = settings.NEWSROOM_PAGE_SIZE
        return self.strong(query, articles)[:page].count() < page

    def newest_holding(self, query, articles):
        """How many of the newest MAX_RESULTS strong matches hold none of the query's
        left-out words: the results, when they are read newest first. Counted once, with
        the count; when they are under half of MAX_RESULTS (the left-out words go with the
        kept ones: "government -minister"), count() ranks every match instead."""
        sql, params = self.newest_ranked(query, articles)
        kept_sql, kept_params = self.without_left_out(query, sql)
        with self.connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM ({kept_sql}) AS kept", [*params, *kept_params])
            return cursor.fetchone()[0]

    def strong(self, query, articles):
        """The matches in the small vector kept in the row, the one ranking reads: where the
        words appear in the headline, summary, tags and section. All the words in it means
        all of them in the full one, unless some are excluded."""
        strong = self.matching(query, articles, "search_rank_vector")
        if query.excluded:
            strong = self.matching(query, strong, "search_vector")
        return strong

    def newest(self, query, articles):
        """The strong matches, newest first, as hits() and count() read them when
        ranking() says so: from the date index that holds the ranking vector (migration
        0026_search_newest_index), each entry checked against the query itself, phrases
        too. A word-pair index spares nothing here, and computing an article's pairs to
        check it would cost more than checking its words' positions. Words left out are
        left out of the small vector only: the newest are then checked one by one
        (without_left_out())."""
        newest = articles.filter(search_rank_vector=self.tsquery(query))
        return newest.order_by("-publish_at", "-pk")

    def newest_ranked(self, query, articles):
        """SQL for the newest MAX_RESULTS strong matches, each ranked as it is read from the
        date index (``found``, ``ranked``, ``newest_at``), best first."""
        newest = self.newest(query, articles).values_list("id", "publish_at", "search_rank_vector")
        sql, params = newest[:MAX_RESULTS].query.get_compiler(connection=self.connection).as_sql()
        tsquery, tsquery_params = self.tsquery_sql(query)
        # Ranked as hits() ranks (ts_rank, PG_WEIGHTS), by this SQL rather than a SearchRank
        # compiled into the query above: compiling that, with its weights, was a tenth of a
        # search page's Python. OFFSET 0 keeps what is asked of the ranked rows out of this
        # query (see without_left_out()).
        return (
            "SELECT id AS found, publish_at AS newest_at, ts_rank(%s::float4[], "
            f"search_rank_vector, {tsquery}) AS ranked "
            f"FROM ({sql}) AS newest ORDER BY ranked DESC, newest_at DESC, found DESC OFFSET 0",
            [PG_WEIGHTS, *tsquery_params, *params],
        )

    def without_left_out(self, query, sql):
        """SQL for the rows of ``sql`` (a ``found`` id each), in their order, whose article
        holds none of the query's left-out words anywhere: each looked for in its full
        vector, one by one, as the rows are read. Looked for in every match at once through
        the full vector's index, they cost reading that index for every article with the
        kept words anywhere ("budget -miti": "budget" is in 42,000 of 100,000 bodies)."""
        if not query.excluded:
            return sql, []
        table = self.connection.ops.quote_name(Article._meta.db_table)
        left_out, params = self.tsquery_sql(Query((query.excluded,)))
        return (
            f"SELECT found FROM ({sql}) AS candidate WHERE NOT ("
            f"SELECT search_vector FROM {table} WHERE id = candidate.found) @@ {left_out}",
            params,
        )

    def ranking(self, query, articles):
        """How hits() ranks the matches, from the planner's estimates (asked once, then kept
        with the count): only the newest MAX_RESULTS of the strong matches when they are so
        many that reading the newest costs less than ranking them all (with words left out,
        the newest are checked for them one by one, and count() ranks them all after all if
        fewer than half are kept); else all of them (ranked_whole())."""
        kept_words = self.kept_words(query, articles)
        # A phrase with a left-out word, read newest first, would have the positions of
        # every word of each article read checked. The archive read newest first is every
        # published article, whatever else the search is limited to (a section, dates).
        phrases = any(term.phrase for term in chain(*query.groups, query.excluded))
        archive = self.estimated(Article.objects.using(articles.db).published())
        if not (query.excluded and phrases) and newest_is_cheaper(kept_words, archive):
            return RANK_NEWEST
        return self.ranked_whole(query, articles, kept_words)

    def kept_words(self, query, articles):
        """The planner's estimate of the strong matches as the small vector alone finds
        them: a left-out word in a body is looked for afterwards, in the newest ones or in
        rank order."""
        return self.estimated(self.matching(query, articles, "search_rank_vector"))

    def ranked_whole(self, query, articles, kept_words):
        """How every strong match is ranked (``kept_words``: kept_words()): for a query with
        words left out, their bodies checked one by one in rank order when at least 1 in
        LEFT_OUT_CHECKED strong matches is expected to be kept; else through the full
        vector's index."""
        if not query.excluded:
            return RANK_ALL
        strong = self.estimated(self.strong(query, articles))
        return RANK_LEAVING_OUT if strong * LEFT_OUT_CHECKED >= kept_words else RANK_ALL

    def hits(self, query, articles, start, stop, *, snippets, ranking):
        tsquery = self.tsquery(query)
        rank = SearchRank(F("search_rank_vector"), tsquery, weights=PG_WEIGHTS)
        # Ranked matches come first, then matches in the body alone, newest first. A page
        # made only of ranked matches is found from the small vector's own indexes, without
        # visiting every article that mentions the words somewhere in its body.
        # A query in very many headlines, summaries and tags ("libya": 30,000) has only its
        # newest MAX_RESULTS such matches ranked, as many as the results can hold: read from
        # the date index until that many are found, they cost what a rarer word's do, where
        # ranking and sorting every match grew with the archive. Fewer matches (as the
        # planner estimates them from the column's statistics: counting them would cost what
        # ranking them does) are all ranked: walking the dates to find those would read much
        # of the archive (newest_is_cheaper()).
        if ranking == RANK_NEWEST:
            hits = self.newest_page(query, articles, tsquery, start, stop, snippets=snippets)
        elif ranking == RANK_LEAVING_OUT:
            hits = self.page_leaving_out(
                query, articles, rank, tsquery, start, stop, snippets=snippets
            )
        elif ranking == RANK_ALL:
            strong = self.strong(query, articles)
            hits = self.page(query, strong, rank, tsquery, start, stop, snippets=snippets)
        else:  # RANK_AT_ONCE: every match, strong or not, in the query below
            hits = []
        if len(hits) == stop - start:
            return hits
        rank = Case(
            When(search_rank_vector=tsquery, then=rank),
            default=Value(0.0),
            output_field=FloatField(),
        )
        matching = self.matching(query, articles, "search_vector")
        return self.page(query, matching, rank, tsquery, start, stop, snippets=snippets)

    def newest_page(self, query, articles, tsquery, start, stop, *, snippets):
        """A page of the newest MAX_RESULTS strong matches, best first. Each is ranked as it
        is read from the date index, which holds its ranking vector: only the page's own
        articles are then read from the table (and, with words left out, looked for in)."""
        newest_sql, params = self.newest_ranked(query, articles)
        sql, kept_params = self.without_left_out(query, newest_sql)
        return self.page_of(
            query, sql, [*params, *kept_params], tsquery, start, stop, snippets=snippets
        )

    def page_leaving_out(self, query, articles, rank, tsquery, start, stop, *, snippets):
        """A page of the strong matches of a query with words left out. The small vector
        decides the words it holds; a left-out word in the body alone is looked for only in
        the best of them, in rank order, until the page is full (without_left_out())."""
        candidates = (
            self.matching(query, articles, "search_rank_vector")
            .annotate(ranked=rank)
            .order_by("-ranked", "-publish_at", "-pk")
            .values(found=F("pk"))
        )
        sql, params = candidates.query.get_compiler(connection=self.connection).as_sql()
        # OFFSET 0 keeps the check out of the candidates' query, where PostgreSQL would
        # make it for every match before sorting them.
        sql, kept_params = self.without_left_out(query, f"{sql} OFFSET 0")
        return self.page_of(
            query, sql, [*params, *kept_params], tsquery, start, stop, snippets=snippets
        )

    def page_of(self, query, sql, params, tsquery, start, stop, *, snippets):
        """The hits of ``sql`` (ids as ``found``, in rank order) from ``start`` to ``stop``."""
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"SELECT found FROM ({sql}) AS ranked LIMIT %s OFFSET %s",
                [*params, stop - start, start],
            )
            ids = [row[0] for row in cursor.fetchall()]
        found_snippets = functools.partial(self.snippets, tsquery) if snippets else None
        return lazy_hits(ids, query, found_snippets)

    def page(self, query, matching, rank, tsquery, start, stop, *, snippets):
        # The page is chosen on the narrow rows (rank, date, id) of every match; only its
        # own articles are then read, by key, with their section, label and photo: joining
        # the up to 1,000 ranked matches before sorting them cost half the query, and
        # building one query holding the other (the ranking twice) cost more than the
        # second round trip.
        order = ("-rank", "-publish_at", "-pk")
        chosen = matching.annotate(rank=rank).order_by(*order).values_list("pk", flat=True)
        found_snippets = functools.partial(self.snippets, tsquery) if snippets else None
        return lazy_hits(list(chosen[start:stop]), query, found_snippets)

    def snippets(self, tsquery, ids):
        # ts_headline is costly (most of the search's time when it ran for every page), so
        # it runs for a page's articles only, and only when one of their cards is drawn.
        snippet = SearchHeadline(
            self.plain_text("body"),
            tsquery,
            config=PG_CONFIG,
            start_sel=MATCH_START,
            stop_sel=MATCH_STOP,
            max_words=SNIPPET_WORDS,
            min_words=SNIPPET_WORDS // 2,
            max_fragments=2,
            fragment_delimiter=" … ",
        )
        found = Article.objects.filter(pk__in=ids).annotate(snippet=snippet)
        return dict(found.values_list("pk", "snippet"))


class SQLiteSearch:
    """An FTS5 table (migration 0003_search_index) whose rowid is the article's id."""

    COLUMNS = ", ".join(FIELDS)
    BM25 = f"bm25({FTS_TABLE}, {', '.join(str(weight) for _, weight in FIELDS.values())})"
    BODY_COLUMN = list(FIELDS).index("body")
    BATCH = 500

    def __init__(self, connection):
        self.connection = connection

    def reindex(self, articles):
        rows = articles.order_by("pk").values_list("pk", "headline", "dek", "section__name", "body")
        batch = []
        for row in rows.iterator(chunk_size=self.BATCH):
            batch.append(row)
            if len(batch) == self.BATCH:
                self.write(batch)
                batch = []
        if batch:
            self.write(batch)

    def write(self, rows):
        tags = {}
        names = TaggedArticle.objects.filter(content_object__in=[row[0] for row in rows])
        for article_id, name in names.values_list("content_object", "tag__name"):
            tags.setdefault(article_id, []).append(name)
        values = [
            (pk, headline, dek, " ".join(tags.get(pk, [])), section or "", plain_text(body))
            for pk, headline, dek, section, body in rows
        ]
        with self.connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT OR REPLACE INTO {FTS_TABLE} (rowid, {self.COLUMNS}) "
                "VALUES (%s, %s, %s, %s, %s, %s)",
                values,
            )

    def forget(self, article_id):
        with self.connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [article_id])

    def compact(self):
        with self.connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}) VALUES ('optimize')")
            cursor.execute("ANALYZE")

    def matching(self, articles, select):
        """SQL joining the FTS matches to the published articles (the ORM writes that part)."""
        published = articles.order_by().values("id", "publish_at")
        sql, params = published.query.get_compiler(connection=self.connection).as_sql()
        return (
            f"SELECT {select} FROM {FTS_TABLE} JOIN ({sql}) AS article "
            f"ON article.id = {FTS_TABLE}.rowid WHERE {FTS_TABLE} MATCH %s",
            list(params),
        )

    def count(self, query, articles, limit, *, ranking=RANK_ALL):
        sql, params = self.matching(articles, "1")
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"SELECT count(*) FROM ({sql} LIMIT %s)", [*params, to_fts5(query), limit]
            )
            return cursor.fetchone()[0], None, ranking

    def ranking(self, query, articles):
        return RANK_ALL  # FTS5 ranks every match

    def hits(self, query, articles, start, stop, *, snippets, ranking=RANK_ALL):
        match = to_fts5(query)
        sql, params = self.matching(articles, "article.id")
        sql += f" ORDER BY {self.BM25}, article.publish_at DESC, article.id DESC LIMIT %s OFFSET %s"
        with self.connection.cursor() as cursor:
            cursor.execute(sql, [*params, match, stop - start, start])
            ids = [row[0] for row in cursor.fetchall()]
        found_snippets = functools.partial(self.snippets, match) if snippets else None
        return lazy_hits(ids, query, found_snippets)

    def snippets(self, match, ids):
        if not ids:
            return {}
        placeholders = ", ".join(["%s"] * len(ids))
        sql = (
            f"SELECT rowid, snippet({FTS_TABLE}, {self.BODY_COLUMN}, %s, %s, '…', "
            f"{SNIPPET_WORDS}) FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s "
            f"AND rowid IN ({placeholders})"
        )
        with self.connection.cursor() as cursor:
            cursor.execute(sql, [MATCH_START, MATCH_STOP, match, *ids])
            return dict(cursor.fetchall())


ENGINES = {"postgresql": PostgresSearch, "sqlite": SQLiteSearch}


def engine(using):
    connection = connections[using]
    return ENGINES[connection.vendor](connection)
