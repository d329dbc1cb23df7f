"""Two versions of an article side by side, in words an editor reads: the headline, summary
and body text (tags stripped, each photo, gallery, embed, quote or fact box as a line of its
own), word by word, with what was removed struck through and what was added underlined, each
also marked in words so colour is never the only sign."""

import difflib
import html as html_lib
import re
from dataclasses import dataclass

from django.utils.html import format_html, strip_tags
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from ..body_blocks import ATTRIBUTE, PLACEHOLDER

FIELDS = [("headline", _("Headline")), ("dek", _("Summary")), ("body", _("Body"))]
# The other words a writer types, shown only where the two versions differ: a conflict or a
# revision that changed none of them reads as short as before, and one that did says so.
MORE_FIELDS = [
    ("kicker", _("Kicker")),
    ("seo_title", _("Search headline")),
    ("seo_description", _("Search description")),
    ("social_title", _("Social headline")),
    ("social_description", _("Social description")),
    ("notices", _("Corrections and updates")),
]
# Paragraph-like breaks kept in the body's text, so a diff reads as paragraphs.
BLOCK_END = re.compile(r"</(p|h[1-6]|li|blockquote|figcaption|pre)>|<br\s*/?>", re.IGNORECASE)
WORDS = re.compile(r"\n|[^\S\n]+|\S+[^\S\n]*")  # a word with the spaces after it


BLOCK_NAMES = {
    "photo": _("Photo"),
    "gallery": _("Gallery"),
    "embed": _("Embed"),
    "pullquote": _("Pull quote"),
    "factbox": _("Fact box"),
}
# What names a block in the diff, in this order: its images, then its words or address.
BLOCK_IDS = ("data-image", "data-images")
BLOCK_DETAILS = ("data-url", "data-caption", "data-quote", "data-title", "data-text")


def _block_name(match):
    """A body block in words: "[Photo 12: The harbour at dawn]"."""
    attrs = {name: html_lib.unescape(value) for name, value in ATTRIBUTE.findall(match.group(3))}
    line = str(BLOCK_NAMES.get(match.group(2), match.group(2)))
    ids = next((attrs[name] for name in BLOCK_IDS if attrs.get(name)), "")
    detail = next((attrs[name] for name in BLOCK_DETAILS if attrs.get(name)), "")
    line += f" {ids}" if ids else ""
    line += f": {detail}" if detail else ""
    return f"[{line}]"


def _block_line(match):
    return html_lib.escape(f"\n{_block_name(match)}\n")


def blocks_of(body):
    """The body's blocks in words, in order."""
    return [_block_name(match) for match in PLACEHOLDER.finditer(body or "")]


def blocks_named(body):
    """The body's HTML with each block, which shows nothing until the public page draws it,
    named where it stands as the comparison names it: a past version, or a story shown read
    only, says where its photos, gallery, embeds, quotes and fact boxes are (by number and
    the block's own words: nothing of a photo the reader may not see)."""
    return PLACEHOLDER.sub(
        lambda match: str(format_html('<p class="body-block-named">{}</p>', _block_name(match))),
        body or "",
    )


def as_text(name, value):
    value = value or ""
    if name == "body":
        value = PLACEHOLDER.sub(_block_line, value)
        value = html_lib.unescape(strip_tags(BLOCK_END.sub("\n", value)))
        value = "\n".join(line.strip() for line in value.splitlines() if line.strip())
    return value


def _tokens(text):
    return WORDS.findall(text)


def render_words(old, new):
    """HTML of ``new`` against ``old``: <del> for what went, <ins> for what came."""
    old_tokens, new_tokens = _tokens(old), _tokens(new)
    # Words compare without the spaces after them: the last word of a field equals itself.
    matcher = difflib.SequenceMatcher(
        a=[token.rstrip() or token for token in old_tokens],
        b=[token.rstrip() or token for token in new_tokens],
        autojunk=False,
    )
    parts = []
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            # Either side's spacing, whichever has it ("storm" before a removed word).
            pairs = zip(old_tokens[a1:a2], new_tokens[b1:b2], strict=True)
            parts.append(format_html("{}", "".join(max(pair, key=len) for pair in pairs)))
            continue
        if a2 > a1:
            parts.append(
                format_html(
                    '<del><span class="visually-hidden">{} </span>{}</del>',
                    _("removed:"),
                    "".join(old_tokens[a1:a2]),
                )
            )
        if a2 > a1 and b2 > b1 and not old_tokens[a2 - 1][-1:].isspace():
            parts.append(" ")  # removed and added words never run together
        if b2 > b1:
            parts.append(
                format_html(
                    '<ins><span class="visually-hidden">{} </span>{}</ins>',
                    _("added:"),
                    "".join(new_tokens[b1:b2]),
                )
            )
    html = "".join(str(part) for part in parts)
    return mark_safe(html.replace("\n", "<br>"))


@dataclass
class FieldDiff:
    name: str
    label: str
    changed: bool
    html: str


def compare(old, new, fields=None):
    """``old`` and ``new`` map field names to values (an article, a historical record or a
    form's data through ``values_of``); one FieldDiff per compared field: by default the
    headline, summary and body, then each of MORE_FIELDS both sides name and that differs."""
    if fields is None:
        fields = FIELDS + [
            (name, label)
            for name, label in MORE_FIELDS
            if name in old and name in new and as_text(name, old[name]) != as_text(name, new[name])
        ]
    diffs = []
    for name, label in fields:
        before, after = as_text(name, old.get(name)), as_text(name, new.get(name))
        if before == after:
            html = format_html("{}", after) if after else format_html("<em>{}</em>", _("empty"))
            html = mark_safe(str(html).replace("\n", "<br>"))
        else:
            html = render_words(before, after)
        diffs.append(FieldDiff(name, label, before != after, html))
    return diffs


def values_of(obj):
    """The compared words of an article, a revision or a live entry (which has fewer: its
    missing fields read as empty on both sides). Corrections are the conflict's to add."""
    names = [name for name, _label in FIELDS + MORE_FIELDS if name != "notices"]
    return {name: getattr(obj, name, "") or "" for name in names}
