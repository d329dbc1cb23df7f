"""Template tags of curation and trust: labels, sponsored links."""

from django import template
from django.utils.safestring import mark_safe

from .. import labels

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
