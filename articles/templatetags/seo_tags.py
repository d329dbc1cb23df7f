import json

from django import template
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from articles import seo, structured_data

register = template.Library()

# The escaping django.utils.html.json_script applies: nothing in the data can close the
# <script> element or start markup, whatever a headline contains.
JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def ld_json(value):
    """A JSON-LD data block: <script type="application/ld+json"> with json_script's escaping."""
    data = json.dumps(value, cls=DjangoJSONEncoder).translate(JSON_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(data))


@register.simple_tag(takes_context=True)
def page_meta(context):
    """The page's PageMeta: the one its view built, a flat page's, or the site's default."""
    if context.get("meta") is not None:
        return context["meta"]
    request = context.get("request")
    if request is not None and context.get("flatpage") is not None:
        return seo.flatpage_meta(request, context["flatpage"])
    return seo.default_meta(request)


@register.filter
def iso8601(moment):
    return structured_data.iso8601(moment)


@register.simple_tag
def news_language():
    """The publication language as Google News wants it: "en", "ar", but "zh-cn"/"zh-tw"."""
    code = settings.LANGUAGE_CODE.lower()
    return code if code in {"zh-cn", "zh-tw"} else code.split("-")[0]
