"""Blocks inside an article body: photo, gallery, embed, pull quote and fact box.

A body is HTML. Blocks are stored in it *by reference*, as empty placeholder elements whose
``data-`` attributes say what to show, never as finished markup or a file's URL:

    <figure data-block="photo" data-image="12" data-width="wide" data-caption="…"></figure>
    <figure data-block="gallery" data-images="12,14,15"></figure>
    <figure data-block="embed" data-url="https://www.youtube.com/watch?v=…"></figure>
    <aside data-block="pullquote" data-quote="…" data-attribution="…"></aside>
    <aside data-block="factbox" data-title="…" data-text="…" data-article="31"></aside>

``sanitise()`` is the model layer's last word on every save path (the field's ``pre_save``,
``update()``, ``bulk_update()``, importers, the shell): nh3 keeps the tags and attributes the
editor can make, then each ``<figure>``/``<aside>`` is checked here: a known block keeps
exactly its attributes, with values of the right shape, and nothing inside; an embed of an
address no provider can show becomes a plain link; anything else is unwrapped to its text.

``render()`` turns the placeholders into reader markup when the page is rendered (and then
cached): photos through ``templates/includes/picture.html``, the one image path, so a body
photo gets the same ``<picture>``/``srcset`` as the lead photo.
"""

import html
import re
from html.parser import HTMLParser

import nh3
from django.core.files.storage import FileSystemStorage
from django.template.loader import render_to_string
from django_prose_editor.config import allowlist_from_extensions, expand_extensions

from . import embeds

WIDTHS = ("full", "wide", "inset")
MAX_GALLERY = 40


def _id(value):
    return value if value.isascii() and value.isdigit() and 0 < len(value) < 12 else None


def _ids(value):
    parts = [part.strip() for part in value.split(",") if part.strip()]
    if not parts or len(parts) > MAX_GALLERY or not all(_id(part) for part in parts):
        return None
    return ",".join(dict.fromkeys(parts))


def _width(value):
    return value if value in WIDTHS else None


def _url(value):
    return value if embeds.provider_for(value) else None


def _text(limit):
    def check(value):
        value = " ".join(value.split())[:limit]
        return value or None

    return check


def _lines(limit):
    """Text whose line breaks are the author's (a fact box's "Length: 2 km." over "Cost:
    $40m.", a pull quote's verse, a caption's two lines): spaces tidied within each line, at
    most one blank line in a row."""

    def check(value):
        lines = "\n".join(" ".join(line.split()) for line in value.splitlines())
        value = re.sub(r"\n{3,}", "\n\n", lines).strip()[:limit].rstrip()
        return value or None

    return check


# Block -> (tag, {attribute: check}, required attributes). Order here is the stored order.
BLOCKS = {
    "photo": (
        "figure",
        {"data-image": _id, "data-width": _width, "data-caption": _lines(300)},
        {"data-image"},
    ),
    "gallery": ("figure", {"data-images": _ids}, {"data-images"}),
    "embed": ("figure", {"data-url": _url}, {"data-url"}),
    "pullquote": (
        "aside",
        {"data-quote": _lines(1000), "data-attribution": _text(200)},
        {"data-quote"},
    ),
    "factbox": (
        "aside",
        {"data-title": _text(120), "data-text": _lines(2000), "data-article": _id},
        {"data-text"},
    ),
}
BLOCK_TAGS = {"figure", "aside"}

EDITOR_EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "Underline": True,
    "Strike": True,
    "Subscript": True,
    "Superscript": True,
    "Heading": {"levels": [2, 3, 4]},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "HardBreak": True,
    "HorizontalRule": True,
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto", "tel"]},
    "Table": True,
    "TableRow": True,
    "TableHeader": True,
    "TableCell": True,
}
"""What the body editor offers besides the blocks (the blocks are the ``NewsBlocks``
extension, static/js/prose_blocks.js)."""


def _allowlist():
    config = allowlist_from_extensions(expand_extensions(EDITOR_EXTENSIONS))
    config["tags"] |= BLOCK_TAGS
    attributes = {"data-block"}
    for _tag, checks, _required in BLOCKS.values():
        attributes |= set(checks)
    for tag in BLOCK_TAGS:
        config["attributes"][tag] = attributes
    return config


HEADING_FOR = {"h1": "h2", "h5": "h4", "h6": "h4", "b": "strong", "i": "em"}
"""Tags the body has no place for, as the nearest it has: headings of a level it has not
(the story's headline is the page's h1; the editor's paste cleanup does the same), and the
classic editor's bold and italic (a WordPress post's ``<b>``, ``<i>``)."""
_HEADING = re.compile(r"<(/?)(h[156]|b|i)>")

_ALLOWLIST = _allowlist()
TAGS = frozenset(_ALLOWLIST["tags"])
"""The tags a stored body keeps; any other is unwrapped to its text by ``sanitise()`` (one of
``HEADING_FOR`` is renamed)."""
_CLEANER = nh3.Cleaner(**{**_ALLOWLIST, "tags": TAGS | HEADING_FOR.keys()})
VOID = {"br", "hr", "img", "col", "wbr"}


def block_attributes(attrs):
    """(block type, {attribute: clean value}) for a placeholder's attributes; None if it is
    not a whole, known block."""
    attrs = dict(attrs)
    kind = attrs.get("data-block")
    if kind not in BLOCKS:
        return None
    _tag, checks, required = BLOCKS[kind]
    clean = {}
    for name, check in checks.items():
        value = check(attrs.get(name) or "")
        if value is not None:
            clean[name] = value
    if not required <= clean.keys():
        return None
    return kind, clean


def placeholder(kind, attrs):
    tag = BLOCKS[kind][0]
    pairs = "".join(f' {name}="{html.escape(value)}"' for name, value in attrs.items())
    return f'<{tag} data-block="{kind}"{pairs}></{tag}>'


class _Blocks(HTMLParser):
    """Re-writes nh3's output: canonical, empty placeholders for the known blocks; an embed
    nobody can show as a plain link; other figures and asides unwrapped."""

    def __init__(self):
        super().__init__(convert_charrefs=False)
        self.out = []
        self.skip = 0  # depth inside a block placeholder: its content is dropped
        self.stack = []  # for each open figure/aside: True when it was kept as a block

    def handle_starttag(self, tag, attrs):
        if self.skip:
            if tag in BLOCK_TAGS:
                self.skip += 1
            return
        if tag in BLOCK_TAGS:
            found = block_attributes(attrs)
            if found is None:
                url = (
                    dict(attrs).get("data-url")
                    if dict(attrs).get("data-block") == "embed"
                    else None
                )
                if url and url.startswith(("https://", "http://")):
                    escaped = html.escape(url)
                    self.out.append(f'<p><a href="{escaped}">{escaped}</a></p>')
                self.stack.append(False)
                return
            self.out.append(placeholder(*found))
            self.stack.append(True)
            self.skip = 1
            return
        self.out.append(self.get_starttag_text())

    def handle_startendtag(self, tag, attrs):
        if not self.skip:
            self.out.append(self.get_starttag_text())

    def handle_endtag(self, tag):
        if self.skip:
            if tag in BLOCK_TAGS:
                self.skip -= 1
                if not self.skip:
                    self.stack.pop()
            return
        if tag in BLOCK_TAGS:
            if self.stack:
                self.stack.pop()
            return
        self.out.append(f"</{tag}>")

    def handle_data(self, data):
        if not self.skip:
            self.out.append(data)

    def handle_entityref(self, name):
        if not self.skip:
            self.out.append(f"&{name};")

    def handle_charref(self, name):
        if not self.skip:
            self.out.append(f"&#{name};")


def sanitise(value):
    """The stored form of a body: the editor's HTML and the known blocks, nothing else."""
    cleaned = _CLEANER.clean(value or "")
    # nh3 escapes every "<" that is not a tag's, and keeps no attribute on a heading.
    cleaned = _HEADING.sub(lambda tag: f"<{tag[1]}{HEADING_FOR[tag[2]]}>", cleaned)
    if "<figure" in cleaned or "<aside" in cleaned:
        parser = _Blocks()
        parser.feed(cleaned)
        parser.close()
        cleaned = "".join(parser.out)
    # ProseMirror always leaves an empty paragraph in an empty document.
    if re.fullmatch(r"<(?P<tag>\w+)></(?P=tag)>", cleaned):
        return ""
    # Without the blank lines around it that the admin form trims (an import leaves them):
    # the first save of an untouched story would otherwise be a change to its body.
    return cleaned.strip()


# Reading a stored (sanitised) body ------------------------------------------------------------

PLACEHOLDER = re.compile(r'<(figure|aside) data-block="(\w+)"((?: [\w-]+="[^"]*")*)></\1>')
ATTRIBUTE = re.compile(r' ([\w-]+)="([^"]*)"')


def blocks(body):
    """Every block of a stored body, in order: (kind, {attribute: value})."""
    for match in PLACEHOLDER.finditer(body or ""):
        attrs = {name: html.unescape(value) for name, value in ATTRIBUTE.findall(match.group(3))}
        yield match.group(2), attrs


def image_ids(body):
    """The library images a body shows, in order of first use."""
    ids = []
    for kind, attrs in blocks(body):
        if kind == "photo":
            ids.append(int(attrs["data-image"]))
        elif kind == "gallery":
            ids.extend(int(pk) for pk in attrs["data-images"].split(","))
    return list(dict.fromkeys(ids))


def embed_urls(body):
    return list(dict.fromkeys(attrs["data-url"] for kind, attrs in blocks(body) if kind == "embed"))


def article_ids(body):
    return list(
        dict.fromkeys(
            int(attrs["data-article"])
            for kind, attrs in blocks(body)
            if kind == "factbox" and "data-article" in attrs
        )
    )


def on_hand(photo):
    """The photo, or None when its file is gone. Only a local disk is asked (one stat); a
    page render never calls a remote storage."""
    if photo is None or not photo.file:
        return None
    storage = photo.file.storage
    if isinstance(storage, FileSystemStorage) and not storage.exists(photo.file.name):
        return None
    return photo


def render(body, *, photos=None, embeds_by_url=None, articles=None):
    """Reader markup for a stored body: each placeholder replaced by its block's markup.

    ``photos``, ``embeds_by_url`` and ``articles`` are what the body refers to, fetched in one
    query each by the caller (articles/page_data.py); a reference to something that no longer
    exists degrades to what the placeholder itself says (a caption, a plain link), never an
    error.
    """
    if not body or "data-block" not in body:
        return body or ""
    photos = photos or {}
    embeds_by_url = embeds_by_url or {}
    articles = articles or {}

    def replace(match):
        kind = match.group(2)
        attrs = {name: html.unescape(value) for name, value in ATTRIBUTE.findall(match.group(3))}
        context = {
            "attrs": {name.replace("-", "_"): value for name, value in attrs.items()},
            # includes/picture.html falls back to an article's lead photo; a block has none.
            "article": {"lead_image": None},
        }
        if kind == "photo":
            photo = photos.get(int(attrs["data-image"]))
            context["photo"] = on_hand(photo)
            context["width"] = attrs.get("data-width", "full")
            context["caption"] = attrs.get("data-caption") or getattr(photo, "caption", "")
            context["credit"] = getattr(photo, "credit", "")
        elif kind == "gallery":
            pks = [int(pk) for pk in attrs["data-images"].split(",")]
            context["photos"] = [photo for pk in pks if (photo := on_hand(photos.get(pk)))]
        elif kind == "embed":
            url = attrs["data-url"]
            provider = embeds.provider_for(url)
            context.update(
                url=url,
                provider=provider,
                embed=embeds_by_url.get(url),
                player=provider.player_url(url) if provider else "",
            )
        elif kind == "factbox" and "data-article" in attrs:
            context["related"] = articles.get(int(attrs["data-article"]))
        return render_to_string(f"includes/blocks/{kind}.html", context).strip()

    return PLACEHOLDER.sub(replace, body)
