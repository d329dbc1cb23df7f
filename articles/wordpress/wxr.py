"""A WordPress export (WXR 1.0-1.2) read as a stream of plain dictionaries.

The file is parsed with defusedxml's ``iterparse``: entity declarations and external
references are refused (an export never has a DTD: a "billion laughs" file or one naming an
external DTD stops at its DOCTYPE, before anything is expanded or fetched), and every
element is dropped as soon as it has been read, so memory stays flat however large the
export is.
"""

import html
import re
from xml.parsers.expat import errors

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, iterparse
from django.utils.translation import gettext as _

NAMESPACES = {
    "http://purl.org/rss/1.0/modules/content/": "content",
    "http://purl.org/dc/elements/1.1/": "dc",
    "http://wellformedweb.org/CommentAPI/": "wfw",
}
# The ``wp`` and ``excerpt`` prefixes are recognised by what they are bound to, as WordPress's
# own importer does: WXR 1.0 to 1.2, over http or https (the theme unit test data is https).
WP_NAMESPACE = re.compile(r"^https?://wordpress\.org/export/1\.[0-2]/(excerpt/)?$")
# Parse errors that mean the file stops too early, and what other common ones mean.
CUT_OFF = {
    errors.codes[error]
    for error in (
        errors.XML_ERROR_NO_ELEMENTS,
        errors.XML_ERROR_UNCLOSED_TOKEN,
        errors.XML_ERROR_UNCLOSED_CDATA_SECTION,
        errors.XML_ERROR_PARTIAL_CHAR,
    )
}
INVALID_TOKEN = errors.codes[errors.XML_ERROR_INVALID_TOKEN]
UNBOUND_PREFIX = errors.codes[errors.XML_ERROR_UNBOUND_PREFIX]
TAG = re.compile(r"^\{([^}]*)\}(.*)$")


class ExportError(Exception):
    """The file cannot be read as a WordPress export; nothing was imported."""


def local_name(tag):
    """``{http://wordpress.org/export/1.2/}post_id`` -> ``wp:post_id``."""
    match = TAG.match(tag)
    if not match:
        return tag
    uri, name = match.groups()
    wp = WP_NAMESPACE.match(uri)
    if wp:
        return f"{'excerpt' if wp.group(1) else 'wp'}:{name}"
    prefix = NAMESPACES.get(uri)
    return f"{prefix}:{name}" if prefix else name


def text(element):
    return (element.text or "").strip() if element is not None else ""


def _fields(element):
    """Child element name -> text (the last one wins), for flat records."""
    return {local_name(child.tag): (child.text or "") for child in element}


def _meta(element, tag, key_tag, value_tag):
    found = {}
    for child in element:
        if local_name(child.tag) == tag:
            fields = _fields(child)
            found[fields.get(key_tag, "").strip()] = fields.get(value_tag, "")
    return found


def read_item(element):
    """An <item> as a dictionary: its fields, categories, post meta and comments."""
    item = {"categories": [], "meta": {}, "comments": []}
    for child in element:
        name = local_name(child.tag)
        if name == "category":
            item["categories"].append(
                {
                    "domain": child.get("domain", ""),
                    "nicename": child.get("nicename", ""),
                    "name": html.unescape((child.text or "").strip()),
                }
            )
        elif name == "wp:postmeta":
            fields = _fields(child)
            key = fields.get("wp:meta_key", "").strip()
            item["meta"][key] = fields.get("wp:meta_value", "")
            if key == "_wp_old_slug":  # one row per earlier slug, where other keys have one
                item.setdefault("old_slugs", []).append(item["meta"][key].strip())
        elif name == "wp:comment":
            comment = _fields(child)
            comment["meta"] = _meta(child, "wp:commentmeta", "wp:meta_key", "wp:meta_value")
            item["comments"].append(comment)
        else:
            item[name] = child.text or ""
    return item


def read_term(element):
    return {key: value.strip() for key, value in _fields(element).items()}


TOP_LEVEL = {"wp:author": "author", "wp:category": "category", "wp:tag": "tag", "wp:term": "term"}
SITE_FIELDS = {"title", "link", "wp:base_site_url", "wp:base_blog_url", "wp:wxr_version"}


def read(path):
    """Yield ``(kind, record)`` for everything in the export, in file order: ``site`` once,
    before the first item (title, link, base URLs, WXR version), then ``author``,
    ``category``, ``tag``, ``term`` and ``item`` records.

    Raises ExportError with a message for people when the file is unsafe, cut off or not
    a WordPress export.
    """
    site = {}
    try:
        with open(path, "rb") as file:
            yield from _read(file, site)
    except DefusedXmlException as exc:
        if _starts_as_html(path):
            raise ExportError(
                _(
                    "This is a web page (HTML), not a WordPress export: export again from "
                    "Tools → Export (or `wp export`) and save the file it downloads. Nothing "
                    "was imported."
                )
            ) from None
        raise ExportError(
            _(
                "Refused: the file declares a DTD, XML entities or external references "
                "(%(what)s). "
                "A WordPress export never does; such a file can be an entity-expansion "
                '("billion laughs") or external-entity attack. Nothing was imported.'
            )
            % {"what": type(exc).__name__}
        ) from None
    except ParseError as exc:
        raise ExportError(parse_error_message(exc)) from None
    except OSError as exc:
        message = _("Cannot read %(path)s: %(error)s") % {"path": path, "error": exc}
        raise ExportError(message) from None


def _starts_as_html(path):
    with open(path, "rb") as file:
        return file.read(512).lstrip().lower().startswith((b"<!doctype html", b"<html"))


def _read(file, site):
    depth = 0
    channel = None
    site_sent = False
    root_checked = False
    # Blank lines before "<?xml" (a plugin or theme printing them into the export) make it
    # ill-formed XML; WordPress's own importer stumbles on them too. They are passed over.
    head = file.read(4096)
    file.seek(len(head) - len(head.lstrip(b" \t\r\n")))
    for event, element in iterparse(file, events=("start", "end"), forbid_dtd=True):
        if event == "start":
            depth += 1
            if not root_checked:
                root_checked = True
                if local_name(element.tag) != "rss":
                    raise ExportError(
                        _(
                            "This is not a WordPress export: its root element is <%(name)s>, "
                            "not <rss>. Export again from Tools → Export (or `wp export`)."
                        )
                        % {"name": local_name(element.tag)}
                    )
            elif depth == 2 and local_name(element.tag) == "channel":
                channel = element
            continue
        depth -= 1
        if depth != 2 or channel is None:
            continue
        # A direct child of <channel> is complete: read it, then let it go.
        name = local_name(element.tag)
        if name in SITE_FIELDS:
            site[name] = text(element)
        elif name in TOP_LEVEL:
            yield TOP_LEVEL[name], read_term(element)
        elif name == "item":
            if not site_sent:
                site_sent = True
                _check_version(site)
                yield "site", site
            yield "item", read_item(element)
        channel.remove(element)
    if not root_checked or channel is None:
        raise ExportError(_("This is not a WordPress export: it has no <channel>."))
    if not site_sent:
        _check_version(site)
        yield "site", site


def parse_error_message(exc):
    """Where the file stops being XML, and the likely reason, for people."""
    line, column = getattr(exc, "position", (0, 0))
    code = getattr(exc, "code", None)
    if code in CUT_OFF:
        reason = _("perhaps it was cut off while downloading. Export it again.")
    elif code == INVALID_TOKEN:
        reason = _(
            "a character or mark XML does not allow there, such as a control character "
            "pasted into a post, or a file that is not text at all. Remove it at that place, "
            "or export again."
        )
    elif code == UNBOUND_PREFIX:
        reason = _(
            "a name there uses a prefix (such as “wp:”) that the file never declares: the "
            "<rss> element must declare each one, e.g. "
            'xmlns:wp="http://wordpress.org/export/1.2/".'
        )
    else:
        reason = _("look at the file at that place, or export it again.")
    return _(
        "The file is not well-formed XML at line %(line)d, column %(column)d (%(error)s): "
        "%(reason)s Nothing was imported."
    ) % {"line": line, "column": column, "error": str(exc).split(":")[0], "reason": reason}


def _check_version(site):
    if not site.get("wp:wxr_version"):
        raise ExportError(
            _(
                "This RSS file is not a WordPress export (it has no wp:wxr_version). "
                "Export again from Tools → Export (or `wp export`)."
            )
        )
