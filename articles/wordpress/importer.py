"""What maps to what, and in which order (README, "Moving from WordPress").

The export is read twice, as a stream: the first pass checks the whole file (nothing is
written from a file that is unsafe, cut off or not an export) and keeps a small index of
what later items refer to (attachments, categories, each post's old address); the second
imports. Authors, sections and tags come first; then each post, with its photos, comments
and redirects, in a transaction of its own: never half an article. Every object's WordPress
ID is remembered (``WordPressObject``), so a second run creates nothing new, updates what
changed in the export, and a run stopped half-way simply carries on.

Statuses: publish → published, future → scheduled at its date, draft → draft, pending →
in review, private → draft (never public); trash and auto-drafts are skipped. A post with a
password is held back as a draft, whatever its status (we have no password-protected
stories), and listed in the report for someone to decide. Authors,
sections and tags: ``terms``; photos and links inside bodies: ``bodies``.
"""

import re
from contextlib import contextmanager, nullcontext
from urllib.parse import unquote

from django.contrib.flatpages.models import FlatPage
from django.contrib.sites.models import Site
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from taggit.models import Tag

from newsroom.cache import CONTENT, renew
from newsroom.storage import new_files_undone_on_error

from .. import bylines, extensions
from ..curation import TOP_STORIES
from ..desk import revisions
from ..fields import clean_html
from ..models import Article, Author, Front, Section, Slot, sanitized_value
from ..tags import MOST_TAGS
from . import addresses, body, media, menus, wxr
from .bodies import Bodies
from .context import Context, Index, Kind, ascii_slug, digest, fingerprint
from .report import Report
from .terms import Terms

STATUSES = {
    "publish": Article.Status.PUBLISHED,
    "future": Article.Status.PUBLISHED,
    "draft": Article.Status.DRAFT,
    "pending": Article.Status.REVIEW,
    "private": Article.Status.DRAFT,
}
SKIPPED_STATUSES = {
    "trash": _lazy("in the trash"),
    "auto-draft": _lazy("an auto-draft WordPress made, never written"),
    "inherit": _lazy("a revision"),
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
# The search headline and description an SEO plugin kept for a post, by plugin (Yoast, Rank
# Math, All in One SEO): the first given wins.
SEO_META = {
    "seo_title": ("_yoast_wpseo_title", "rank_math_title", "_aioseo_title", "_aioseop_title"),
    "seo_description": (
        "_yoast_wpseo_metadesc",
        "rank_math_description",
        "_aioseo_description",
        "_aioseop_description",
    ),
}
SEO_FIELDS = tuple(SEO_META)
# A plugin's placeholders: the post's title stands for its own; the others (the separator,
# the site's name, a page number) our pages add themselves or do not use.
SEO_VARIABLE = re.compile(
    r"%%([a-z_]+)%%|%([a-z_]+)%|#(post_title|post_excerpt|separator_sa|site_title|tagline)\b"
)
PAGE_FIELDS = ("url", "title", "content")
IGNORED_TYPES = {"attachment", "nav_menu_item", "revision", "customize_changeset", "oembed_cache"}
# What the admin's article form accepts: an imported story must save there unchanged.
HEADLINE_LIMIT = Article._meta.get_field("headline").max_length
DEK_LIMIT = Article._meta.get_field("dek").max_length
TITLE_LIMIT = FlatPage._meta.get_field("title").max_length
SHORTCODE = re.compile(r"\[/?[A-Za-z][^\]]*\]")
HEADLINE_WORDS = 10


def headline_of(item, wp_id):
    """(headline, note): the title; for an untitled post the first words of its text, else
    "Untitled (WordPress post N)", with a note for the report saying so."""
    title = body.plain(item.get("title", ""))
    if title:
        return title, None
    words = body.plain(SHORTCODE.sub(" ", item.get("content:encoded", ""))).split()
    if words:
        first = " ".join(words[:HEADLINE_WORDS])
        title = first + ("…" if len(words) > HEADLINE_WORDS else "")
        return title, _("no title in WordPress: headlined with its first words")
    title = _("Untitled (WordPress post %(id)s)") % {"id": wp_id}
    return title, _("no title in WordPress, nor any text: headlined “%(title)s”") % {"title": title}


def seo_texts(meta, headline):
    """{field: text} of the search headline and description an SEO plugin kept for a post.
    Its placeholders are resolved where they can be (the post's title) and dropped where our
    pages add the rest themselves; a text that says no more than the headline is left out
    (the page falls back to the headline all the same)."""
    texts = {}
    for field, keys in SEO_META.items():
        raw = next((meta[key] for key in keys if (meta.get(key) or "").strip()), "")
        if not raw:
            continue
        text = SEO_VARIABLE.sub(
            lambda found: headline if found[found.lastindex] in ("title", "post_title") else "",
            body.plain(raw),
        )
        text = " ".join(text.split()).strip(" -–—|:·•")
        if text and text != headline:
            texts[field] = text
    return texts


def cut(value, limit, what, notes):
    """``value`` within ``limit`` characters; a note for the report when it had to be cut."""
    if len(value) <= limit:
        return value
    notes.append(
        _("%(what)s cut to %(limit)d characters (it had %(length)d)")
        % {"what": what, "limit": limit, "length": len(value)}
    )
    return value[:limit].rstrip()


class Rollback(Exception):
    """Raised at the end of a dry run to undo everything it wrote."""


class Importer(Terms, Bodies, menus.Menus):
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
        self.deleted_tags = set()  # imported once, deleted here since: listed once a run
        self.counted_images = set()
        self.dry_run_files = set()  # image files a dry run has looked at
        self.seen_ids = set()  # posts and pages met in this run: a second one is skipped
        self.files_to_move = set()  # (post, link to a file in the old uploads), listed once
        self.copied_files = {}  # path in the old uploads: its copy's address, this run
        self.new_sections = {}  # section pk -> category slug: the sections this run made
        self.places_done = set()  # where this run's menu links went (articles.site_links)
        self.sticky = []  # posts WordPress kept at the top of the home page

    # The run -------------------------------------------------------------------------------

    def run(self):
        """Import the file; returns the Report. Raises wxr.ExportError before writing
        anything when the file cannot be imported at all."""
        if self.source.media_dir is not None and not self.source.media_dir.is_dir():
            raise wxr.ExportError(
                _("There is no folder %(path)s (--media-dir). Nothing was imported.")
                % {"path": self.source.media_dir}
            )
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
        self.follow_attachment_words()
        self.fix_links()
        self.site_redirects()
        self.import_menus()
        self.pin_sticky_posts()

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
            if wp_id in index.attachments:  # the same ID twice: the first one counts
                return
            details = media.attachment_details(item)
            index.attachments[wp_id] = details
            if details["parent"] not in ("", "0"):
                index.attachments_of.setdefault(details["parent"], []).append(wp_id)
            return
        if post_type == "nav_menu_item":
            index.menu_items.append(menus.menu_item(item))
            return
        if post_type in ("post", "page"):
            index.post_ids.add(wp_id)
            thumbnail = item["meta"].get("_thumbnail_id", "").strip()
            if thumbnail:
                index.first_featured.setdefault(thumbnail, wp_id)
            if index.old_site is None:  # the site's fields all come before the first item
                index.old_site = addresses.OldSite(index.site)
            path = index.old_site.path_of(item.get("link", ""))
            if path:
                index.old_paths.setdefault(path, (post_type, wp_id))

    @contextmanager
    def unit(self, kind, wp_id, title):
        """One transaction; an unexpected failure is reported against the item, and the
        import goes on with the next. What was rolled back is not counted: the report says
        what is in the database, a run stopped half-way included."""
        before = self.report.snapshot(), set(self.counted_images), dict(self.failed_media)
        try:
            # Rolled back, a unit leaves no file behind either (a photo it stored, a copy).
            with new_files_undone_on_error(), transaction.atomic():
                yield
        except Rollback:
            raise
        except (KeyboardInterrupt, SystemExit):
            self.forget(before)
            raise
        except Exception as exc:
            self.forget(before)
            self.report.failed(kind, wp_id, title, f"{type(exc).__name__}: {exc}")

    def forget(self, before):
        """Back to what was reported and remembered before a unit that was rolled back."""
        report, self.counted_images, self.failed_media = before
        self.report.restore(report)

    # Items ---------------------------------------------------------------------------------

    def import_item(self, item):
        wp_id = item.get("wp:post_id", "").strip()
        post_type = item.get("wp:post_type", "").strip()
        title, _note = headline_of(item, wp_id)
        if post_type in IGNORED_TYPES or post_type.startswith("wp_"):
            return  # attachments come in with the posts that use them
        kind = {"post": "articles", "page": "pages"}.get(post_type)
        if kind is None:
            self.report.skipped(
                "articles", wp_id, title, _("unknown post type “%(type)s”") % {"type": post_type}
            )
            self.skip_parts(item, _("its post was not imported"))
            return
        if wp_id in self.seen_ids:
            self.report.skipped(
                kind,
                wp_id,
                title,
                _("a second item with WordPress ID %(id)s in the file: the first one came in")
                % {"id": wp_id},
            )
            self.skip_parts(item, _("its post was not imported"))
            return
        self.seen_ids.add(wp_id)
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
        if kind == "articles" and item.get("wp:is_sticky", "").strip() == "1":
            self.sticky.append(wp_id)

    def _new_image(self, path, details, wp_id):
        # A dry run writes no image, so the next post using the same file would find none
        # and count it again: each file is looked at (and counted) once, as in a real run.
        if self.dry_run:
            if path in self.dry_run_files:
                return None
            self.dry_run_files.add(path)
        return super()._new_image(path, details, wp_id)

    def skip_parts(self, item, reason):
        extensions.import_wordpress_parts(None, item, self.context, reason=reason)

    def import_post(self, item, wp_id, title):
        wanted = digest(item)
        missing = self.missing_media
        article, row = self.context.target(Kind.POST, wp_id, Article)
        if self.context.deleted_here(article, row, Article):
            self.context.deleted_note("articles", wp_id, title)
            self.skip_parts(item, _("its post was deleted here"))
            return
        if article is not None and row.digest == wanted:
            self.report.count("articles", "unchanged")
            extensions.import_wordpress_parts(article, item, self.context)
            if article.is_published():
                self.archives.add(timezone.localtime(article.publish_at).date())
            return
        if article is not None and self.context.edited_here(row, self.written(article)):
            self.report.count("articles", "unchanged")
            self.context.edited_note("articles", wp_id, article.headline)
            self.post_redirects(item, wp_id, article)
            extensions.import_wordpress_parts(article, item, self.context)
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
        before = {field: getattr(article, field) for field in COMPARED + SEO_FIELDS}
        status = item.get("wp:status", "").strip()
        article.status = STATUSES[status]
        article.publish_at = self.post_date(item) if status in ("publish", "future") else None
        notes = []
        if item.get("wp:post_password", "").strip() and article.status != Article.Status.DRAFT:
            article.status = Article.Status.DRAFT
            notes.append(_("password-protected in WordPress: imported as a draft"))
        if article.status == Article.Status.PUBLISHED and article.publish_at is None:
            # Never "now": an old story would top the home page. The desk decides.
            article.status = Article.Status.DRAFT
            notes.append(
                _("no usable date in WordPress (“%(gmt)s”, “%(local)s”): imported as a draft")
                % {
                    "gmt": item.get("wp:post_date_gmt", "").strip(),
                    "local": item.get("wp:post_date", "").strip(),
                }
            )
        _title, untitled = headline_of(item, wp_id)
        if untitled:
            notes.append(untitled)
        article.headline = cut(title, HEADLINE_LIMIT, _("headline"), notes)
        dek = body.plain(item.get("excerpt:encoded", ""))
        article.dek = cut(dek, DEK_LIMIT, _("summary (the excerpt)"), notes)
        for field, text in seo_texts(item["meta"], article.headline).items():
            limit = Article._meta.get_field(field).max_length
            label = Article._meta.get_field(field).verbose_name
            setattr(article, field, cut(text, limit, label, notes))
        article.section = section
        article.comments_open = item.get("wp:comment_status", "open").strip() != "closed"
        thumbnail = item["meta"].get("_thumbnail_id", "").strip()
        article.lead_image = self.image(thumbnail, wp_id, title) if thumbnail else None
        converter = self.converter(wp_id, title)
        converted = sanitized_value(converter.convert(item.get("content:encoded", "")))
        article.body = body.without_empty_elements(converted)
        self.report.shortcodes(wp_id, converter.unknown_shortcodes)
        slug = self.post_slug(item, title, wp_id)
        article.slug = self.free_slug(Article, slug, exclude_pk=article.pk)
        authors = self.bylines(item)
        tags = [self.item_tag(c) for c in item["categories"] if c["domain"] == "post_tag"]
        tags = list({tag.pk: tag for tag in tags + extra_tags if tag is not None}.values())
        if len(tags) > MOST_TAGS:  # the admin's form takes no more
            notes.append(
                _(
                    "%(count)d tags and categories left out, a story having at most %(most)d: "
                    "%(names)s"
                )
                % {
                    "count": len(tags) - MOST_TAGS,
                    "most": MOST_TAGS,
                    "names": ", ".join(tag.name for tag in tags[MOST_TAGS:]),
                }
            )
            tags = tags[:MOST_TAGS]
        # Looked at again (a photo had failed, or the export changed) with the same result:
        # nothing is written, so the article's history and caches are left alone.
        same = (
            not created
            and before == {field: getattr(article, field) for field in COMPARED + SEO_FIELDS}
            and [a.pk for a in authors] == [a.pk for a in bylines.ordered(article)]
            and {t.pk for t in tags} == set(article.tags.values_list("pk", flat=True))
        )
        if not same:
            with revisions.one_revision(article):  # its revision carries its byline
                article.save()
                bylines.arrange(article, authors)
            article.tags.set(tags)
        # A post with a photo that failed is looked at again next time (its file may be back).
        complete = self.missing_media == missing
        self.context.remember(
            Kind.POST, wp_id, article, wanted if complete else "", row, self.written(article)
        )
        if converter.unresolved:
            self.pending_links.add((Article, article.pk))
        self.report.count("articles", "unchanged" if same else "created" if created else "updated")
        if not same:
            for note in notes:
                self.report.noted("articles", wp_id, article.headline, note)
        self.post_redirects(item, wp_id, article)
        extensions.import_wordpress_parts(article, item, self.context)

    @staticmethod
    def written(obj):
        """The fingerprint of what the import writes to an article or a flat page."""
        if isinstance(obj, FlatPage):
            return fingerprint(obj, PAGE_FIELDS)
        # The search texts only when there are any: a story imported before they were read
        # keeps the fingerprint it was given, and is not taken for one edited here.
        seo = [getattr(obj, field) for field in SEO_FIELDS if getattr(obj, field)]
        return fingerprint(
            obj,
            COMPARED,
            [author.pk for author in bylines.ordered(obj)],
            sorted(obj.tags.values_list("pk", flat=True)),
            *([SEO_FIELDS, seo] if seo else []),
        )

    def post_date(self, item):
        """When the post went (or goes) live: ``post_date_gmt``, else ``post_date`` in the
        site's time zone (WordPress leaves the first zero on drafts and in older exports of
        scheduled posts), else None."""
        date = media.parse_wp_date(item.get("wp:post_date_gmt", ""))
        if date is None:
            local = media.parse_wp_date(item.get("wp:post_date", ""))
            if local is not None:
                date = timezone.make_aware(local.replace(tzinfo=None))
        return date

    def post_slug(self, item, title, wp_id):
        """The WordPress slug when our article addresses can carry it (Latin letters, digits,
        hyphens: what the admin's slug field accepts, so the story saves unchanged), else one
        made from the headline, else ``story-<id>``, as for sections and tags. The old,
        percent-encoded permalink redirects to it."""
        return ascii_slug(item.get("wp:post_name", ""), title, f"story-{wp_id}", 200)

    def pin_sticky_posts(self):
        """WordPress's sticky posts lead the home page here too: the home front's slots, the
        newest first as WordPress shows them, on a home page the desk has not curated (one
        whose slots are all this import's sticky posts, or none). Unstuck since, a post's
        slot stays until an editor changes the front."""
        stories = []
        for wp_id in self.sticky:
            story, _row = self.context.target(Kind.POST, wp_id, Article)
            if story is not None and Article.objects.published().filter(pk=story.pk).exists():
                stories.append((wp_id, story))
        if not stories:
            return
        stories.sort(key=lambda pair: pair[1].publish_at, reverse=True)
        with self.unit("articles", "", _("sticky posts")):
            front, _created = Front.objects.get_or_create(section=None)
            placed = set(front.slots.values_list("article_id", flat=True))
            curated = placed - {story.pk for _wp_id, story in stories}
            for position, (wp_id, story) in enumerate(stories):
                if story.pk in placed:
                    continue
                if curated or position >= TOP_STORIES:
                    reason = (
                        _("sticky in WordPress; the home page is curated here: not pinned")
                        if curated
                        else _("sticky in WordPress; the home page leads with %(n)d: not pinned")
                        % {"n": TOP_STORIES}
                    )
                    self.report.noted("articles", wp_id, story.headline, reason)
                    continue
                Slot.objects.create(front=front, article=story, position=position)

    # Pages ---------------------------------------------------------------------------------

    def import_page(self, item, wp_id, title, status):
        if status != "publish" or item.get("wp:post_password", "").strip():
            reason = _("not published (status “%(s)s”)") % {"s": status}
            if status == "publish":
                reason = _("password-protected in WordPress, which a flat page cannot be")
            self.report.skipped("pages", wp_id, title, reason)
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
        if self.context.deleted_here(page, row, FlatPage):
            self.context.deleted_note("pages", wp_id, title)
            self.skip_parts(item, _("its page was deleted here"))
            return
        if page is not None and row.digest == wanted:
            self.report.count("pages", "unchanged")
        elif page is not None and self.context.edited_here(row, self.written(page)):
            self.report.count("pages", "unchanged")
            self.context.edited_note("pages", wp_id, page.title)
        else:
            # A flat page the import did not make is the desk's: never overwritten.
            taken = FlatPage.objects.filter(url=url, sites=self.site)
            holder = taken.exclude(pk=page.pk).first() if page else taken.first()
            if holder is not None:
                self.report.skipped(
                    "pages",
                    wp_id,
                    title,
                    _("its address %(url)s is already the flat page “%(title)s”: left as it is")
                    % {"url": url, "title": holder.title},
                )
                self.skip_parts(item, _("its page was not imported (flat pages take no comments)"))
                return
            created = page is None
            page = page or FlatPage(url=url)
            before = (page.url, page.title, page.content)
            notes = []
            _title, untitled = headline_of(item, wp_id)
            if untitled:
                notes.append(untitled)
            page.url = url
            page.title = cut(title, TITLE_LIMIT, _("title"), notes)
            converter = self.converter(wp_id, title)
            converted = clean_html(converter.convert(item.get("content:encoded", "")))
            page.content = body.without_empty_elements(converted)
            self.report.shortcodes(wp_id, converter.unknown_shortcodes)
            # Looked at again (a photo had failed) with the same result: nothing is written.
            same = not created and before == (page.url, page.title, page.content)
            if not same:
                page.save()
                page.sites.add(self.site)
                for note in notes:
                    self.report.noted("pages", wp_id, page.title, note)
            if converter.unresolved:
                self.pending_links.add((FlatPage, page.pk))
            complete = self.missing_media == missing
            self.context.remember(
                Kind.PAGE, wp_id, page, wanted if complete else "", row, self.written(page)
            )
            self.report.count("pages", "unchanged" if same else "created" if created else "updated")
        self.page_redirects(wp_id, page)
        self.skip_parts(item, _("flat pages take no comments"))

    def page_redirects(self, wp_id, page):
        """``/?page_id=``, and the pages of the page's attachments (``/about/<photo>/``,
        ``/?attachment_id=``), to the page."""
        old = [addresses.request_path("/", f"page_id={wp_id}")]
        for attachment in self.index.attachments_of.get(wp_id, []):
            old.append(addresses.request_path("/", f"attachment_id={attachment}"))
            link = self.old.path_of(self.index.attachments[attachment].get("link", ""))
            if link and "?" not in link:
                old.append(link)
        target = addresses.request_path(page.url)
        self.redirects([(path, page.url) for path in dict.fromkeys(old) if path != target], wp_id)

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
        no public address). A scheduled one's answer 404 until it is live, as the article
        does (articles/redirects.py); its day gets no date archive before then (a redirect
        there would say a story is due that day): the first run after it is live adds them."""
        if article.status != Article.Status.PUBLISHED or article.publish_at is None:
            return
        url = article.get_absolute_url()
        if article.is_published():
            self.archives.add(timezone.localtime(article.publish_at).date())
        wp_local = media.parse_wp_date(item.get("wp:post_date", ""))
        old = [addresses.request_path("/", f"p={wp_id}")]
        permalinks = self.old.post_paths(item, wp_local)
        for path in permalinks + self.old.old_slug_paths(item, wp_local):
            old.append(path)
            if "?" not in path:
                old.append(path.rstrip("/") + "/feed/")
        for path in permalinks:
            holder = addresses.story_at(path)
            if holder is not None and holder.pk != article.pk:
                self.report.noted(
                    "articles",
                    wp_id,
                    article.headline,
                    _(
                        "its old address %(old)s is the address of “%(holder)s” here, which "
                        "readers following an old link will see: it came in at %(url)s"
                    )
                    % {"old": unquote(path), "holder": holder.headline, "url": url},
                )
        for attachment in self.index.attachments_of.get(wp_id, []):
            old.append(addresses.request_path("/", f"attachment_id={attachment}"))
            link = self.old.path_of(self.index.attachments[attachment].get("link", ""))
            if link and "?" not in link:
                old.append(link)
        thumbnail = item["meta"].get("_thumbnail_id", "").strip()
        if thumbnail and self.index.page_of(thumbnail) == wp_id:
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
                if author_id.isascii() and author_id.isdigit():
                    old = addresses.request_path("/", f"author={author_id}")
                    self.redirect(old, author.get_absolute_url(), login)
                # WordPress's own author address uses the login made into a slug its way
                # ("layla.haddad" -> "layla-haddad", an email's "@" dropped).
                nicename = "-".join(re.sub(r"[^a-z0-9_.\- ]", "", login.lower()).split())
                nicename = re.sub(r"-{2,}", "-", nicename.replace(".", "-")).strip("-")
                for path in {f"/author/{login}/", f"/author/{slugify(login)}/"} | (
                    {f"/author/{nicename}/"} if nicename else set()
                ):
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
                if old != addresses.request_path(new):  # (a tag's address in any script)
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
