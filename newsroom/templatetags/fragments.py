"""``{% fragment %}``: markup rendered once and kept for every reader, and
``{% depends_on %}``: what a page or fragment shows, for renewing it (newsroom.cache)."""

from django import template
from django.core.cache.utils import make_template_fragment_key
from django.utils.translation import get_language

from newsroom.cache import rendered

register = template.Library()


# How long a ``lasting`` fragment is kept: its content never changes under its key, so this
# only bounds what an unused one occupies.
LASTING_SECONDS = 60 * 60 * 24


@register.tag("fragment")
def do_fragment(parser, token):
    """``{% fragment "name" [max=SECONDS | lasting | local] value ... %}…{% endfragment %}``: the
    enclosed markup, rendered once and kept in the cache for every reader until one of the
    keys it shows is renewed (those ``{% depends_on %}`` names inside it; a fingerprint of
    the templates is part of its key), at most as long as a page (newsroom.cache.Fragments),
    or ``max`` seconds. The values it depends on besides (the date, the current menu
    item...) follow the name. ``lasting``: markup that depends on those values and the
    templates only, never on the site's content (the empty comment form), survives changes
    elsewhere. ``local``: kept by each process in its own memory only, never in the shared
    cache: for small markup that costs less to render than a round trip to fetch it and
    another to store it (a card, of which a list renders dozens after a site-wide change).
    Without ``fragments`` in the context (the database-free 500 page) it simply renders."""
    bits = token.split_contents()
    if len(bits) < 2 or bits[1][0] not in "\"'" or bits[1][0] != bits[1][-1]:
        raise template.TemplateSyntaxError("{% fragment %} takes a quoted name first.")
    max_seconds, lasting, local = None, False, False
    values = bits[2:]
    if values and values[0].startswith("max="):
        max_seconds = int(values.pop(0).removeprefix("max="))
    elif values and values[0] in ("lasting", "local"):
        lasting, local = values[0] == "lasting", values[0] == "local"
        values.pop(0)
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    vary_on = [parser.compile_filter(v) for v in values]
    return FragmentNode(nodelist, bits[1][1:-1], max_seconds, vary_on, lasting, local)


class FragmentNode(template.Node):
    def __init__(self, nodelist, name, max_seconds, vary_on, lasting=False, local=False):
        self.nodelist = nodelist
        self.name = name
        self.max_seconds = max_seconds
        self.vary_on = vary_on
        self.lasting = lasting
        self.local = local

    def render(self, context):
        fragments = context.get("fragments")
        if fragments is None:
            return self.nodelist.render(context)
        # The language is part of every key: a fragment kept in one language is never
        # shown in another (a lasting one outlives a change of LANGUAGE_CODE).
        values = [get_language(), *(value.resolve(context) for value in self.vary_on)]
        seconds = LASTING_SECONDS if self.lasting else fragments.seconds
        if self.max_seconds is not None:
            seconds = min(seconds, self.max_seconds)
        return rendered.get_or_render(
            make_template_fragment_key(self.name, values),
            lambda: self.nodelist.render(context),
            seconds,
            fragments=None if self.lasting else fragments,
            shared=not self.local,
        )


@register.simple_tag(takes_context=True)
def depends_on(context, name, *values):
    """``{% depends_on "article" article.pk %}``: the page (and the fragment being rendered)
    shows this, and is renewed with the key ``article:<pk>`` (newsroom.cache.renew)."""
    fragments = context.get("fragments")
    if fragments is not None:
        fragments.add(":".join(str(part) for part in (name, *values)))
    return ""
