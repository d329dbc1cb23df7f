"""What other apps add to the articles' pages and demo content, without articles knowing
them: an app registers its part here from its AppConfig.ready() (comments adds comment
counts to lists, the comment area to the article page, a thread to the demo story).
Dependencies run one way: such an app may import articles, articles never imports it.
"""

_listing_annotations = []
_article_page_parts = []
_private_article_requests = []
_demo_content = []
_card_keys = []
_overview_parts = []


def register_overview_part(function):
    """``function(request) -> dict | None``: a panel of the desk's overview page (say, the
    comments waiting for a moderator): ``{"template": ..., **its context}``, or None when
    this user has nothing to see there."""
    _overview_parts.append(function)
    return function


def overview_parts(request):
    return [part for part in (function(request) for function in _overview_parts) if part]


def register_listing_annotation(function):
    """``function(articles) -> articles``: annotates the queryset of every paginated list
    (section, tag, author, search), in the list's own query."""
    _listing_annotations.append(function)
    return function


def annotate_listing(articles):
    for annotate in _listing_annotations:
        articles = annotate(articles)
    return articles


def register_article_page_part(function):
    """``function(request, article) -> dict``: context the article page adds (say, the
    comment area). It is called before the page renders, so a part can announce the
    cache keys it will read (newsroom.cache.Fragments.want)."""
    _article_page_parts.append(function)
    return function


def article_page_parts(request, article):
    context = {}
    for part in _article_page_parts:
        context.update(part(request, article))
    return context


def register_card_keys(function):
    """``function(article) -> keys``: cache keys of what an app shows with an article in a
    list (say, its comment count), so that its change renews the lists showing it."""
    _card_keys.append(function)
    return function


def card_keys(article):
    return [key for function in _card_keys for key in function(article)]


def register_private_article_request(test):
    """``test(request) -> bool``: an article page asked this way is for one reader only
    (a poster's receipt), so its response is private and never stored."""
    _private_article_requests.append(test)
    return test


def is_private_article_request(request):
    return any(test(request) for test in _private_article_requests)


def register_demo_content(function):
    """``function(article, stdout)``: adds an app's demo content to the demo story."""
    _demo_content.append(function)
    return function


def add_demo_content(article, stdout=None):
    for add in _demo_content:
        add(article, stdout)


_wordpress_parts = []


def register_wordpress_part(function):
    """``function(article, item, context, reason=None)``: imports an app's part of a
    WordPress post (say, its comments) from the export's item, inside the post's
    transaction (articles.wordpress.importer; ``context`` keeps the report and the WordPress
    IDs). ``article`` is None when the post was not imported: ``reason`` says why, and the
    part reports its own items as skipped."""
    _wordpress_parts.append(function)
    return function


def import_wordpress_parts(article, item, context, reason=None):
    for part in _wordpress_parts:
        part(article, item, context, reason=reason)
