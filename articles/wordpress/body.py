"""A WordPress post's content into our body: block-editor markup (``<!-- wp:… -->``) and
classic-editor text (blank-line paragraphs, as ``wpautop`` makes them), shortcodes, images
and embeds into the body's blocks, internal links to their new addresses.

Blocks are stored by reference, as empty placeholders the page expands when it renders:
``<figure data-block="photo" data-image="<Image pk>" …>``, ``data-block="gallery"`` with
``data-images``, ``data-block="embed"`` with ``data-url``. Everything else is left to the
model layer's sanitiser, which has the last word (scripts, styles, event handlers and
unknown iframes never survive it).
"""

import html
import json
import posixpath
import re
from collections import Counter
from urllib.parse import parse_qs, unquote, urlsplit

from django.utils.html import escape, strip_tags

from .. import body_blocks, embeds
from .autop import HTML_TAG, PRE, autop
from .galleries import gallery_ids

# Bare addresses on a line of their own become embeds for these hosts (as WordPress did).
EMBED_HOSTS = {
    "youtube.com",
    "www.youtube.com",
    "m.youtube.com",
    "youtu.be",
    "vimeo.com",
    "www.vimeo.com",
    "player.vimeo.com",
    "twitter.com",
    "www.twitter.com",
    "x.com",
    "www.x.com",
}
# Shortcodes the importer understands; any other is left as text and counted by name.
KNOWN_SHORTCODES = {"caption", "wp_caption", "gallery", "embed", "audio", "video", "playlist"}

BLOCK_IMAGE = re.compile(
    r"<!--\s*wp:image\b(?P<attrs>[^>]*?)-->(?P<inner>.*?)<!--\s*/wp:image\s*-->", re.S
)
BLOCK_GALLERY = re.compile(
    r"<!--\s*wp:gallery\b(?P<attrs>[^>]*?)-->(?P<inner>.*?)<!--\s*/wp:gallery\s*-->", re.S
)
BLOCK_EMBED = re.compile(
    r"<!--\s*wp:(?:core-)?embed(?:/[\w-]+)?\b(?P<attrs>[^>]*?)-->(?P<inner>.*?)"
    r"<!--\s*/wp:(?:core-)?embed(?:/[\w-]+)?\s*-->",
    re.S,
)
HEADING = re.compile(r"<(/?)h([1-6])\b([^>]*)>", re.I)
DEFINITION = re.compile(r"<(/?)(dl|dt|dd)\b[^>]*>", re.I)
BLOCK_MEDIA = re.compile(
    r"<!--\s*wp:(?P<kind>audio|video)\b(?P<attrs>[^>]*?)-->(?P<inner>.*?)"
    r"<!--\s*/wp:(?P=kind)\s*-->",
    re.S,
)
MEDIA_SHORTCODE = re.compile(
    r"\[(?P<kind>audio|video)\b(?P<attrs>[^\]]*)\](?:(?P<inner>[^\[]*)\[/(?P=kind)\])?"
)
PLAYLIST = re.compile(r"\[playlist\b(?P<attrs>[^\]]*)\]")
MEDIA_TAG = re.compile(
    r"<(?P<kind>audio|video)\b(?P<attrs>[^>]*)>(?P<inner>.*?)</(?P=kind)\s*>", re.I | re.S
)
SOURCE = re.compile(r"<source\b[^>]*>", re.I)
# Where [audio] and [video] (and <audio>, <video>) name their file.
MEDIA_KEYS = ("src", "mp3", "m4a", "ogg", "wav", "wma", "mp4", "m4v", "webm", "ogv", "wmv", "flv")
BLOCK_COMMENT = re.compile(r"<!--\s*/?wp:[^>]*?-->")
CAPTION = re.compile(
    r"\[(?:wp_)?caption\b(?P<attrs>[^\]]*)\](?P<inner>.*?)\[/(?:wp_)?caption\]", re.S
)
GALLERY = re.compile(r"\[gallery\b(?P<attrs>[^\]]*)\]")
EMBED = re.compile(r"\[embed\b[^\]]*\](?P<url>.*?)\[/embed\]", re.S)
SHORTCODE = re.compile(r"\[(?P<name>[A-Za-z][\w-]*)(?=[\s\]/])[^\]\n]*\]")
SHORTCODE_ATTR = re.compile(r"""([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|(\S+))""")
IMG = re.compile(r"<img\b[^>]*>", re.I)
IFRAME = re.compile(r"<iframe\b[^>]*>.*?</iframe\s*>|<iframe\b[^>]*/?>", re.I | re.S)
ATTR = re.compile(r"""([\w:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")
GALLERY_CAPTION = re.compile(
    r"<figcaption\b[^>]*\bblocks-gallery-caption\b[^>]*>(.*?)</figcaption>", re.I | re.S
)
FIGCAPTION = re.compile(r"<figcaption\b[^>]*>(.*?)</figcaption>", re.I | re.S)
# A figure written as HTML, without the block editor's comments (classic posts, page
# builders, pasted markup): one picture and its caption, no figure inside.
HTML_FIGURE = re.compile(
    r"<figure\b(?P<attrs>[^>]*)>(?P<inner>(?:(?!<figure\b|</figure>|<img\b).)*"
    r"<img\b[^>]*>(?:(?!<figure\b|</figure>|<img\b).)*)</figure\s*>",
    re.I | re.S,
)
HREF = re.compile(r"""(<a\b[^>]*?\bhref\s*=\s*)(["'])(.*?)\2""", re.I | re.S)
WP_IMAGE_CLASS = re.compile(r"\bwp-image-(\d+)\b")
BARE_URL_LINE = re.compile(r"^[ \t]*(https?://[^\s<>\"']+)[ \t]*$", re.M)
BARE_URL_PARAGRAPH = re.compile(r"<p>\s*(https?://[^\s<>\"']+)\s*</p>", re.I)
EMPTY_PARAGRAPH = re.compile(r"<p>\s*(?:<!--.*?-->\s*)*</p>\n?", re.S)
EMPTY_ELEMENT = re.compile(
    r"<(p|strong|em|b|i|u|s|span|a)\b[^>]*>(?:\s|&nbsp;|&#160;|\xa0)*</\1\s*>\n?", re.I
)
WRAPPED_FIGURE = re.compile(r"<p>\s*((?:<figure data-block[^>]*></figure>\s*)+)</p>", re.I)


def attributes(tag):
    """The attributes of one HTML start tag (or a shortcode), entity-decoded."""
    found = {}
    for name, *values in ATTR.findall(tag):
        found[name.lower()] = html.unescape(next((v for v in values if v), ""))
    return found


def shortcode_attributes(text):
    return {
        name.lower(): html.unescape(next((v for v in values if v), ""))
        for name, *values in SHORTCODE_ATTR.findall(text)
    }


def media_shortcode_attributes(text):
    """An [audio] or [video] shortcode's attributes; ``[audio https://…/a.mp3]`` (the file
    named first, without ``src=``, as the theme unit test writes it) counts as its ``src``."""
    words = text.split()
    first = html.unescape(words[0].strip("\"'")) if words else ""
    if first.startswith(("https://", "http://")):
        return {**shortcode_attributes(" ".join(words[1:])), "src": first}
    return shortcode_attributes(text)


def without_empty_elements(text):
    """A body without the empty paragraphs, bold, italics and links a conversion (or the
    sanitiser) leaves: ``<p></p>``, ``<strong> </strong>``, ``<a href="…"></a>``."""
    lighter = text
    for _round in range(6):  # bounded: each round removes one level of nesting
        lighter, before = EMPTY_ELEMENT.sub("", lighter), lighter
        if lighter == before:
            break
    return text if lighter == text else lighter.strip()


def plain(fragment):
    """Text of an HTML fragment, entities decoded, whitespace collapsed."""
    return " ".join(html.unescape(strip_tags(fragment or "")).split())


def block_attributes(raw):
    raw = raw.strip().rstrip("/").strip()
    if not raw:
        return {}
    try:
        value = json.loads(raw)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def width_of(align):
    align = (align or "").lower().removeprefix("align")
    if align in ("left", "right"):
        return "inset"
    return "wide" if align == "wide" else "full"


def embed_url(url):
    """A YouTube, X or Vimeo address as the embed block takes it, or None for another host."""
    url = html.unescape(url.strip())
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("http", "https") or host not in EMBED_HOSTS:
        return None
    # Player addresses (youtube.com/embed/ID?start=90, player.vimeo.com/video/ID?h=HASH)
    # stay as they are: the embed block takes them, with the start time and an unlisted
    # video's privacy hash that the watch address would lose.
    if (
        host.endswith("youtube.com")
        and parts.path == "/watch"
        and not parse_qs(parts.query).get("v")
    ):
        return None
    return url


def photo_block(image, width="full", caption=""):
    extra = f' data-caption="{escape(caption)}"' if caption else ""
    return (
        f'<figure data-block="photo" data-image="{image.pk}" data-width="{width}"{extra}></figure>'
    )


def gallery_block(images):
    pks = ",".join(str(image.pk) for image in images)
    return f'<figure data-block="gallery" data-images="{pks}"></figure>'


def embed_block(url):
    return f'<figure data-block="embed" data-url="{escape(url)}"></figure>'


def without_photo(caption, link=""):
    """A photo whose file could not be had (the report says why): its caption is kept, as a
    paragraph, so the story still says what the photo showed; after a link to the picture
    when it is on another site."""
    lines = [line for line in (link, escape(caption)) if line]
    return f"<p>{'<br>'.join(lines)}</p>" if lines else ""


def link(url):
    return f'<p><a href="{escape(url)}">{escape(url)}</a></p>'


def preformatted(match):
    """A <pre> our body cannot hold (the editor has no such block, and the sanitiser would
    run its lines together), as a paragraph that keeps its line breaks and indentation."""
    inner = re.sub(r"^<pre\b[^>]*>|</pre>$", "", match.group(0), flags=re.I)
    inner = inner.removeprefix("\n").rstrip()  # (a browser drops a break right after <pre>)
    parts = re.split(f"({HTML_TAG.pattern})", inner, flags=re.S)
    for n in range(0, len(parts), 2):  # the text between tags
        text = re.sub(r"(?m)^ +| {2,}", lambda m: "\xa0" * len(m.group(0)), parts[n].expandtabs(4))
        parts[n] = text.replace("\n", "<br>\n")
    return f"<p>{''.join(parts)}</p>"


def heading(match):
    """A heading level the body does not have, as the nearest one it has (h1 → h2…)."""
    closing, level, attrs = match.groups()
    levels = sorted(int(tag[1]) for tag in body_blocks.TAGS if re.fullmatch(r"h[1-6]", tag))
    if not levels or f"h{level}" in body_blocks.TAGS:
        return match.group(0)
    nearest = min(levels, key=lambda kept: abs(kept - int(level)))
    return f"<{closing}h{nearest}{attrs}>"


def definition(match):
    """A definition list, which the body does not have, as paragraphs: each term in bold."""
    closing, tag = match.group(1), match.group(2).lower()
    if tag == "dl":
        return ""
    if tag == "dt":
        return "</strong></p>" if closing else "<p><strong>"
    return "</p>" if closing else "<p>"


def readable(text):
    """Markup the body's sanitiser would unwrap to its bare text, made into what it keeps."""
    if "pre" not in body_blocks.TAGS:
        text = PRE.sub(preformatted, text)
    text = HEADING.sub(heading, text)
    if "dl" not in body_blocks.TAGS:
        text = DEFINITION.sub(definition, text)
    return text


class Converter:
    """One post's content into our body.

    ``images`` is what brings pictures into the library: ``by_id(attachment_id)`` and
    ``by_url(src, alt)`` return an Image or None (reported by it); ``attachment(id)`` and
    ``children(post_id)`` tell what the export says of attachments, ``post_id`` which post
    this is; ``fill_caption(image, caption)`` gives a photo without a caption the post's;
    ``elsewhere(src)`` tells a picture on another site, and ``left_out(kind, url)`` reports
    what the body keeps as a link or leaves out (a picture, audio, video, an iframe).
    ``links(href)`` returns the new address of an internal link, or None to leave it alone.
    """

    def __init__(self, images, links):
        self.images = images
        self.links = links
        self.unknown_shortcodes = Counter()

    def convert(self, content):
        text = (content or "").replace("\r\n", "\n").replace("\r", "\n")
        has_blocks = "<!-- wp:" in text
        text = BLOCK_GALLERY.sub(self._block_gallery, text)  # first: it holds image blocks
        text = BLOCK_IMAGE.sub(self._block_image, text)
        text = BLOCK_EMBED.sub(self._block_embed, text)
        text = BLOCK_MEDIA.sub(self._block_media, text)
        text = BLOCK_COMMENT.sub("", text)
        text = CAPTION.sub(self._caption, text)
        text = HTML_FIGURE.sub(self._html_figure, text)
        text = GALLERY.sub(self._gallery, text)
        text = EMBED.sub(lambda m: self._embed(m.group("url")), text)
        text = MEDIA_SHORTCODE.sub(
            lambda m: self._media_source(
                m.group("kind"), media_shortcode_attributes(m.group("attrs")), m.group("inner")
            ),
            text,
        )
        text = PLAYLIST.sub(self._playlist, text)
        text = MEDIA_TAG.sub(
            lambda m: self._media_source(
                m.group("kind"), attributes(m.group("attrs")), m.group("inner")
            ),
            text,
        )
        for match in SHORTCODE.finditer(text):
            if match.group("name").lower() not in KNOWN_SHORTCODES:
                self.unknown_shortcodes[match.group("name").lower()] += 1
        if not has_blocks:
            text = BARE_URL_LINE.sub(self._bare_url, text)
            text = autop(text)
        text = BARE_URL_PARAGRAPH.sub(self._bare_url, text)
        text = IFRAME.sub(self._iframe, text)
        text = IMG.sub(self._img, text)
        text = HREF.sub(self._href, text)
        text = WRAPPED_FIGURE.sub(r"\1", text)
        # (what held only an iframe left out, or WordPress's <!--nextpage--> and <!--more-->)
        text = EMPTY_PARAGRAPH.sub("", text)
        return readable(text).strip()

    # Images --------------------------------------------------------------------------------

    def _image(self, attachment_id=None, src="", alt=""):
        image = self.images.by_id(attachment_id) if attachment_id else None
        if image is None and src:
            image = self.images.by_url(html.unescape(src), alt)
        return image

    def _figure_image(self, inner, attachment_id=None):
        tag = IMG.search(inner)
        attrs = attributes(tag.group(0)) if tag else {}
        if attachment_id is None:
            found = WP_IMAGE_CLASS.search(attrs.get("class", ""))
            attachment_id = found.group(1) if found else None
        return self._image(attachment_id, attrs.get("src", ""), attrs.get("alt", "")), attrs

    def _block_image(self, match):
        options = block_attributes(match.group("attrs"))
        inner = match.group("inner")
        image, attrs = self._figure_image(inner, options.get("id"))
        caption = FIGCAPTION.search(inner)
        caption = plain(caption.group(1)) if caption else ""
        if image is None:
            return without_photo(caption, self._elsewhere(attrs, options.get("id")))
        return photo_block(image, width_of(options.get("align")), caption)

    def _block_gallery(self, match):
        options = block_attributes(match.group("attrs"))
        inner = match.group("inner")
        whole = GALLERY_CAPTION.search(inner)  # the gallery's own caption, after its images
        if whole:
            inner = inner[: whole.start()] + inner[whole.end() :]
        tags = list(IMG.finditer(inner))
        found = []
        for n, tag in enumerate(tags):
            end = tags[n + 1].start() if n + 1 < len(tags) else len(inner)
            caption = FIGCAPTION.search(inner, tag.end(), end)
            attrs = attributes(tag.group(0))
            wp_id = WP_IMAGE_CLASS.search(attrs.get("class", ""))
            attachment_id = wp_id.group(1) if wp_id else attrs.get("data-id", "")
            image = self._image(
                attachment_id if attachment_id.isascii() and attachment_id.isdigit() else None,
                attrs.get("src", ""),
                attrs.get("alt", ""),
            )
            found.append((image, plain(caption.group(1)) if caption else ""))
        if not tags:
            found = [(self._image(attachment_id=str(i)), "") for i in options.get("ids") or []]
        return self._gallery_of(found) + without_photo(plain(whole.group(1)) if whole else "")

    def _gallery_of(self, found):
        """(photo, the caption the post gave it) pairs as a gallery block, or as one photo
        block each when the post's captions are not the photos' own: a caption is never
        lost. A photo without a caption of its own takes the post's."""
        found = [(image, caption[:300]) for image, caption in found if image is not None]
        if len(found) == 1:
            return photo_block(found[0][0], caption=found[0][1])
        for image, caption in found:
            if caption and not image.caption:
                self.images.fill_caption(image, caption)
        if any(caption and caption != image.caption for image, caption in found):
            return "\n".join(photo_block(image, caption=caption) for image, caption in found)
        images = [image for image, _caption in found]
        return "\n".join(
            gallery_block(images[start : start + body_blocks.MAX_GALLERY])
            for start in range(0, len(images), body_blocks.MAX_GALLERY)
        )

    def _block_embed(self, match):
        options = block_attributes(match.group("attrs"))
        inner = match.group("inner")
        caption = FIGCAPTION.search(inner)
        caption = plain(caption.group(1)) if caption else ""
        url = options.get("url") or ""
        if not url:
            found = re.search(r"https?://[^\s<>\"']+", strip_tags(FIGCAPTION.sub("", inner)))
            url = found.group(0) if found else ""
        if not url:
            return without_photo(caption)
        # The embed block has no caption: the block's follows it as a paragraph.
        return self._embed(url) + without_photo(caption)

    def _caption(self, match):
        options = shortcode_attributes(match.group("attrs"))
        inner = match.group("inner")
        attachment_id = (options.get("id") or "").removeprefix("attachment_") or None
        image, attrs = self._figure_image(inner, attachment_id)
        # The caption is the text after the image (or, in old posts, the caption="" attribute).
        caption = plain(re.sub(r"<a\b[^>]*>\s*<img\b[^>]*>\s*</a>|<img\b[^>]*>", "", inner))
        caption = caption or options.get("caption", "")
        if image is None:
            return "\n\n" + without_photo(caption, self._elsewhere(attrs, attachment_id)) + "\n\n"
        return "\n\n" + photo_block(image, width_of(options.get("align")), caption) + "\n\n"

    def _html_figure(self, match):
        image, attrs = self._figure_image(match.group("inner"))
        caption = FIGCAPTION.search(match.group("inner"))
        caption = plain(caption.group(1)) if caption else ""
        if image is None:
            return "\n\n" + without_photo(caption, self._elsewhere(attrs)) + "\n\n"
        classes = attributes(f"<figure{match.group('attrs')}>").get("class", "").split()
        align = next((c for c in classes if c.startswith("align")), "")
        return "\n\n" + photo_block(image, width_of(align), caption) + "\n\n"

    def _gallery(self, match):
        ids = gallery_ids(
            shortcode_attributes(match.group("attrs")),
            self.images.post_id,
            self.images.attachment,
            self.images.children,
        )
        found = [(self._image(attachment_id=i), "") for i in ids]
        return "\n\n" + self._gallery_of(found) + "\n\n"

    def _img(self, match):
        attrs = attributes(match.group(0))
        found = WP_IMAGE_CLASS.search(attrs.get("class", ""))
        image = self._image(
            found.group(1) if found else None, attrs.get("src", ""), attrs.get("alt", "")
        )
        if image is None:
            return self._elsewhere(attrs)
        return photo_block(
            image,
            width_of(
                next((c for c in attrs.get("class", "").split() if c.startswith("align")), "")
            ),
        )

    # Embeds and links ----------------------------------------------------------------------

    def _embed(self, url):
        url = plain(url)
        # An explicit embed: any provider the body's embed block can show (articles/embeds.py).
        embed = embed_url(url) or (url if embeds.provider_for(url) else None)
        if embed:
            return "\n\n" + embed_block(embed) + "\n\n"
        if url.startswith(("http://", "https://")):
            return "\n\n" + link(url) + "\n\n"
        return ""

    def _bare_url(self, match):
        embed = embed_url(match.group(1))
        return "\n\n" + embed_block(embed) + "\n\n" if embed else match.group(0)

    def _elsewhere(self, attrs, attachment_id=None):
        """A link to a picture on another site, with its alt text, reported: our pages show
        no other site's pictures (the sanitiser and the Content-Security-Policy keep them
        out), and one found elsewhere is not ours to copy without asking. Nothing for the old
        site's own pictures: the library has reported why it could not have them."""
        src = html.unescape(attrs.get("src", "")).strip()
        src = "https:" + src if src.startswith("//") else src
        if (
            attachment_id
            or WP_IMAGE_CLASS.search(attrs.get("class", ""))
            or not src.startswith(("https://", "http://"))
            or not self.images.elsewhere(src)
        ):
            return ""
        alt = plain(attrs.get("alt", ""))
        self.images.left_out("picture", src)
        return f'<a href="{escape(src)}">{escape(alt or src)}</a>'

    def _media(self, kind, url, caption=""):
        """Audio or video: an embed block when a provider we show has it, else a link to the
        file (we have no player of our own), reported."""
        url = html.unescape(url or "").strip()
        embed = embed_url(url) or (url if embeds.provider_for(url) else None)
        if embed:
            return f"\n\n{embed_block(embed)}\n{without_photo(caption)}\n\n"
        if not url.startswith(("https://", "http://")):
            return f"\n\n{without_photo(caption)}\n\n"
        self.images.left_out(kind, url)
        name = caption or unquote(posixpath.basename(urlsplit(url).path)) or url
        return f'\n\n<p><a href="{escape(url)}">{escape(name)}</a></p>\n\n'

    def _media_source(self, kind, attrs, inner):
        url = next((attrs[key] for key in MEDIA_KEYS if attrs.get(key)), "")
        if not url and inner:
            source = SOURCE.search(inner)
            url = attributes(source.group(0)).get("src", "") if source else ""
        return self._media(kind.lower(), url)

    def _block_media(self, match):
        inner = match.group("inner")
        options = block_attributes(match.group("attrs"))
        tag = MEDIA_TAG.search(inner)
        url = attributes(tag.group("attrs")).get("src", "") if tag else ""
        if tag and not url:
            source = SOURCE.search(tag.group("inner"))
            url = attributes(source.group(0)).get("src", "") if source else ""
        if not url and str(options.get("id", "")).isdigit():
            url = (self.images.attachment(str(options["id"])) or {}).get("url", "")
        caption = FIGCAPTION.search(inner)
        return self._media(match.group("kind"), url, plain(caption.group(1)) if caption else "")

    def _playlist(self, match):
        options = shortcode_attributes(match.group("attrs"))
        kind = "video" if options.get("type") == "video" else "audio"
        ids = gallery_ids(
            options, self.images.post_id, self.images.attachment, self.images.children, kind
        )
        return "".join(
            self._media(kind, (self.images.attachment(i) or {}).get("url", "")) for i in ids
        )

    def _iframe(self, match):
        src = html.unescape(attributes(match.group(0)).get("src", "")).strip()
        embed = embed_url(src) or (src if embeds.provider_for(src) else None)
        if embed:
            return embed_block(embed)
        if src:
            self.images.left_out("iframe", src)
        return ""

    def _href(self, match):
        href = html.unescape(match.group(3))
        new = self.links(href)
        if new is None:
            return match.group(0)
        return f"{match.group(1)}{match.group(2)}{escape(new)}{match.group(2)}"
