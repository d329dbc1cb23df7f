"""Template tags of curation and trust: labels, sponsored links."""

from django import template
from django.utils.safestring import mark_safe

from .. import breaking, labels
from ..breaking import BreakingNews

register = template.Library()


@register.tag
def sponsored_links(parser, token):
    """``{% sponsored_links article %}…{% endsponsored_links %}``: the enclosed markup as it
    renders, with ``rel="sponsored"`` on its outbound links when the article is paid content
    (articles/labels.py); unchanged otherwise."""
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError(f"{bits[0]} takes one argument, the article")
    nodelist = parser.parse(("endsponsored_links",))
    parser.delete_first_token()
    return SponsoredLinksNode(parser.compile_filter(bits[1]), nodelist)


class SponsoredLinksNode(template.Node):
    def __init__(self, article, nodelist):
        self.article = article
        self.nodelist = nodelist

    def render(self, context):
        markup = self.nodelist.render(context)
        article = self.article.resolve(context)
        if article is None or not labels.is_sponsored(article):
            return markup
        request = context.get("request")
        own_hosts = {request.get_host().split(":")[0]} if request is not None else set()
        return mark_safe(labels.mark_sponsored_links(markup, own_hosts))


@register.inclusion_tag("includes/breaking_news.html", takes_context=True)
def breaking_news(context):
    """The breaking-news banner, if one is up; every page carrying this tag is renewed when
    a banner is saved or deleted, and is kept no longer than the banner's expiry (base.html
    keeps it in a fragment: no query on a re-render). Without ``fragments`` in the context
    (the database-free 500 page) there is none."""
    fragments = context.get("fragments")
    if fragments is None:
        return {"banner": None}
    fragments.add(breaking.KEY)
    return {"banner": BreakingNews.objects.current()}
