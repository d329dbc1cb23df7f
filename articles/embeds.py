"""Embeds inside an article body: the providers we accept, and what we keep of each embed.

A journalist pastes a URL; the body stores only that URL (articles/body_blocks.py). What a
reader's page shows is a *facade* built from our own copy of the provider's title and
thumbnail, fetched once after the article is saved (``fetch_missing``) and stored with the
media: no request reaches the provider until the reader presses "load", and then only the
provider's player, in a sandboxed iframe (the public CSP allows those player origins as
frames, and nothing else of theirs).
"""

import json
import logging
import re
import urllib.error
import urllib.request
from collections.abc import Callable
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from urllib.parse import parse_qs, quote, urlencode, urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import image_files, images

logger = logging.getLogger(__name__)

MAX_URL_LENGTH = 500
FETCH_TIMEOUT = 5  # seconds, for the oEmbed answer and for the thumbnail
MAX_OEMBED_BYTES = 256 * 1024
MAX_THUMBNAIL_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class Provider:
    key: str
    name: str
    kind: str  # video, post, audio, chart or map: the facade's shape and its button's words
    pattern: re.Pattern
    player: str  # format string over the pattern's named groups and the quoted url
    oembed: str = ""  # the provider's oEmbed endpoint, when it has a public one
    # What the player takes from the address besides the id (a start time, a privacy hash):
    # (match, query) -> parameters, each checked; None when the address cannot be shown.
    options: Callable | None = None

    def parse(self, url):
        """The pattern's match and the player's options for ``url``, or None."""
        match = self.pattern.search(url)
        if match is None:
            return None
        options = self.options(match, parse_qs(urlsplit(url).query)) if self.options else {}
        return None if options is None else (match, options)

    def player_url(self, url):
        match, options = self.parse(url)
        player = self.player.format(url=quote(url, safe=""), **match.groupdict())
        if not options:
            return player
        # The address's options come first: Vimeo reads its privacy hash only from there.
        base, _sep, fixed = player.partition("?")
        return f"{base}?{urlencode(options)}" + (f"&{fixed}" if fixed else "")

    @property
    def origin(self):
        parts = urlsplit(self.player.split("{", 1)[0])
        return f"{parts.scheme}://{parts.netloc}"


def _re(pattern):
    return re.compile(r"^https?://(?:www\.|m\.|mobile\.)?" + pattern, re.IGNORECASE)


YOUTUBE_TIME = re.compile(r"(?:(\d{1,3})h)?(?:(\d{1,4})m)?(?:(\d{1,6})s?)?", re.ASCII)
VIMEO_HASH = re.compile(r"[0-9a-f]{10}", re.ASCII | re.IGNORECASE)


def _youtube_options(match, query):
    """Where the video starts: ``t=42``, ``t=90s``, ``t=1m30s`` (a shared link) or
    ``start=90`` (an embed's address), in seconds. A time of another shape is left out, as
    YouTube itself does: the video plays from the start."""
    for name in ("t", "start"):
        found = YOUTUBE_TIME.fullmatch(query.get(name, [""])[0])
        if found and any(found.groups()):
            hours, minutes, seconds = (int(part or 0) for part in found.groups())
            start = hours * 3600 + minutes * 60 + seconds
            return {"start": start} if start else {}
    return {}


def _vimeo_options(match, query):
    """An unlisted video plays only with its privacy hash, from its address (vimeo.com/ID/HASH)
    or its player's (?h=HASH). A hash of another shape refuses the address rather than being
    left out: readers would get "private video"."""
    hashes = [match["hash"]] if match["hash"] else query.get("h", [])
    if not hashes:
        return {}
    if len(hashes) > 1 or not VIMEO_HASH.fullmatch(hashes[0]):
        return None
    return {"h": hashes[0]}


PROVIDERS = (
    Provider(
        "youtube",
        "YouTube",
        "video",
        _re(
            r"(?:youtube\.com/(?:watch\?(?:[^#]*&)?v=|shorts/|live/|embed/)|youtu\.be/"
            r"|youtube-nocookie\.com/embed/)"
            r"(?P<id>[A-Za-z0-9_-]{11})(?![A-Za-z0-9_-])"
        ),
        "https://www.youtube-nocookie.com/embed/{id}?autoplay=1",
        "https://www.youtube.com/oembed",
        _youtube_options,
    ),
    Provider(
        "vimeo",
        "Vimeo",
        "video",
        # A video's page, its player, or the video in a channel, group or showcase; an
        # unlisted video's page carries its privacy hash after the id.
        _re(
            r"(?:player\.vimeo\.com/video/|vimeo\.com/(?:video/|channels/[\w-]+/"
            r"|groups/[\w-]+/videos/|(?:album|showcase)/[0-9]+/video/)?)"
            r"(?P<id>[0-9]+)(?:/(?P<hash>[0-9a-f]+))?/?(?:[?#]|$)"
        ),
        "https://player.vimeo.com/video/{id}?autoplay=1",
        "https://vimeo.com/api/oembed.json",
        _vimeo_options,
    ),
    Provider(
        "x",
        "X",
        "post",
        _re(r"(?:twitter|x)\.com/\w{1,15}/status(?:es)?/(?P<id>\d+)"),
        "https://platform.twitter.com/embed/Tweet.html?id={id}",
        "https://publish.twitter.com/oembed",
    ),
    Provider(
        "instagram",
        "Instagram",
        "post",
        _re(r"instagram\.com/(?:p|reel|tv)/(?P<id>[\w-]+)"),
        "https://www.instagram.com/p/{id}/embed/",
    ),
    Provider(
        "tiktok",
        "TikTok",
        "video",
        _re(r"tiktok\.com/@[\w.-]+/video/(?P<id>\d+)"),
        "https://www.tiktok.com/embed/v2/{id}",
        "https://www.tiktok.com/oembed",
    ),
    Provider(
        "facebook",
        "Facebook",
        "post",
        _re(r"facebook\.com/[\w.-]+/(?:posts|videos|photos)/[\w.-]+"),
        "https://www.facebook.com/plugins/post.php?href={url}",
    ),
    Provider(
        "soundcloud",
        "SoundCloud",
        "audio",
        _re(r"soundcloud\.com/[\w-]+/[\w-]+"),
        "https://w.soundcloud.com/player/?url={url}&auto_play=true",
        "https://soundcloud.com/oembed",
    ),
    Provider(
        "spotify",
        "Spotify",
        "audio",
        _re(r"open\.spotify\.com/(?P<type>track|album|playlist|episode|show)/(?P<id>\w+)"),
        "https://open.spotify.com/embed/{type}/{id}",
        "https://open.spotify.com/oembed",
    ),
    Provider(
        "datawrapper",
        "Datawrapper",
        "chart",
        _re(r"datawrapper\.dwcdn\.net/(?P<id>\w+)(?:/(?P<version>\d+))?"),
        "https://datawrapper.dwcdn.net/{id}/",
        "https://api.datawrapper.de/v3/oembed",
    ),
    Provider(
        "flourish",
        "Flourish",
        "chart",
        _re(r"public\.flourish\.studio/(?P<type>visualisation|story)/(?P<id>\d+)"),
        "https://flo.uri.sh/{type}/{id}/embed",
    ),
    Provider(
        "googlemaps",
        "Google Maps",
        "map",
        _re(r"google\.com/maps/embed\?pb=(?P<pb>[\w!.%:-]+)"),
        "https://www.google.com/maps/embed?pb={pb}",
    ),
)

FRAME_ORIGINS = tuple(dict.fromkeys(provider.origin for provider in PROVIDERS))


def provider_for(url):
    """The provider whose player can show ``url``, or None."""
    if not isinstance(url, str) or len(url) > MAX_URL_LENGTH or any(c.isspace() for c in url):
        return None
    return next((provider for provider in PROVIDERS if provider.parse(url)), None)


def check_url(url):
    """The editor's check: a clear message for a URL that cannot be embedded."""
    if provider_for(url) is None:
        names = ", ".join(provider.name for provider in PROVIDERS)
        raise ValidationError(
            _(
                "This address cannot be embedded. Paste the address of a post or video on "
                "one of: %(names)s. It is kept as a plain link."
            ),
            code="unknown_provider",
            params={"names": names},
        )


def embed_thumbnail_name(embed, filename):
    return image_files.unguessable_name("embeds", embed.provider, filename)


class Embed(models.Model):
    """What we keep of one embedded URL: fetched once, served from our storage."""

    url = models.URLField(_("address"), max_length=MAX_URL_LENGTH, unique=True)
    provider = models.CharField(_("provider"), max_length=20)
    title = models.CharField(_("title"), max_length=300, blank=True)
    author_name = models.CharField(_("author"), max_length=200, blank=True)
    thumbnail = models.ImageField(_("thumbnail"), upload_to=embed_thumbnail_name, blank=True)
    thumbnail_width = models.PositiveIntegerField(null=True, blank=True)
    thumbnail_height = models.PositiveIntegerField(null=True, blank=True)
    fetched_at = models.DateTimeField(_("fetched"), null=True, blank=True)

    class Meta:
        verbose_name = _("embed")
        verbose_name_plural = _("embeds")

    def __str__(self):
        return self.title or self.url


def _read(url, limit):
    request = urllib.request.Request(url, headers={"User-Agent": "Newsroom embed facade"})
    with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT) as response:
        data = response.read(limit + 1)
    if len(data) > limit:
        raise ValueError(f"more than {limit} bytes")
    return data


def oembed_endpoint(provider):
    """The provider's oEmbed endpoint; settings.EMBED_OEMBED_ENDPOINTS overrides it (tests
    point it at a local server)."""
    return getattr(settings, "EMBED_OEMBED_ENDPOINTS", {}).get(provider.key, provider.oembed)


def fetch(url):
    """Fetch (or refetch) the title and thumbnail of ``url``; keep what could be had.

    A provider that is down, slow or answers nonsense leaves a facade with the provider's
    name and the plain link: the article is never held up by it.
    """
    provider = provider_for(url)
    if provider is None:
        return None
    embed, _created = Embed.objects.get_or_create(url=url, defaults={"provider": provider.key})
    endpoint = oembed_endpoint(provider)
    if endpoint and getattr(settings, "EMBED_FETCH", True):
        try:
            data = json.loads(
                _read(f"{endpoint}?{urlencode({'url': url, 'format': 'json'})}", MAX_OEMBED_BYTES)
            )
            embed.title = str(data.get("title") or "")[:300]
            embed.author_name = str(data.get("author_name") or "")[:200]
            thumbnail = data.get("thumbnail_url")
            if isinstance(thumbnail, str) and thumbnail.startswith(("https://", "http://")):
                store_thumbnail(embed, _read(thumbnail, MAX_THUMBNAIL_BYTES))
        except (OSError, ValueError, ValidationError, urllib.error.URLError) as exc:
            logger.warning("Embed %s: provider details not fetched: %s", url, exc)
    embed.fetched_at = timezone.now()
    embed.save()
    return embed


def store_thumbnail(embed, data):
    """Keep a provider's thumbnail as a clean JPEG of ours (metadata dropped, size checked)."""
    picture = images.prepare(images.open_image(ContentFile(data, name="thumbnail")))
    picture.thumbnail((1280, 1280))
    encoded = images.encode(picture.convert("RGB"), "jpeg", quality=82)
    embed.thumbnail.save("thumbnail.jpg", ContentFile(encoded), save=False)
    embed.thumbnail_width, embed.thumbnail_height = picture.size


def fetch_missing(urls):
    """After an article's save: fetch the embeds nobody fetched yet. Returns those fetched."""
    known = set(
        Embed.objects.filter(url__in=urls, fetched_at__isnull=False).values_list("url", flat=True)
    )
    return [embed for url in urls if url not in known and (embed := fetch(url))]


# An import of thousands of stories does not fetch each story's embeds after its save (a
# provider that is slow would cost seconds per story): they are collected, and fetched once at
# the end by whoever collected them.
_collected = ContextVar("embeds_collected", default=None)


@contextmanager
def collected():
    """Within: embeds to fetch are gathered as (article pk, url) instead of fetched."""
    pending = []
    token = _collected.set(pending)
    try:
        yield pending
    finally:
        _collected.reset(token)


def collect(article_pk, urls):
    """True when a ``collected()`` block gathered these (the caller then fetches nothing)."""
    pending = _collected.get()
    if pending is None:
        return False
    pending.extend((article_pk, url) for url in urls)
    return True
