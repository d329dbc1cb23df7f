"""Authors, categories and tags: Authors, Sections and tags here (part of the Importer).

- Authors keep their display names; an import never creates a login or grants a right.
  Co-Authors Plus bylines (``author`` terms on an item) become further Authors.
- Every category becomes a section of its own, keeping its slug (a child's section is named
  "Parent > Child" only when its own name is taken); with ``flatten`` a child's posts go to
  its top-level ancestor's section and get the child's name as a tag. A post in several
  categories gets the primary one (Yoast's, else the first) as its section, the others as
  tags of the same name.
- Slugs our addresses cannot carry (non-Latin section slugs) are replaced by one made from
  the name (else ``category-<id>``); the old address redirects. Tag addresses carry any
  script: a tag keeps its slug (``ليبيا``), or gets one from its name.
"""

from urllib.parse import unquote

from django.db import transaction
from django.utils.translation import gettext as _
from taggit.models import Tag

from ..models import Author, Section
from . import addresses, body
from .context import Kind, ascii_slug, digest, tag_slug

NAME_LIMIT = Section._meta.get_field("name").max_length


class Terms:
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
        # An existing byline of the same slug is taken over, unless a staff login writes
        # under it: bylines give reporters their articles, and an import grants no right.
        found = Author.objects.filter(slug=slug, user__isnull=True).first()
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
            parent_name = body.plain(parent.get("wp:cat_name", "")) if parent else ""
            label = self.section_name(name, parent_name, our_slug)
            found = Section.objects.create(
                name=label, slug=self.free_slug(Section, our_slug), description=description
            )
            self.report.count("sections", "created")
            self.new_sections[found.pk] = slug
            if len(name) > NAME_LIMIT:
                self.report.noted(
                    "sections",
                    record.get("wp:term_id", slug),
                    name,
                    _("name cut to %(limit)d characters: “%(label)s”")
                    % {"limit": NAME_LIMIT, "label": label},
                )
        elif found.description != description and description:
            found.description = description
            found.save()
            self.report.count("sections", "updated")
        else:
            self.report.count("sections", "unchanged")
        self.context.remember(Kind.CATEGORY, slug, found, wanted, row)
        return found

    def section_name(self, name, parent_name, slug):
        """A name no section has, within the field's length: the category's, else "Parent >
        Child", else the name with its slug, cut to fit (two long names alike in their
        first 80 characters stay two sections)."""
        tries = [name]
        if parent_name:
            tries.append(f"{parent_name} › {name}")
        for label in tries:
            label = label[:NAME_LIMIT].rstrip()
            if not Section.objects.filter(name=label).exists():
                return label
        for n in range(1, 1000):  # bounded; each try is a new name
            suffix = f" ({slug[:30]})" if n == 1 else f" ({slug[:30]}-{n})"
            label = name[: NAME_LIMIT - len(suffix)].rstrip() + suffix
            if not Section.objects.filter(name=label).exists():
                return label
        raise ValueError(f"no free section name for {name[:30]}…")

    def category_redirects(self, slug, section):
        url = section.get_absolute_url()
        old_paths = {"/category/" + "/".join(self.category_path[slug]) + "/", f"/category/{slug}/"}
        term_id = self.index_category(slug).get("wp:term_id", "")
        if term_id.isascii() and term_id.isdigit():
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
        if self.context.deleted_here(found, row, Tag):
            if slug not in self.deleted_tags:  # listed once a run
                self.deleted_tags.add(slug)
                self.context.deleted_note("tags", slug, name)
            return None
        if found is not None:
            self.report.count("tags", "unchanged")
            self.tag_slugs.add((slug, found.pk))
            return found
        found = Tag.objects.filter(name__iexact=name[:100]).first()
        if found is None:
            our_slug = tag_slug(slug, name, f"tag-{term_id or 'imported'}", 100)
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
