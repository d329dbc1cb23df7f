from urllib.parse import urlencode

from django import template
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.html import format_html
from django.utils.timesince import timesince

register = template.Library()


@register.simple_tag
def time_ago(value):
    """'3 hours ago', with the exact moment machine-readable in <time datetime>."""
    if value is None:
        return ""
    return format_html(
        '<time datetime="{}" title="{}">{} ago</time>',
        value.isoformat(timespec="seconds"),
        timezone.localtime(value).strftime("%B %-d, %Y %H:%M"),
        timesince(value, timezone.now(), depth=1),
    )


@register.simple_tag
def time_on(value, fmt="F j, Y"):
    """An absolute date, written out, with the exact moment in <time datetime>."""
    if value is None:
        return ""
    return format_html(
        '<time datetime="{}">{}</time>',
        value.isoformat(timespec="seconds"),
        date_format(timezone.localtime(value), fmt),
    )


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
