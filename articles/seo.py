"""What each public page tells search engines, feed readers and social networks about itself.

Views build one `PageMeta` per page; `templates/includes/meta.html` turns it into the
<title>, description, canonical address, Open Graph and Twitter tags, feed links and JSON-LD.
"""

import html
import mimetypes
import re
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from . import images, labels, structured_data

DESCRIPTION_LENGTH = 160
BLOCK_END = re.compile(r"</(p|h[1-6]|li|blockquote|figcaption)>|<br\s*/?>", re.IGNORECASE)
LOGO = ("img/logo.png", 512, 512)  # static path, width, height


@dataclass
class SocialImage:
    storage: object
    name: str
    url: str  # images.file_url(): the preview view's address while the article is unpublished
    width: int | None
    height: int | None
    alt: str = ""
    bytes: int | None = None  # recorded with the rendition (no storage call); None: ask

    @property
    def mime_type(self):
        return mimetypes.guess_type(self.name)[0] or "application/octet-stream"

    def size(self):
        """Bytes, as recorded when the rendition was made, else as the storage reports them
        (a stat, not a read; a request on S3); 0 when it cannot tell."""
        if self.bytes is not None:
            return self.bytes
        try:
            return self.storage.size(self.name)
        except (OSError, NotImplementedError):
            return 0


def social_image(article):
    """The one place that picks an article's share and syndication picture: the 1200x630
    rendition of its lead photo made at upload, or the original while there is none."""
    photo = article.lead_image
    if photo is None or not photo.file:
        return None
    storage = photo.file.storage
    og = images.social_image(photo)
    if og is not None:
        return SocialImage(
            storage, og["name"], og["url"], og["width"], og["height"], photo.alt, og["bytes"]
        )
    name = photo.file.name
    return SocialImage(
        storage, name, images.file_url(photo, name), photo.width, photo.height, photo.alt
    )


@dataclass
class FeedLink:
    title: str
    url: str


@dataclass
class PageMeta:
    title: str  # the page's own title, without the site name
    description: str
    canonical: str = ""  # absolute; empty for pages that should not declare one
    type: str = "website"
    image_url: str = ""  # absolute
    image_width: int | None = None
    image_height: int | None = None
    image_alt: str = ""
    large_image: bool = False  # a picture worth a large card, not just the logo
    published: object = None
    modified: object = None
    section: str = ""
    tags: list[str] = field(default_factory=list)
    author_urls: list[str] = field(default_factory=list)
    feeds: list[FeedLink] = field(default_factory=list)
    structured_data: list[dict] = field(default_factory=list)
    noindex: bool = False
    home: bool = False
    # Social cards' own headline and summary, when an editor wrote them (else the above).
    social_title: str = ""
    social_description: str = ""

    @property
    def share_title(self):
        return self.social_title or self.title

    @property
    def share_description(self):
        return self.social_description or self.description

    @property
    def document_title(self):
        """The <title>: distinct for every page, the site name last (the home page: alone)."""
        if self.home:
            return settings.NEWSROOM_SITE_NAME
        return f"{self.title} – {settings.NEWSROOM_SITE_NAME}"


def describe(text, fallback=""):
    """A meta description from plain text: one line, about 160 characters."""
    plain = " ".join((text or "").split())
    return Truncator(plain or fallback).chars(DESCRIPTION_LENGTH)


def describe_html(markup, fallback=""):
    """A meta description from stored HTML: its text, paragraphs kept apart."""
    spaced = BLOCK_END.sub(r"\g<0> ", markup or "")
    return describe(html.unescape(strip_tags(spaced)), fallback)


def paged(title, page_obj):
    if page_obj is not None and page_obj.number > 1:
        return _("%(title)s – page %(number)s") % {"title": title, "number": page_obj.number}
    return title


def page_url(request, path, page_obj=None, **params):
    """An absolute address; page 1 carries no ?page, later pages carry their number."""
    query = {key: value for key, value in params.items() if value}
    if page_obj is not None and page_obj.number > 1:
        query["page"] = page_obj.number
    url = request.build_absolute_uri(path)
    return f"{url}?{urlencode(query)}" if query else url


def logo_url(request):
    return request.build_absolute_uri(static(LOGO[0]))


def publisher(request):
    return structured_data.publisher(request, logo_url(request), *LOGO[1:])


def _with_logo(meta, request):
    meta.image_url = logo_url(request)
    meta.image_width, meta.image_height = LOGO[1], LOGO[2]
    meta.image_alt = settings.NEWSROOM_SITE_NAME
    return meta


def _breadcrumbs(request, *trail):
    home = (_("Home"), reverse("articles:home"))
    return structured_data.breadcrumbs(
        [(name, request.build_absolute_uri(path)) for name, path in (home, *trail)]
    )


def default_meta(request):
    """For pages without their own: the site's name and tagline, no canonical address."""
    meta = PageMeta(title=settings.NEWSROOM_SITE_NAME, description=settings.NEWSROOM_TAGLINE)
    return _with_logo(meta, request) if request is not None else meta


def home_meta(request):
    meta = PageMeta(
        title=settings.NEWSROOM_SITE_NAME,
        description=describe(settings.NEWSROOM_TAGLINE),
        canonical=page_url(request, reverse("articles:home")),
        home=True,
        structured_data=[
            structured_data.website(request),
            publisher(request),
        ],
    )
    return _with_logo(meta, request)


def list_meta(request, *, title, description, path, page_obj, feed=None):
    """A section, tag or author page, each numbered page its own title and canonical."""
    meta = PageMeta(
        title=paged(title, page_obj),
        description=describe(description),
        canonical=page_url(request, path, page_obj),
        feeds=[feed] if feed else [],
        structured_data=[_breadcrumbs(request, (title, path))],
    )
    return _with_logo(meta, request)


def section_meta(request, section, page_obj):
    return list_meta(
        request,
        title=section.name,
        description=section.description
        or _("The latest %(section)s news from %(site)s.")
        % {"section": section.name, "site": settings.NEWSROOM_SITE_NAME},
        path=section.get_absolute_url(),
        page_obj=page_obj,
        feed=FeedLink(
            _("%(site)s: %(section)s")
            % {"site": settings.NEWSROOM_SITE_NAME, "section": section.name},
            reverse("articles:section_feed", kwargs={"slug": section.slug}),
        ),
    )


def tag_meta(request, tag, page_obj):
    return list_meta(
        request,
        title=_("Tag: %(tag)s") % {"tag": tag.name},
        description=_("Articles tagged %(tag)s on %(site)s.")
        % {"tag": tag.name, "site": settings.NEWSROOM_SITE_NAME},
        path=reverse("articles:tag", kwargs={"slug": tag.slug}),
        page_obj=page_obj,
        feed=FeedLink(
            _("%(site)s: tagged %(tag)s") % {"site": settings.NEWSROOM_SITE_NAME, "tag": tag.name},
            reverse("articles:tag_feed", kwargs={"slug": tag.slug}),
        ),
    )


def author_meta(request, author, page_obj):
    return list_meta(
        request,
        title=_("Author: %(name)s") % {"name": author.name},
        description=author.bio
        or _("Articles by %(name)s on %(site)s.")
        % {"name": author.name, "site": settings.NEWSROOM_SITE_NAME},
        path=author.get_absolute_url(),
        page_obj=page_obj,
        feed=FeedLink(
            _("%(site)s: articles by %(name)s")
            % {"site": settings.NEWSROOM_SITE_NAME, "name": author.name},
            reverse("articles:author_feed", kwargs={"slug": author.slug}),
        ),
    )


def search_meta(request, query, page_obj):
    """Result pages are for readers, not for search engines: noindex."""
    title = _("Search results for “%(query)s”") % {"query": query} if query else _("Search")
    meta = PageMeta(
        title=paged(title, page_obj),
        description=describe(
            _("Search the articles of %(site)s.") % {"site": settings.NEWSROOM_SITE_NAME}
        ),
        canonical=page_url(request, reverse("articles:search"), page_obj, q=query),
        noindex=True,
    )
    return _with_logo(meta, request)


def article_meta(request, article, *, authors, tags):
    canonical = request.build_absolute_uri(article.get_absolute_url())
    image = social_image(article)
    image_url = request.build_absolute_uri(image.url) if image else ""
    author_urls = [request.build_absolute_uri(author.get_absolute_url()) for author in authors]
    section_url = article.section.get_absolute_url()
    modified = last_modified(article)
    meta = PageMeta(
        title=article.seo_title or article.headline,
        description=describe(article.seo_description)
        or (
            describe(article.dek)
            if article.dek.strip()
            else describe_html(article.body, article.headline)
        ),
        social_title=article.social_title,
        social_description=describe(article.social_description),
        canonical=canonical,
        type="article",
        published=article.publish_at,
        modified=modified,
        section=article.section.name,
        tags=[tag.name for tag in tags],
        author_urls=author_urls,
        feeds=[
            FeedLink(
                _("%(site)s: %(section)s")
                % {"site": settings.NEWSROOM_SITE_NAME, "section": article.section.name},
                reverse("articles:section_feed", kwargs={"slug": article.section.slug}),
            )
        ],
        structured_data=[
            structured_data.news_article(
                article,
                url=canonical,
                modified=modified,
                image_urls=[image_url] if image_url else [],
                authors=[
                    (author.name, url) for author, url in zip(authors, author_urls, strict=True)
                ],
                tags=[tag.name for tag in tags],
                publisher=publisher(request),
                kind=labels.schema_type(article),
                notices=article.notice_list,
            ),
            _breadcrumbs(
                request, (article.section.name, section_url), (article.headline, canonical)
            ),
        ],
    )
    if image is None:
        return _with_logo(meta, request)
    meta.image_url, meta.image_alt, meta.large_image = image_url, image.alt, True
    meta.image_width, meta.image_height = image.width, image.height
    return meta


def flatpage_meta(request, flatpage):
    # The flatpages view marks the title safe; slicing makes it a plain string again, so
    # the templates escape it like any other text.
    title = flatpage.title[:]
    meta = PageMeta(
        title=title,
        description=describe_html(flatpage.content, flatpage.title),
        canonical=request.build_absolute_uri(flatpage.get_absolute_url()),
        structured_data=[_breadcrumbs(request, (title, flatpage.get_absolute_url()))],
    )
    return _with_logo(meta, request)


def last_modified(article):
    """When readers last saw a change: edits made before a scheduled time count as the launch."""
    if article.publish_at is None:
        return article.updated_at
    return max(article.publish_at, article.updated_at)
