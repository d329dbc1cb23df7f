"""What every part of an import shares: the WordPress IDs remembered so far, the first
pass's index, and small helpers."""

import hashlib
import json
import re
from datetime import UTC, datetime
from urllib.parse import unquote

from django.contrib.contenttypes.models import ContentType
from django.utils.text import slugify
from django.utils.translation import gettext as _

from .mapping import WordPressObject

ASCII_SLUG = re.compile(r"^[-a-zA-Z0-9_]+$")
Kind = WordPressObject.Kind


def digest(*parts):
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


def fingerprint(obj, fields, *extra):
    """A digest of ``fields`` of ``obj`` as they are now (and of ``extra``): what an import
    wrote, to know later whether someone has changed it since."""
    values = (getattr(obj, field) for field in fields)
    # A date as saved reads back in UTC: the same instant, whichever zone it was set in.
    return digest(*(v.astimezone(UTC) if isinstance(v, datetime) else v for v in values), *extra)


def ascii_slug(slug, name, fallback, max_length):
    """The WordPress slug when our addresses can carry it, else one made from the name."""
    slug = unquote(slug or "").strip().lower()
    if ASCII_SLUG.match(slug):
        return slug[:max_length]
    return (slugify(name)[:max_length].strip("-")) or fallback


def tag_slug(slug, name, fallback, max_length):
    """A tag's slug: tag addresses carry letters in any script (articles/urls.py), so the
    WordPress slug is kept when it is one (``ليبيا``, percent-encoded in the export), else one
    is made from the name in its own script."""
    slug = unquote(slug or "").strip().lower()
    if slug and slugify(slug, allow_unicode=True) == slug:
        return slug[:max_length]
    return slugify(name, allow_unicode=True)[:max_length].strip("-") or fallback


class Context:
    """What an app's part of the import (articles.extensions.register_wordpress_part) gets:
    the report, and the WordPress IDs remembered so far."""

    def __init__(self, report, dry_run):
        self.report = report
        self.dry_run = dry_run
        self._types = {}

    def remembered(self, kind, wp_id):
        """The WordPressObject row for ``kind`` and ``wp_id``, or None."""
        return WordPressObject.objects.filter(kind=kind, wp_id=str(wp_id)).first()

    def target(self, kind, wp_id, model):
        row = self.remembered(kind, wp_id)
        if row is None or row.content_type_id != self.content_type(model).pk:
            return None, row
        return model._default_manager.filter(pk=row.object_id).first(), row

    def deleted_here(self, found, row, model):
        """True when an earlier run imported this and what it became is gone: the desk
        deleted it (a story, a comment, a tag). A run never brings it back."""
        return (
            found is None
            and row is not None
            and row.object_id is not None
            and row.content_type_id == self.content_type(model).pk
        )

    def deleted_note(self, kind, wp_id, title):
        self.report.skipped(
            kind, wp_id, title, _("deleted here since it was imported: not brought back")
        )

    def remember(self, kind, wp_id, obj, digest_value="", row=None, written=""):
        """Record what ``wp_id`` became, the digest of what the export said about it, and
        ``written``, the fingerprint of what the import wrote to it."""
        if row is None:
            row = self.remembered(kind, wp_id) or WordPressObject(kind=kind, wp_id=str(wp_id))
        row.content_type = self.content_type(type(obj))
        row.object_id = obj.pk
        row.digest = digest_value
        row.written = written
        row.save()
        return row

    def edited_here(self, row, written):
        """True when the object no longer holds what the import last wrote to it: the desk
        has changed it since (rows from before the import recorded that cannot tell)."""
        return row is not None and bool(row.written) and row.written != written

    def edited_note(self, kind, wp_id, title):
        self.report.noted(
            kind,
            wp_id,
            title,
            _("edited here since it was imported: left as it is; WordPress's version differs"),
        )

    def content_type(self, model):
        if model not in self._types:
            self._types[model] = ContentType.objects.get_for_model(model)
        return self._types[model]


class Index:
    """The first pass: what items refer to, small enough to keep for a large export."""

    def page_of(self, attachment_id):
        """The post or page an attachment's page (``/?attachment_id=``) goes to: its parent
        when that is in the file, else the first post featuring it; one, whatever the order
        posts are looked at in."""
        parent = self.attachments.get(attachment_id, {}).get("parent", "")
        if parent in self.post_ids:
            return parent
        return self.first_featured.get(attachment_id)

    def __init__(self):
        self.site = {}
        self.authors = []
        self.categories = []
        self.tags = []
        self.terms = []
        self.attachments = {}  # id -> details
        self.attachments_of = {}  # post id -> [attachment ids]
        self.old_paths = {}  # request path -> (kind, id)
        self.post_ids = set()  # posts and pages in the file
        self.first_featured = {}  # attachment id -> the first post featuring it
        self.menu_items = []  # what menus.menu_item keeps of each nav_menu_item
        self.items = 0
        self.old_site = None
