"""What maps to what, and in which order (README, "Moving from WordPress").

The export is read twice, as a stream: the first pass checks the whole file (nothing is
written from a file that is unsafe, cut off or not an export) and keeps a small index of
what later items refer to (attachments, categories, each post's old address); the second
imports. Authors, sections and tags come first; then each post, with its photos, comments
and redirects, in a transaction of its own: never half an article. Every object's WordPress
ID is remembered (``WordPressObject``), so a second run creates nothing new, updates what
changed in the export, and a run stopped half-way simply carries on.

Rules worth knowing:

- Nested categories: every category becomes a section of its own, keeping its slug (a
  child's section is named "Parent > Child" only when its own name is taken); with
  ``flatten`` a child's posts go to its top-level ancestor's section and get the child's
  name as a tag. Posts in several categories get the primary one (Yoast's, else the first)
  as their section and the others as tags.
- Statuses: publish → published, future → scheduled at its date, draft → draft,
  pending → in review, private → draft (never public); trash and auto-drafts are skipped.
- Slugs that our addresses cannot carry (non-Latin section or tag slugs) are replaced by
  one made from the name, and the old address redirects to the new one.
"""

import hashlib
import json
import re
from contextlib import contextmanager, nullcontext
from urllib.parse import parse_qs, unquote

from django.contrib.contenttypes.models import ContentType
from django.contrib.flatpages.models import FlatPage
from django.contrib.sites.models import Site
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from taggit.models import Tag

from newsroom.cache import CONTENT, renew

from .. import extensions
from ..models import Article, Author, Section, sanitized_value
from ..photos import Image
from . import addresses, body, media, wxr
from .mapping import WordPressObject
from .report import Report

STATUSES = {
    "publish": Article.Status.PUBLISHED,
    "future": Article.Status.PUBLISHED,
    "draft": Article.Status.DRAFT,
    "pending": Article.Status.REVIEW,
    "private": Article.Status.DRAFT,
}
SKIPPED_STATUSES = {
    "trash": "in the trash",
    "auto-draft": "an auto-draft WordPress made, never written",
    "inherit": "a revision",
}
# What an article takes from the export (besides its bylines and tags).
COMPARED = (
    "status",
    "publish_at",
    "headline",
    "dek",
    "section_id",
    "comments_open",
    "lead_image_id",
    "body",
    "slug",
)
IGNORED_TYPES = {"attachment", "nav_menu_item", "revision", "customize_changeset", "oembed_cache"}
ASCII_SLUG = re.compile(r"^[-a-zA-Z0-9_]+$")
Kind = WordPressObject.Kind


class Rollback(Exception):
    """Raised at the end of a dry run to undo everything it wrote."""


def digest(*parts):
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


def ascii_slug(slug, name, fallback, max_length):
    """The WordPress slug when our addresses can carry it, else one made from the name."""
    slug = unquote(slug or "").strip().lower()
    if ASCII_SLUG.match(slug):
        return slug[:max_length]
    return (slugify(name)[:max_length].strip("-")) or fallback


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

    def remember(self, kind, wp_id, obj, digest_value="", row=None):
        if row is None:
            row = self.remembered(kind, wp_id) or WordPressObject(kind=kind, wp_id=str(wp_id))
        row.content_type = self.content_type(type(obj))
        row.object_id = obj.pk
        row.digest = digest_value
        row.save()
        return row

    def content_type(self, model):
        if model not in self._types:
            self._types[model] = ContentType.objects.get_for_model(model)
        return self._types[model]


class Index:
    """The first pass: what items refer to, small enough to keep for a large export."""

    def __init__(self):
        self.site = {}
        self.authors = []
        self.categories = []
        self.tags = []
        self.terms = []
        self.attachments = {}  # id -> details
        self.attachments_of = {}  # post id -> [attachment ids]
        self.old_paths = {}  # request path -> (kind, id)
        self.items = 0


class Importer:
    def __init__(
        self,
        path,
        *,
        media_dir=None,
        media_url_base=None,
        dry_run=False,
        default_section=None,
        permalink_structure=None,
        flatten=False,
        progress=None,
    ):
        self.path = path
        self.source = media.Source(media_dir, media_url_base)
        self.dry_run = dry_run
        self.default_section = default_section
        self.permalink_structure = permalink_structure
        self.flatten = flatten
        self.progress = progress or (lambda done, total: None)
        self.report = Report()
        self.context = Context(self.report, dry_run)
        self.pending_links = set()
        self.archives = set()
        self.failed_media = {}
        self.missing_media = 0  # photos a post wanted and did not get, this run
        self.tag_slugs = set()
        self.counted_images = set()

    # The run -------------------------------------------------------------------------------

    def run(self):
        """Import the file; returns the Report. Raises wxr.ExportError before writing
        anything when the file cannot be imported at all."""
        self.index = self.scan()
        self.old = addresses.OldSite(self.index.site, self.permalink_structure)
        self.site = Site.objects.get_current()
        if self.default_section:
            self.fallback_section = Section.objects.filter(slug=self.default_section).first()
            if self.fallback_section is None:
                raise wxr.ExportError(
                    _("There is no section with the slug “%(slug)s” (--default-section).")
                    % {"slug": self.default_section}
                )
        else:
            self.fallback_section = None
        try:
            with transaction.atomic() if self.dry_run else nullcontext():
                self.import_all()
                if self.dry_run:
                    raise Rollback
        except Rollback:
            pass
        return self.report

    def import_all(self):
        self.import_authors()
        self.import_sections()
        self.import_tags()
        done = 0
        for kind, record in wxr.read(self.path):
            if kind != "item":
                continue
            self.import_item(record)
            done += 1
            self.progress(done, self.index.items)
        self.fix_links()
        self.site_redirects()

    def scan(self):
        index = Index()
        for kind, record in wxr.read(self.path):
            if kind == "site":
                index.site = record
            elif kind == "author":
                index.authors.append(record)
            elif kind == "category":
                index.categories.append(record)
            elif kind == "tag":
                index.tags.append(record)
            elif kind == "term":
                index.terms.append(record)
            elif kind == "item":
                index.items += 1
                self._index_item(index, record)
        return index

    def _index_item(self, index, item):
        wp_id = item.get("wp:post_id", "").strip()
        post_type = item.get("wp:post_type", "").strip()
        if post_type == "attachment":
            details = media.attachment_details(item)
            index.attachments[wp_id] = details
            if details["parent"] not in ("", "0"):
                index.attachments_of.setdefault(details["parent"], []).append(wp_id)
            return
        if post_type in ("post", "page"):
            old = addresses.OldSite(index.site)
            path = old.path_of(item.get("link", ""))
            if path:
                index.old_paths[path] = (post_type, wp_id)

    @contextmanager
    def unit(self, kind, wp_id, title):
        """One transaction; an unexpected failure is reported against the item, and the
        import goes on with the next."""
        try:
            with transaction.atomic():
                yield
        except (KeyboardInterrupt, SystemExit, Rollback):
            raise
        except Exception as exc:
            self.report.failed(kind, wp_id, title, f"{type(exc).__name__}: {exc}")

    # People and terms ----------------------------------------------------------------------

    def import_authors(self):
        for record in self.index.authors:
            login = record.get("wp:author_login", "")
            name = body.plain(record.get("wp:author_display_name", "")) or login
            if not login:
                self.report.skipped("authors", record.get("wp:author_id", "?"), name, _("no login"))
                continue
            with self.unit("authors", login, name):
                self.author(login, name, created_digest=digest(record))

    def author(self, key, name, created_digest=""):
        """The Author for a login (or a guest byline's key), made when new. Never a login:
        an import creates no staff user and grants no right."""
        found, row = self.context.target(Kind.AUTHOR, key, Author)
        if found is not None:
            if row.digest == created_digest or not created_digest:
                self.report.count("authors", "unchanged")
            else:
                found.name = name[:120]
                found.save()
                self.context.remember(Kind.AUTHOR, key, found, created_digest, row)
                self.report.count("authors", "updated")
            return found
        slug = ascii_slug(key, name, "author", 120)
        found = Author.objects.filter(slug=slug).first()
        if found is None:
            found = Author.objects.create(name=name[:120], slug=self.free_slug(Author, slug))
            self.report.count("authors", "created")
        else:
            self.report.count("authors", "unchanged")
        self.context.remember(Kind.AUTHOR, key, found, created_digest, row)
        return found

    def import_sections(self):
        by_slug = {c.get("wp:category_nicename", ""): c for c in self.index.categories}
        self.category_root = {}
        self.category_path = {}
        for slug, record in by_slug.items():
            chain, parent, seen = [slug], record.get("wp:category_parent", ""), {slug}
            while parent and parent in by_slug and parent not in seen:  # bounded by `seen`
                chain.insert(0, parent)
                seen.add(parent)
                parent = by_slug[parent].get("wp:category_parent", "")
            self.category_root[slug] = chain[0]
            self.category_path[slug] = chain
        # Parents before their children (a child's name may need its parent's).
        for slug, record in sorted(
            by_slug.items(), key=lambda pair: len(self.category_path[pair[0]])
        ):
            name = body.plain(record.get("wp:cat_name", "")) or slug
            root = self.category_root[slug]
            with self.unit("sections", record.get("wp:term_id", slug), name):
                if self.flatten and root != slug:
                    section, _row = self.context.target(Kind.CATEGORY, root, Section)
                    if section is None:
                        continue
                else:
                    section = self.section(slug, record, by_slug)
                self.category_redirects(slug, section)

    def section(self, slug, record, by_slug):
        name = body.plain(record.get("wp:cat_name", "")) or slug
        description = body.plain(record.get("wp:category_description", ""))[:500]
        found, row = self.context.target(Kind.CATEGORY, slug, Section)
        wanted = digest(record)
        if found is not None and row.digest == wanted:
            self.report.count("sections", "unchanged")
            return found
        if found is None:
            our_slug = ascii_slug(slug, name, f"category-{record.get('wp:term_id', '')}", 80)
            found = Section.objects.filter(slug=our_slug).first()
        if found is None:
            parent = by_slug.get(record.get("wp:category_parent", ""))
            label = name
            if Section.objects.filter(name=label).exists() and parent:
                label = f"{body.plain(parent.get('wp:cat_name', ''))} › {name}"
            if Section.objects.filter(name=label).exists():
                label = f"{name} ({our_slug})"
            found = Section.objects.create(
                name=label[:80], slug=self.free_slug(Section, our_slug), description=description
            )
            self.report.count("sections", "created")
        elif found.description != description and description:
            found.description = description
            found.save()
            self.report.count("sections", "updated")
        else:
            self.report.count("sections", "unchanged")
        self.context.remember(Kind.CATEGORY, slug, found, wanted, row)
        return found

    def category_redirects(self, slug, section):
        url = section.get_absolute_url()
        old_paths = {"/category/" + "/".join(self.category_path[slug]) + "/", f"/category/{slug}/"}
        term_id = self.index_category(slug).get("wp:term_id", "")
        if term_id.isdigit():
            self.redirect(addresses.request_path("/", f"cat={term_id}"), url, slug)
        pairs = [(addresses.request_path(path), url) for path in sorted(old_paths)]
        pairs += [(addresses.request_path(path + "feed/"), url + "feed/") for path in old_paths]
        self.redirects(pairs, slug)

    def index_category(self, slug):
        return next((c for c in self.index.categories if c.get("wp:category_nicename") == slug), {})

    def import_tags(self):
        for record in self.index.tags:
            slug = record.get("wp:tag_slug", "")
            name = body.plain(record.get("wp:tag_name", "")) or unquote(slug)
            with self.unit("tags", record.get("wp:term_id", slug), name):
                self.tag(slug, name, wanted=digest(record), term_id=record.get("wp:term_id", ""))

    def tag(self, slug, name, wanted="", term_id=""):
        found, row = self.context.target(Kind.TAG, slug, Tag)
        if found is not None:
            self.report.count("tags", "unchanged")
            self.tag_slugs.add((slug, found.pk))
            return found
        found = Tag.objects.filter(name__iexact=name[:100]).first()
        if found is None:
            our_slug = ascii_slug(slug, name, f"tag-{term_id or 'imported'}", 100)
            found = Tag.objects.create(name=name[:100], slug=self.free_slug(Tag, our_slug))
            self.report.count("tags", "created")
        else:
            self.report.count("tags", "unchanged")
        self.context.remember(Kind.TAG, slug, found, wanted, row)
        self.tag_slugs.add((slug, found.pk))
        return found

    def free_slug(self, model, slug, exclude_pk=None):
        field = model._meta.get_field("slug")
        candidate, n = slug, 1
        while True:  # bounded: each candidate is new
            taken = model._default_manager.filter(slug=candidate)
            if exclude_pk is not None:
                taken = taken.exclude(pk=exclude_pk)
            if not taken.exists():
                return candidate
            n += 1
            suffix = f"-{n}"
            candidate = slug[: field.max_length - len(suffix)] + suffix

    # Items ---------------------------------------------------------------------------------

    def import_item(self, item):
        wp_id = item.get("wp:post_id", "").strip()
        post_type = item.get("wp:post_type", "").strip()
        title = body.plain(item.get("title", "")) or f"#{wp_id}"
        if post_type in IGNORED_TYPES or post_type.startswith("wp_"):
            return  # attachments come in with the posts that use them
        kind = {"post": "articles", "page": "pages"}.get(post_type)
        if kind is None:
            self.report.skipped(
                "articles", wp_id, title, _("unknown post type “%(type)s”") % {"type": post_type}
            )
            self.skip_parts(item, _("its post was not imported"))
            return
        status = item.get("wp:status", "").strip()
        if status in SKIPPED_STATUSES or (kind == "articles" and status not in STATUSES):
            reason = SKIPPED_STATUSES.get(status, _("unknown status “%(s)s”") % {"s": status})
            self.report.skipped(kind, wp_id, title, reason)
            self.skip_parts(item, _("its post was not imported"))
            return
        with self.unit(kind, wp_id, title):
            if kind == "articles":
                self.import_post(item, wp_id, title)
            else:
                self.import_page(item, wp_id, title, status)

    def skip_parts(self, item, reason):
        extensions.import_wordpress_parts(None, item, self.context, reason=reason)

    def import_post(self, item, wp_id, title):
        wanted = digest(item)
        missing = self.missing_media
        article, row = self.context.target(Kind.POST, wp_id, Article)
        if article is not None and row.digest == wanted:
            self.report.count("articles", "unchanged")
            extensions.import_wordpress_parts(article, item, self.context)
            if article.status == Article.Status.PUBLISHED and article.publish_at:
                self.archives.add(timezone.localtime(article.publish_at).date())
            return
        categories = [c for c in item["categories"] if c["domain"] == "category"]
        section, extra_tags = self.section_of(item, categories)
        if section is None:
            self.report.skipped(
                "articles", wp_id, title, _("no category, and no --default-section given")
            )
            self.skip_parts(item, _("its post was not imported"))
            return
        created = article is None
        if created:
            article = Article()
        before = {field: getattr(article, field) for field in COMPARED}
        status = item.get("wp:status", "").strip()
        article.status = STATUSES[status]
        article.publish_at = self.post_date(item) if status in ("publish", "future") else None
        if status == "publish" and article.publish_at is None:
            article.publish_at = timezone.now()
        article.headline = title[:200]
        article.dek = body.plain(item.get("excerpt:encoded", ""))[:400]
        article.section = section
        article.comments_open = item.get("wp:comment_status", "open").strip() != "closed"
        thumbnail = item["meta"].get("_thumbnail_id", "").strip()
        article.lead_image = self.image(thumbnail, wp_id, title) if thumbnail else None
        converter = self.converter(wp_id, title)
        article.body = sanitized_value(converter.convert(item.get("content:encoded", "")))
        self.report.unknown_shortcodes.update(converter.unknown_shortcodes)
        slug = self.post_slug(item, title, wp_id)
        article.slug = self.free_slug(Article, slug, exclude_pk=article.pk)
        authors = self.bylines(item)
        tags = [self.item_tag(c) for c in item["categories"] if c["domain"] == "post_tag"]
        tags = [tag for tag in tags + extra_tags if tag is not None]
        # Looked at again (a photo had failed, or the export changed) with the same result:
        # nothing is written, so the article's history and caches are left alone.
        same = (
            not created
            and before == {field: getattr(article, field) for field in COMPARED}
            and {a.pk for a in authors} == set(article.authors.values_list("pk", flat=True))
            and {t.pk for t in tags} == set(article.tags.values_list("pk", flat=True))
        )
        if not same:
            article.save()
            article.authors.set(authors)
            article.tags.set(tags)
        # A post with a photo that failed is looked at again next time (its file may be back).
        complete = self.missing_media == missing
        self.context.remember(Kind.POST, wp_id, article, wanted if complete else "", row)
        if converter.unresolved:
            self.pending_links.add((Article, article.pk))
        self.report.count("articles", "unchanged" if same else "created" if created else "updated")
        self.post_redirects(item, wp_id, article)
        extensions.import_wordpress_parts(article, item, self.context)

    def post_date(self, item):
        date = media.parse_wp_date(item.get("wp:post_date_gmt", ""))
        if date is None:  # older exports of drafts and scheduled posts: the site's local time
            local = media.parse_wp_date(item.get("wp:post_date", ""))
            if local is not None:
                date = timezone.make_aware(local.replace(tzinfo=None))
        return date

    def post_slug(self, item, title, wp_id):
        slug = unquote(item.get("wp:post_name", "").strip())
        slug = slugify(slug, allow_unicode=True) or slugify(title, allow_unicode=True)
        return slug[:200].strip("-") or f"post-{wp_id}"

    def section_of(self, item, categories):
        primary = item["meta"].get("_yoast_wpseo_primary_category", "").strip()
        slugs = [c["nicename"] for c in categories]
        if primary:
            by_id = {
                c.get("wp:term_id", ""): c.get("wp:category_nicename")
                for c in self.index.categories
            }
            if by_id.get(primary) in slugs:
                slugs.remove(by_id[primary])
                slugs.insert(0, by_id[primary])
        section = None
        extra = []
        for n, slug in enumerate(slugs):
            root = self.category_root.get(slug, slug) if self.flatten else slug
            found, _row = self.context.target(Kind.CATEGORY, root, Section)
            name = next((c["name"] for c in categories if c["nicename"] == slug), slug)
            if n == 0 and found is not None:
                section = found
                if root != slug:
                    extra.append(self.item_tag({"nicename": slug, "name": name}))
            else:
                extra.append(self.item_tag({"nicename": slug, "name": name}))
        if section is None:
            section = self.fallback_section
        return section, extra

    def item_tag(self, category):
        slug = category["nicename"]
        found, _row = self.context.target(Kind.TAG, slug, Tag)
        if found is None:
            with transaction.atomic():
                found = self.tag(slug, category["name"] or unquote(slug))
        return found

    def bylines(self, item):
        logins = [item.get("dc:creator", "").strip()]
        # Co-Authors Plus: its bylines are "author" terms on the item.
        for term in item["categories"]:
            if term["domain"] == "author":
                login = term["nicename"].removeprefix("cap-")
                logins.append(login)
                if self.context.remembered(Kind.AUTHOR, login) is None:
                    self.author(login, term["name"] or login)
        found = []
        for login in dict.fromkeys(filter(None, logins)):
            author, _row = self.context.target(Kind.AUTHOR, login, Author)
            if author is None:
                author = self.author(login, login)
            found.append(author)
        return found

    # Images --------------------------------------------------------------------------------

    def image(self, attachment_id, wp_id="", title=""):
        """The library Image of an attachment, imported on first use; None (reported) when
        its file cannot be had."""
        attachment_id = str(attachment_id).strip()
        found, row = self.context.target(Kind.ATTACHMENT, attachment_id, Image)
        if found is not None:
            return self.reused(found)
        details = self.index.attachments.get(attachment_id)
        if details is None:
            self.missing_media += 1
            self.report.failed(
                "images",
                attachment_id,
                title,
                _("attachment %(id)s, used by post %(post)s, is not in the export")
                % {"id": attachment_id, "post": wp_id},
            )
            return None
        image = self._new_image(details["path"], details, attachment_id)
        if image is not None:
            self.context.remember(Kind.ATTACHMENT, attachment_id, image, "", row)
            self.context.remember(Kind.MEDIA_FILE, details["path"][:200], image)
        return image

    def image_by_url(self, src, alt=""):
        path = media.relative_path(src)
        if self.old.path_of(src) is None and "://" in src:
            return None  # a picture on another site: left to the sanitiser
        if not path or not src.split("?")[0].split("/wp-content/uploads/")[-1]:
            return None
        for candidate in media.candidates(path):
            found, _row = self.context.target(Kind.MEDIA_FILE, candidate[:200], Image)
            if found is not None:
                return self.reused(found)
        attachment = next(
            (
                key
                for key, details in self.index.attachments.items()
                if details["path"] in media.candidates(path)
            ),
            None,
        )
        if attachment is not None:
            return self.image(attachment)
        details = {"title": alt, "alt": alt, "caption": "", "credit": ""}
        image = self._new_image(path, details, path)
        if image is not None:
            self.context.remember(Kind.MEDIA_FILE, path[:200], image)
        return image

    def reused(self, image):
        if image.pk not in self.counted_images:  # counted once per run, however often used
            self.counted_images.add(image.pk)
            self.report.count("images", "unchanged")
        return image

    def _new_image(self, path, details, wp_id):
        title = details.get("title") or path
        if path in self.failed_media:
            self.missing_media += 1
            return None
        try:
            data = self.source.read(path)
            if self.dry_run:
                media.check(data, path)
                self.report.count("images", "created")
                return None
            with transaction.atomic():
                image = media.new_image(
                    data,
                    path=path,
                    title=details.get("title", ""),
                    alt=details.get("alt", ""),
                    caption=details.get("caption", ""),
                    credit=details.get("credit", ""),
                    date=details.get("date", ""),
                )
        except media.MediaProblem as exc:
            self.missing_media += 1
            self.failed_media[path] = str(exc)
            self.report.failed("images", wp_id, title, str(exc))
            return None
        self.counted_images.add(image.pk)
        self.report.count("images", "created")
        return image

    # Bodies and links ----------------------------------------------------------------------

    def converter(self, wp_id, title):
        importer = self

        class Images:
            def by_id(self, attachment_id):
                return importer.image(attachment_id, wp_id, title)

            def by_url(self, src, alt=""):
                return importer.image_by_url(src, alt)

        converter = body.Converter(Images(), self.new_address)
        converter.unresolved = False
        self._converter = converter
        return converter

    def new_address(self, href):
        """The new address of a link to the old site, or None to leave the link alone."""
        href, _hash, fragment = href.partition("#")
        path = self.old.path_of(href)
        if path is None:
            return None
        fragment = f"#{fragment}" if fragment else ""
        if "/wp-content/" in path:
            return None
        target = None
        plain_path, _q, query = path.partition("?")
        params = parse_qs(query)
        known = None
        for key, kind in (("p", "post"), ("page_id", "page"), ("attachment_id", "attachment")):
            if params.get(key):
                known = (kind, params[key][0])
                break
        if known is None:
            known = self.index.old_paths.get(path)
        if known is not None:
            target = self.url_of(*known)
            if target is None and known[0] in ("post", "page"):
                self._converter.unresolved = True
        if target is None and plain_path.startswith("/category/"):
            slug = plain_path.rstrip("/").rsplit("/", 1)[-1]
            section, _row = self.context.target(Kind.CATEGORY, unquote(slug), Section)
            target = section.get_absolute_url() if section else None
        return (target or path) + fragment

    def url_of(self, kind, wp_id):
        if kind == "post":
            article, _row = self.context.target(Kind.POST, wp_id, Article)
            return article.get_absolute_url() if article and article.is_published() else None
        if kind == "page":
            page, _row = self.context.target(Kind.PAGE, wp_id, FlatPage)
            return page.url if page else None
        if kind == "attachment":
            parent = self.index.attachments.get(str(wp_id), {}).get("parent")
            return self.url_of("post", parent) if parent else None
        return None

    def fix_links(self):
        """Links to posts that came later in the file than the post linking to them."""
        for model, pk in sorted(self.pending_links, key=lambda pair: (pair[0].__name__, pair[1])):
            obj = model._default_manager.filter(pk=pk).first()
            if obj is None:
                continue
            field = "body" if model is Article else "content"
            converter = self.converter("", str(obj))
            new = body.HREF.sub(converter._href, getattr(obj, field))
            if new != getattr(obj, field):
                setattr(obj, field, new)
                with self.unit("articles" if model is Article else "pages", pk, str(obj)):
                    obj.save()

    # Pages ---------------------------------------------------------------------------------

    def import_page(self, item, wp_id, title, status):
        if status != "publish":
            self.report.skipped(
                "pages", wp_id, title, _("not published (status “%(s)s”)") % {"s": status}
            )
            self.skip_parts(item, _("its page was not imported (flat pages take no comments)"))
            return
        path = self.old.path_of(item.get("link", "")) or ""
        if "?" in path or not path:
            path = addresses.request_path(
                "/" + unquote(item.get("wp:post_name", "").strip() or wp_id) + "/"
            )
        url = unquote(path)
        if addresses.answers_here(url):
            self.report.skipped(
                "pages", wp_id, title, _("its address %(url)s is one of ours") % {"url": url}
            )
            return
        wanted = digest(item)
        missing = self.missing_media
        page, row = self.context.target(Kind.PAGE, wp_id, FlatPage)
        if page is not None and row.digest == wanted:
            self.report.count("pages", "unchanged")
        else:
            if page is None:
                page = FlatPage.objects.filter(url=url, sites=self.site).first()
            created = page is None
            page = page or FlatPage(url=url)
            page.url = url
            page.title = title[:200]
            converter = self.converter(wp_id, title)
            page.content = converter.convert(item.get("content:encoded", ""))
            self.report.unknown_shortcodes.update(converter.unknown_shortcodes)
            page.save()
            page.sites.add(self.site)
            if converter.unresolved:
                self.pending_links.add((FlatPage, page.pk))
            complete = self.missing_media == missing
            self.context.remember(Kind.PAGE, wp_id, page, wanted if complete else "", row)
            self.report.count("pages", "created" if created else "updated")
        self.redirect(addresses.request_path("/", f"page_id={wp_id}"), page.url, wp_id)
        self.skip_parts(item, _("flat pages take no comments"))

    # Redirects -----------------------------------------------------------------------------

    def redirect(self, old_path, new_path, wp_id=""):
        self.redirects([(old_path, new_path)], wp_id)

    def redirects(self, pairs, wp_id=""):
        changed = False
        for old_path, outcome, reason in addresses.save_redirects(self.site, pairs):
            if outcome == "skipped":
                self.report.skipped("redirects", wp_id, unquote(old_path)[:80], reason)
            else:
                self.report.count("redirects", outcome)
                changed = changed or outcome != "unchanged"
        if changed:  # (bulk writes send no signal: cached pages renewed here, once)
            renew(CONTENT)

    def post_redirects(self, item, wp_id, article):
        """The post's old addresses, to the article: only once it is published (drafts had
        no public address; a scheduled one answers from its time)."""
        if article.status != Article.Status.PUBLISHED or article.publish_at is None:
            return
        url = article.get_absolute_url()
        local = timezone.localtime(article.publish_at)
        self.archives.add(local.date())
        wp_local = media.parse_wp_date(item.get("wp:post_date", ""))
        old = [addresses.request_path("/", f"p={wp_id}")]
        for path in self.old.post_paths(item, wp_local):
            old.append(path)
            if "?" not in path:
                old.append(path.rstrip("/") + "/feed/")
        for attachment in self.index.attachments_of.get(wp_id, []):
            old.append(addresses.request_path("/", f"attachment_id={attachment}"))
            link = self.old.path_of(self.index.attachments[attachment].get("link", ""))
            if link and "?" not in link:
                old.append(link)
        thumbnail = item["meta"].get("_thumbnail_id", "").strip()
        if thumbnail and thumbnail not in self.index.attachments_of.get(wp_id, []):
            old.append(addresses.request_path("/", f"attachment_id={thumbnail}"))
        self.redirects([(path, url) for path in dict.fromkeys(old) if path != url], wp_id)

    def site_redirects(self):
        """Feeds, author pages, tags whose slug changed, and date archives (which we do not
        have: to the home page)."""
        with self.unit("redirects", "", _("site addresses")):
            self.redirects(addresses.SITE_FEEDS.items())
            for record in self.index.authors:
                login = record.get("wp:author_login", "")
                author, _row = self.context.target(Kind.AUTHOR, login, Author)
                if author is None:
                    continue
                author_id = record.get("wp:author_id", "")
                if author_id.isdigit():
                    old = addresses.request_path("/", f"author={author_id}")
                    self.redirect(old, author.get_absolute_url(), login)
                for path in {f"/author/{login}/", f"/author/{slugify(login)}/"}:
                    old = addresses.request_path(path)
                    if old != author.get_absolute_url():
                        self.redirect(old, author.get_absolute_url(), login)
            for slug, pk in sorted(self.tag_slugs):
                tag = Tag.objects.filter(pk=pk).first()
                if tag is None:
                    continue
                live = Article.objects.published().filter(tags=tag).exists()
                new = f"/tag/{tag.slug}/" if live else "/"
                old = addresses.request_path(f"/tag/{slug}/")
                if old != new:
                    self.redirect(old, new, slug)
                    self.redirect(old + "feed/", new + "feed/" if live else "/feed/", slug)
            archives = list(
                {
                    path: "/"
                    for day in sorted(self.archives)
                    for path in (f"/{day:%Y}/", f"/{day:%Y/%m}/", f"/{day:%Y/%m/%d}/")
                }.items()
            )
            for start in range(0, len(archives), 500):
                self.redirects(archives[start : start + 500])
