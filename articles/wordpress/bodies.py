"""Bodies: the photos they show and their links to the old site (part of the Importer).

An attachment comes into the photo library the first time a post uses it (as its featured
image or in its body), once per run however often it is used; a picture in a body that is
not an attachment of the export comes in by its file's path. Links to old posts, pages and
categories point at their new addresses; a link to a post later in the file is rewritten
once that post is in (``fix_links``).
"""

from urllib.parse import parse_qs, quote, unquote

from django.contrib.flatpages.models import FlatPage
from django.db import transaction
from django.utils.translation import gettext as _

from .. import redirects
from ..models import Article, Section
from ..photos import Image
from . import body, media
from .context import Kind, fingerprint
from .mapping import WordPressObject


class Bodies:
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
            if ("attachment", attachment_id) in self.failed_media:  # listed once a run
                return None
            self.failed_media["attachment", attachment_id] = ""
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
            written = fingerprint(image, media.WORDS)
            self.context.remember(Kind.ATTACHMENT, attachment_id, image, "", row, written)
            self.context.remember(Kind.MEDIA_FILE, details["path"][:200], image)
        return image

    def follow_attachment_words(self):
        """An attachment's alt text, caption or credit changed in WordPress since it came in:
        its photo follows, unless the desk has changed the photo's words here since (then it
        is listed). A photo imported before the import remembered its words is left alone,
        and a word WordPress left empty never clears one (a gallery gives a photo its
        caption). Read in bulk: one query for the rows, one for the photos."""
        if self.dry_run:
            return
        rows = {
            row.wp_id: row
            for row in WordPressObject.objects.filter(
                kind=Kind.ATTACHMENT, content_type=self.context.content_type(Image)
            ).exclude(written="")
            if row.wp_id in self.index.attachments
        }
        photos = Image.objects.in_bulk([row.object_id for row in rows.values()])
        for attachment_id, row in rows.items():
            image = photos.get(row.object_id)
            details = self.index.attachments[attachment_id]
            if image is None:
                continue
            wanted = {
                name: value
                for name, value in media.words_of(details, details["path"]).items()
                if value and value != getattr(image, name)
            }
            if not wanted:
                continue
            if self.context.edited_here(row, fingerprint(image, media.WORDS)):
                self.context.edited_note("images", attachment_id, image.title)
                continue
            with self.unit("images", attachment_id, image.title):
                for name, value in wanted.items():
                    setattr(image, name, value)
                image.save(update_fields=list(wanted))
                row.written = fingerprint(image, media.WORDS)
                row.save(update_fields=["written"])
                self.report.count("images", "updated")

    def image_by_url(self, src, alt="", wp_id="", title=""):
        path = media.relative_path(src)
        if self.old.path_of(src) is None and "://" in src:
            return None  # a picture on another site: the body links to it (body.Converter)
        if not path or not src.split("?")[0].split("/wp-content/uploads/")[-1]:
            return None
        names = media.same_photo(path)
        for candidate in names:
            found, _row = self.context.target(Kind.MEDIA_FILE, candidate[:200], Image)
            if found is not None:
                return self.reused(found)
        attachment = next(
            (key for key, details in self.index.attachments.items() if details["path"] in names),
            None,
        )
        if attachment is not None:
            return self.image(attachment)
        # Not an attachment: a failure is listed with the post whose body has it.
        details = {"title": alt, "alt": alt, "caption": "", "credit": "", "post_title": title}
        image = self._new_image(path, details, wp_id or path)
        if image is not None:
            self.context.remember(Kind.MEDIA_FILE, path[:200], image)
        return image

    def reused(self, image):
        if image.pk not in self.counted_images:  # counted once per run, however often used
            self.counted_images.add(image.pk)
            self.report.count("images", "unchanged")
        return image

    def _new_image(self, path, details, wp_id):
        title = details.get("post_title") or details.get("title") or path
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
        names = {"caption": _("caption"), "alt": _("alt text")}
        for key, length in media.too_long(details):
            self.report.noted(
                "images",
                wp_id,
                title,
                _("%(what)s cut to %(limit)d characters (it had %(length)d)")
                % {"what": names[key], "limit": media.CAPTION_LIMIT, "length": length},
            )
        return image

    def fill_caption(self, image, caption):
        """A caption a post gave a photo that has none of its own (in a gallery) becomes the
        photo's: the gallery shows each photo's caption."""
        if not image.caption and caption:
            image.caption = media.shorten(caption, media.CAPTION_LIMIT)
            image.save(update_fields=["caption"])
            # What the import wrote: not taken later for a change made here.
            WordPressObject.objects.filter(
                kind=Kind.ATTACHMENT,
                content_type=self.context.content_type(Image),
                object_id=image.pk,
            ).update(written=fingerprint(image, media.WORDS))

    def left_out(self, kind, url, wp_id, title):
        """Reported, with the post's WordPress ID: what its body keeps only as a link (a
        picture on another site, audio, video) or leaves out (an iframe no embed shows)."""
        reasons = {
            "picture": _(
                "a picture on another site, kept as a link to it (our pages show no other "
                "site's pictures; upload it to the library if it is ours to use): %(url)s"
            ),
            "audio": _("audio kept as a link to its file (there is no audio block): %(url)s"),
            "video": _(
                "a video kept as a link to its file (only a provider's videos are embedded): "
                "%(url)s"
            ),
            "iframe": _("an iframe left out (not a provider the embed block shows): %(url)s"),
        }
        self.report.skipped(
            "images" if kind == "picture" else "media",
            wp_id,
            title,
            reasons[kind] % {"url": url[:300]},
        )

    def linked_file(self, url, old_path, wp_id, title):
        """The new address of a file in the old uploads that a body links to and that is
        not a picture: a document readers download (a PDF report) is copied into the site's
        files, and its old address redirects to the copy; any other, or one that cannot be
        read, is listed to be moved by hand (None: the link is left as it is)."""
        path = media.relative_path(url)
        if path in self.copied_files:
            return self.copied_files[path]
        reason = _("a file to move, still linked on the old site: %(url)s") % {"url": url[:300]}
        if media.is_document(path) and not self.dry_run:
            try:
                address, new = media.copy_document(self.source, path)
            except media.MediaProblem as exc:
                reason = _("a file not copied (%(problem)s), still linked on the old site") % {
                    "problem": exc
                }
            else:
                self.copied_files[path] = address
                redirects.address_moved(old_path.partition("?")[0], address)
                self.report.count("files", "created" if new else "unchanged")
                return address
        if (wp_id, url) not in self.files_to_move:
            self.files_to_move.add((wp_id, url))
            self.report.noted("files", wp_id, title, reason)
        return None

    def converter(self, wp_id, title):
        importer = self

        class Images:
            post_id = wp_id

            def by_id(self, attachment_id):
                return importer.image(attachment_id, wp_id, title)

            def by_url(self, src, alt=""):
                return importer.image_by_url(src, alt, wp_id, title)

            def attachment(self, attachment_id):
                return importer.index.attachments.get(str(attachment_id))

            def children(self, post_id):
                return importer.index.attachments_of.get(str(post_id), [])

            def fill_caption(self, image, caption):
                importer.fill_caption(image, caption)

            def elsewhere(self, src):
                return "://" in src and importer.old.path_of(src) is None

            def left_out(self, kind, url):
                importer.left_out(kind, url, wp_id, title)

        converter = body.Converter(Images(), lambda href: self.new_address(href, wp_id, title))
        converter.unresolved = False
        self._converter = converter
        return converter

    def new_address(self, href, wp_id="", title=""):
        """The new address of a link to the old site, or None to leave the link alone. A link
        to a file in the old uploads that is not a picture (a PDF) is listed, to be moved."""
        href, _hash, fragment = href.partition("#")
        path = self.old.path_of(href)
        if path is None:
            return None
        fragment = f"#{fragment}" if fragment else ""
        if "/wp-content/" in path:
            if wp_id and "/wp-content/uploads/" in path and not media.is_picture(path):
                address = self.linked_file(href, path, wp_id, title)
                return address + fragment if address else None
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
            # WordPress writes a non-Latin slug percent-encoded in lower case.
            slug = quote(unquote(plain_path.rstrip("/").rsplit("/", 1)[-1])).lower()
            section, _row = self.context.target(Kind.CATEGORY, slug, Section)
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
                    # Only the links changed: a story's "Updated" time stays its own (an
                    # import of an hour would otherwise date every such story at its end).
                    obj.save(update_fields=[field])
                    # Still what the import wrote: a later run may update it.
                    WordPressObject.objects.filter(
                        kind__in=(Kind.POST, Kind.PAGE),
                        content_type=self.context.content_type(model),
                        object_id=obj.pk,
                    ).update(written=self.written(obj))
