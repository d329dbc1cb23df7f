"""The cache keys of what articles' pages show, and which keys a change touches.

Pages and fragments record these keys (the views declare a page's own, ``{% card_keys %}``
adds each article shown in a list); ``articles.signals`` renews the keys a change touches
through the one invalidation path, newsroom.cache.renew():

- ``article:<pk>``: the article's own page (body, byline, tags...): any edit renews it;
- ``text:<pk>``: the article's words as search shows them (a result's snippet): any save
  renews it, but not what renews the page only (a live entry, a comment, a notice);
- ``card:<pk>``: every card, link or block showing the article elsewhere (headline, dek,
  photo, address, date, section), on lists and in other pages' Popular News, Recommended
  and Next/Previous: renewed only by an edit to those (``CARD_FIELDS``), so a story
  updated every minute does not renew every page showing it in Popular News;
- ``listing:home``, ``listing:section:<pk>``, ``listing:tag:<pk>``, ``listing:author:<pk>``:
  which articles a list holds and in what order, every page of it; publishing, unpublishing,
  deleting or moving an article renews those it is or was in, and ``nav:<pk>`` of the
  articles beside it in its section (their Next/Previous links);
- ``related:<pk>``: what the article's Recommended list is drawn from (its tags, its section);
- ``section:<pk>``, ``tag:<pk>``, ``author:<pk>``: their names and descriptions, wherever shown;
- ``label:<pk>``: a type-of-work label's name, style and note, on every card and story carrying it;
- ``menu``: the sections and the links (articles/site_links.py) in the header and footer,
  on every page;
- ``corrections``: the public list of corrections and updates, and its feed;
- ``breaking``: the breaking-news banner, on every public page (articles/breaking.py).
"""

from . import extensions, page_data

HOME = "listing:home"
# What a card shows of an article (besides its photo, renewed by the photo's own edit).
CARD_FIELDS = (
    "headline",
    "dek",
    "slug",
    "lead_image_id",
    "status",
    "publish_at",
    "unpublish_at",
    "section_id",
    "label_id",
    "reading_time",
)
MENU = "menu"
CORRECTIONS = "corrections"


def article(pk):
    return f"article:{pk}"


def card(pk):
    return f"card:{pk}"


def text(pk):
    return f"text:{pk}"


def neighbours(pk):
    """Which articles are beside this one (its Next/Previous links), not what they say."""
    return f"nav:{pk}"


def related(pk):
    """What an article's Recommended list is drawn from: its tags and its section (the
    stories it shows carry their own card keys; a new story sharing its tags waits for the
    list's lifetime). An edit of its text leaves the list as it was."""
    return f"related:{pk}"


def section(pk):
    return f"section:{pk}"


def tag(pk):
    return f"tag:{pk}"


def author(pk):
    return f"author:{pk}"


def label(pk):
    return f"label:{pk}"


def section_listing(pk):
    return f"listing:section:{pk}"


def tag_listing(pk):
    return f"listing:tag:{pk}"


def author_listing(pk):
    return f"listing:author:{pk}"


def card_keys(shown):
    """The keys of an article shown in a list: its own and what other apps show with it
    (say, its comment count)."""
    keys = [card(shown.pk), *extensions.card_keys(shown)]
    if shown.label_id:
        keys.append(label(shown.label_id))
    return keys


def article_page_keys(shown, tags, authors):
    """The keys the article page itself shows (its fragments and lists add theirs)."""
    return [
        article(shown.pk),
        section(shown.section_id),
        *([label(shown.label_id)] if shown.label_id else []),
        *(tag(t.pk) for t in tags),
        *(author(a.pk) for a in authors),
    ]


def placement_keys(shown, section_ids, tag_ids, author_ids):
    """What an article's arrival in, departure from or move within the lists renews: the
    lists it is or was in, and the pages of the articles beside it in its section."""
    keys = [
        HOME,
        neighbours(shown.pk),
        *(section_listing(pk) for pk in section_ids if pk),
        *(tag_listing(pk) for pk in tag_ids),
        *(author_listing(pk) for pk in author_ids),
    ]
    keys += [neighbours(beside.pk) for beside in page_data.neighbours(shown) if beside is not None]
    return keys
