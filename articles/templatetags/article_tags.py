from urllib.parse import urlencode

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext, pgettext

from .. import page_data, renewal

register = template.Library()


@register.filter
def body_html(body):
    """A stored body (an article's, a live entry's) as readers see it: its blocks expanded
    (articles/body_blocks.py). The article page gets its body from page_data directly."""
    return page_data.article_body(body)[0]


# Relative dates, largest unit first: (seconds in the unit, its phrase in singular and plural).
# Whole phrases, so that a language may put the number and "ago" where its grammar wants.
AGO_UNITS = [
    (60 * 60 * 24 * 365, lambda n: ngettext("%(count)d year ago", "%(count)d years ago", n)),
    (60 * 60 * 24 * 30, lambda n: ngettext("%(count)d month ago", "%(count)d months ago", n)),
    (60 * 60 * 24 * 7, lambda n: ngettext("%(count)d week ago", "%(count)d weeks ago", n)),
    (60 * 60 * 24, lambda n: ngettext("%(count)d day ago", "%(count)d days ago", n)),
    (60 * 60, lambda n: ngettext("%(count)d hour ago", "%(count)d hours ago", n)),
    (60, lambda n: ngettext("%(count)d minute ago", "%(count)d minutes ago", n)),
]


def ago(value, now=None):
    """'3 hours ago': the largest whole unit since `value`; 'just now' under a minute."""
    seconds = ((now or timezone.now()) - value).total_seconds()
    for unit, phrase in AGO_UNITS:
        count = int(seconds // unit)
        if count >= 1:
            return phrase(count) % {"count": count}
    return gettext("just now")


@register.simple_tag
def time_ago(value):
    """'3 hours ago', with the exact moment machine-readable in <time datetime>; marked
    ``data-ago`` for static/js/site.js, which says it afresh on a page a cache kept."""
    if value is None:
        return ""
    return format_html(
        '<time datetime="{}" title="{}" data-ago>{}</time>',
        value.isoformat(timespec="seconds"),
        date_format(timezone.localtime(value), "DATETIME_FORMAT"),
        ago(value),
    )


@register.simple_tag
def time_on(value, fmt="DATE_FORMAT", time_fmt=None):
    """An absolute date in the language's own format (a format's name, "DATE_FORMAT", or
    a date format), with the exact moment in <time datetime>; with `time_fmt`, the time of
    day too ('May 31, 2024 at 9:30 a.m.')."""
    if value is None:
        return ""
    local = timezone.localtime(value)
    text = date_format(local, fmt)
    if time_fmt:
        text = gettext("%(date)s at %(time)s") % {
            "date": text,
            "time": date_format(local, time_fmt),
        }
    return format_html('<time datetime="{}">{}</time>', value.isoformat(timespec="seconds"), text)


@register.simple_tag
def byline(authors):
    """'By A, B and C', each name a link to the author's page."""
    links = [format_html('<a href="{}">{}</a>', a.get_absolute_url(), a.name) for a in authors]
    if len(links) > 1:
        separator = pgettext("between names in a list", ", ")
        names = format_html(
            gettext("{names} and {last}"),
            names=format_html_join(separator, "{}", ((link,) for link in links[:-1])),
            last=links[-1],
        )
    else:
        names = mark_safe("".join(links))
    return format_html(gettext("By {names}"), names=names)


@register.simple_tag(takes_context=True)
def share_links(context, article):
    """Plain share links (no third-party scripts): [(network, label, href)]."""
    url = context["request"].build_absolute_uri(article.get_absolute_url())
    facebook = "https://www.facebook.com/sharer/sharer.php?" + urlencode({"u": url})
    x = "https://twitter.com/intent/tweet?" + urlencode({"url": url, "text": article.headline})
    whatsapp = "https://api.whatsapp.com/send?" + urlencode({"text": f"{article.headline} {url}"})
    return [("facebook", "Facebook", facebook), ("x", "X", x), ("whatsapp", "WhatsApp", whatsapp)]


@register.simple_tag(takes_context=True)
def page_url(context, number):
    """The current URL with another page number, keeping the other query parameters."""
    query = context["request"].GET.copy()
    if number == 1:
        query.pop("page", None)
    else:
        query["page"] = number
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else context["request"].path


@register.simple_tag(takes_context=True)
def card_keys(context, article):
    """``{% card_keys article %}``: the page (and the fragment being rendered) shows this
    article in a list, and is renewed when it changes (articles.renewal)."""
    fragments = context.get("fragments")
    if fragments is not None and article:
        fragments.add(*renewal.card_keys(article))
    return ""


@register.filter
def comment_count(article):
    """``article|comment_count``: the approved comments a list annotated (comments.counts),
    or None on a list that does not show them (the home page). Read from the instance's own
    attributes, where annotations are: a plain lookup of a missing attribute makes the
    template language list the object's attributes (0.25 ms a card), and would read a search
    hit's article, which is read only when its card is drawn (articles.search.PageArticle)."""
    return getattr(article, "__dict__", {}).get("comment_count")
