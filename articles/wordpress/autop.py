"""WordPress's ``wpautop`` (wp-includes/formatting.php), ported rule for rule, for classic-editor
text: a blank line ends a paragraph, a single line break is a <br>, no paragraph or line
break is put around or inside block-level markup (lists, tables, quotes, headings,
figures…), and a ``<pre>`` is left exactly as it was written.

The rules are WordPress's own, in its order, so an old post reads as it did on the old site.
"""

import re

# PHP's \s is ASCII only (a no-break space is text, not a line's end), hence SPACE.
# ALL_BLOCKS: the block-level tags.
SPACE = r"[ \t\n\r\f\v]"
ALL_BLOCKS = (
    r"(?:table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li|pre"
    r"|form|map|area|blockquote|address|math|style|p|h[1-6]|hr|fieldset|legend|section"
    r"|article|aside|hgroup|header|footer|nav|figure|figcaption|details|menu|summary)"
)
PRE = re.compile(r"<pre\b.*?</pre>", re.I | re.S)
PRE_PLACEHOLDER = re.compile(r"<pre wp-pre-tag-(\d+)></pre>")
# A tag or an HTML comment: the line breaks inside one are not the text's.
HTML_TAG = re.compile(r"<!--.*?(?:-->|$)|<!\[CDATA\[.*?(?:\]\]>|$)|<[^>]*>?", re.S)
NEWLINE_MARK = " <!-- wpnl --> "
AUTOP_BEFORE = [
    (re.compile(rf"<br{SPACE}*/?>{SPACE}*<br{SPACE}*/?>"), "\n\n"),
    (re.compile(rf"(<{ALL_BLOCKS}[ \t\n\r\f\v/>])"), "\n\n\\1"),
    (re.compile(rf"(</{ALL_BLOCKS}>)"), "\\1\n\n"),
    (re.compile(rf"(<hr{SPACE}*?/?>)"), "\\1\n\n"),
]
# (only when the text has the first string) line breaks that are markup, not text.
AUTOP_COLLAPSE = [
    (("<option",), re.compile(rf"{SPACE}*<option"), "<option"),
    (("<option",), re.compile(rf"</option>{SPACE}*"), "</option>"),
    (("</object>",), re.compile(rf"(<object[^>]*>){SPACE}*"), "\\1"),
    (("</object>",), re.compile(rf"{SPACE}*</object>"), "</object>"),
    (("</object>",), re.compile(rf"{SPACE}*(</?(?:param|embed)[^>]*>){SPACE}*"), "\\1"),
    (("<source", "<track"), re.compile(rf"([<\[](?:audio|video)[^>\]]*[>\]]){SPACE}*"), "\\1"),
    (("<source", "<track"), re.compile(rf"{SPACE}*([<\[]/(?:audio|video)[>\]])"), "\\1"),
    (("<source", "<track"), re.compile(rf"{SPACE}*(<(?:source|track)[^>]*>){SPACE}*"), "\\1"),
    (("<figcaption",), re.compile(rf"{SPACE}*(<figcaption[^>]*>)"), "\\1"),
    (("<figcaption",), re.compile(rf"</figcaption>{SPACE}*"), "</figcaption>"),
]
AUTOP_PARAGRAPHS = [
    (re.compile(rf"<p>{SPACE}*</p>"), ""),
    (re.compile(r"<p>([^<]+)</(div|address|form)>"), "<p>\\1</p></\\2>"),
    (re.compile(rf"<p>{SPACE}*(</?{ALL_BLOCKS}[^>]*>){SPACE}*</p>"), "\\1"),
    (re.compile(r"<p>(<li.+?)</p>"), "\\1"),
    (re.compile(r"<p><blockquote([^>]*)>", re.I), "<blockquote\\1><p>"),
    (re.compile(r"</blockquote></p>"), "</p></blockquote>"),
    (re.compile(rf"<p>{SPACE}*(</?{ALL_BLOCKS}[^>]*>)"), "\\1"),
    (re.compile(rf"(</?{ALL_BLOCKS}[^>]*>){SPACE}*</p>"), "\\1"),
]
AUTOP_KEEP_NEWLINES = re.compile(r"<(script|style|svg).*?</\1>", re.S)
AUTOP_BREAKS = [
    (re.compile(rf"(?<!<br />){SPACE}*\n"), "<br />\n"),
    (re.compile(rf"(</?{ALL_BLOCKS}[^>]*>){SPACE}*<br />"), "\\1"),
    (re.compile(rf"<br />({SPACE}*</?(?:p|li|div|dl|dd|dt|th|pre|td|ul|ol)[^>]*>)"), "\\1"),
    (re.compile(r"\n</p>$"), "</p>"),
]


def autop(text):
    """WordPress's ``wpautop``, rule for rule: a blank line ends a paragraph, a single line
    break is a <br>, nothing is put around or inside block-level markup (lists, tables,
    quotes, headings, figures…), and a <pre> is left exactly as it was written."""
    if not text.strip():
        return ""
    text += "\n"
    kept = []

    def keep(match):
        kept.append(match.group(0))
        return f"<pre wp-pre-tag-{len(kept) - 1}></pre>"

    text = PRE.sub(keep, text)
    for pattern, replacement in AUTOP_BEFORE:
        text = pattern.sub(replacement, text)
    text = HTML_TAG.sub(lambda match: match.group(0).replace("\n", NEWLINE_MARK), text)
    for triggers, pattern, replacement in AUTOP_COLLAPSE:
        if any(trigger in text for trigger in triggers):
            text = pattern.sub(replacement, text)
    text = re.sub(r"\n\n+", "\n\n", text)
    chunks = [chunk for chunk in re.split(rf"\n{SPACE}*\n", text) if chunk]
    text = "".join(f"<p>{chunk.strip(chr(10))}</p>\n" for chunk in chunks)
    for pattern, replacement in AUTOP_PARAGRAPHS:
        text = pattern.sub(replacement, text)
    text = AUTOP_KEEP_NEWLINES.sub(
        lambda match: match.group(0).replace("\n", "<WPPreserveNewline />"), text
    )
    text = text.replace("<br>", "<br />").replace("<br/>", "<br />")
    for pattern, replacement in AUTOP_BREAKS:
        text = pattern.sub(replacement, text)
    text = text.replace("<WPPreserveNewline />", "\n")
    text = PRE_PLACEHOLDER.sub(lambda match: kept[int(match.group(1))], text)
    return text.replace(NEWLINE_MARK, "\n").replace(NEWLINE_MARK.strip(), "\n")
