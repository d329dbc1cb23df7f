from urllib.parse import urlencode

from django import template
from django.core.cache.utils import make_template_fragment_key
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext, ngettext, pgettext

from newsroom.cache import rendered

register = template.Library()


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
    """'3 hours ago', with the exact moment machine-readable in <time datetime>."""
    if value is None:
        return ""
    return format_html(
        '<time datetime="{}" title="{}">{}</time>',
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


# How long a ``lasting`` fragment is kept: its content never changes under its key, so this
# only bounds what an unused one occupies.
LASTING_SECONDS = 60 * 60 * 24


@register.tag("fragment")
def do_fragment(parser, token):
    """``{% fragment "name" [max=SECONDS | lasting] value ... %}…{% endfragment %}``: the
    enclosed markup, rendered once and kept in the cache for every reader until anything
    readers can see changes (the page generation is part of the key, as is a fingerprint of
    the templates), at most as long as a page (newsroom.cache.Fragments), or ``max``
    seconds. The values it depends on besides (the date, the current menu item...) follow
    the name. ``lasting``: markup that depends on those values and the templates only, never
    on the site's content (the empty comment form), survives changes elsewhere.
    Without ``fragments`` in the context (the database-free 500 page) it simply renders."""
    bits = token.split_contents()
    if len(bits) < 2 or bits[1][0] not in "\"'" or bits[1][0] != bits[1][-1]:
        raise template.TemplateSyntaxError("{% fragment %} takes a quoted name first.")
    max_seconds, lasting = None, False
    values = bits[2:]
    if values and values[0].startswith("max="):
        max_seconds = int(values.pop(0).removeprefix("max="))
    elif values and values[0] == "lasting":
        values.pop(0)
        lasting = True
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    return FragmentNode(
        nodelist, bits[1][1:-1], max_seconds, [parser.compile_filter(v) for v in values], lasting
    )


class FragmentNode(template.Node):
    def __init__(self, nodelist, name, max_seconds, vary_on, lasting=False):
        self.nodelist = nodelist
        self.name = name
        self.max_seconds = max_seconds
        self.vary_on = vary_on
        self.lasting = lasting

    def render(self, context):
        fragments = context.get("fragments")
        if fragments is None:
            return self.nodelist.render(context)
        # The language is part of every key: a fragment kept in one language is never
        # shown in another (a lasting one outlives a change of LANGUAGE_CODE).
        values = [get_language(), *(value.resolve(context) for value in self.vary_on)]
        if self.lasting:
            seconds = LASTING_SECONDS
        else:
            values.insert(0, fragments.generation)
            seconds = fragments.seconds
        if self.max_seconds is not None:
            seconds = min(seconds, self.max_seconds)
        return rendered.get_or_render(
            make_template_fragment_key(self.name, values),
            lambda: self.nodelist.render(context),
            seconds,
        )
