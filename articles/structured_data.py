"""schema.org data as plain dicts; the `ld_json` template filter writes them out safely.

Every URL passed in is already absolute.
"""

from django.conf import settings
from django.urls import reverse

CONTEXT = "https://schema.org"


def iso8601(moment):
    """A timestamp for machines: whole seconds and the offset (2024-01-01T09:30:00+00:00)."""
    return moment.replace(microsecond=0).isoformat() if moment else ""


def publisher(request, logo_url, logo_width, logo_height):
    return {
        "@context": CONTEXT,
        "@type": "Organization",
        "name": settings.NEWSROOM_SITE_NAME,
        "url": request.build_absolute_uri(reverse("articles:home")),
        "logo": {
            "@type": "ImageObject",
            "url": logo_url,
            "width": logo_width,
            "height": logo_height,
        },
    }


def website(request):
    """The site, with the search box search engines may show under its name."""
    # A URL template for search engines, not a link: the placeholder must stay unencoded.
    search_template = request.build_absolute_uri(reverse("articles:search")) + (
        "?q={search_term_string}"
    )
    return {
        "@context": CONTEXT,
        "@type": "WebSite",
        "name": settings.NEWSROOM_SITE_NAME,
        "description": settings.NEWSROOM_TAGLINE,
        "url": request.build_absolute_uri(reverse("articles:home")),
        "potentialAction": {
            "@type": "SearchAction",
            "target": {"@type": "EntryPoint", "urlTemplate": search_template},
            "query-input": "required name=search_term_string",
        },
    }


def breadcrumbs(trail):
    """trail: [(name, absolute url)], from the home page down to the current page."""
    return {
        "@context": CONTEXT,
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": position, "name": name, "item": url}
            for position, (name, url) in enumerate(trail, start=1)
        ],
    }


def news_article(
    article,
    *,
    url,
    modified,
    image_urls,
    authors,
    tags,
    publisher,
    kind="NewsArticle",
    notices=(),
):
    """authors: [(name, absolute url)]; publisher: the dict from publisher(); kind: the
    schema.org type of the work (articles/labels.py); notices: its corrections and updates
    (articles/corrections.py), each a CorrectionComment."""
    data = {
        "@context": CONTEXT,
        "@type": kind,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
        "headline": article.headline,
        "description": article.dek,
        "image": image_urls,
        "datePublished": iso8601(article.publish_at),
        "dateModified": iso8601(modified),
        "author": [{"@type": "Person", "name": name, "url": link} for name, link in authors],
        "publisher": {key: value for key, value in publisher.items() if key != "@context"},
        "articleSection": article.section.name,
        "keywords": tags,
        "correction": [
            {
                "@type": "CorrectionComment",
                "name": notice.get_kind_display(),
                "text": notice.text,
                "datePublished": iso8601(notice.noted_at),
                "url": f"{url}#{notice.anchor}",
            }
            for notice in notices
        ],
    }
    return {key: value for key, value in data.items() if value not in (None, "", [])}
