"""WordPress menus (Appearance > Menus: the export's ``nav_menu_item`` items) as the site's
menus here (part of the Importer).

Where each menu sat is the theme's setting, which the export does not hold, so:

- of the menus not named for the footer, the top bar or social links, the one with the
  most categories at its top level is the section menu: the sections this run makes show
  in the header in that menu's order, and the other sections it makes stay reachable but
  out of the menu.
  With no such menu, the sections of top-level categories show and those of child
  categories do not (a newsroom's fifty categories would not fit a header). Sections made
  before (by the desk or an earlier run) are left as the desk set them;
- a menu named for the footer, the top bar or social links ("Follow us") gives those their
  links (articles/site_links.py): to the imported flat page (the link follows it), or to the
  story, section or tag here, or to the address (an address on the old site becomes the
  one here its redirect leads to). Each is remembered: a second run adds none twice, and
  one deleted here is not brought back. The first links a run brings to a place replace
  that place's links to addresses that answer nothing here (the "About us" a new site
  starts with, when the old site's page was at /about-us/) or, in "Follow us", to a
  network's home page (the stock links a new site starts with);
- links nested under others and the other menus are listed in the report, to be added by
  hand if wanted.
"""

from django.contrib.flatpages.models import FlatPage
from django.contrib.redirects.models import Redirect
from django.core.exceptions import ValidationError
from django.db.models import Max
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _
from taggit.models import Tag

from newsroom.cache import renew

from .. import renewal
from ..breaking import validate_link
from ..models import Article, Section, SiteLink
from ..site_links import FOLLOW, FOOTER, TOP_BAR, is_network_home
from . import body
from .context import Kind

LABEL_LIMIT = SiteLink._meta.get_field("label").max_length
PLACE_WORDS = {
    FOOTER: ("footer", "bottom"),
    TOP_BAR: ("top", "topbar", "secondary", "utility"),
    FOLLOW: ("social", "follow"),
}


def menu_item(item):
    """What the first pass keeps of a ``nav_menu_item``."""
    menu = next((c for c in item["categories"] if c["domain"] == "nav_menu"), {})
    meta = item["meta"]
    order = item.get("wp:menu_order", "").strip()
    return {
        "id": item.get("wp:post_id", "").strip(),
        "menu": menu.get("nicename", ""),
        "menu_name": menu.get("name", "") or menu.get("nicename", ""),
        "order": int(order) if order.isdigit() else 0,
        "parent": meta.get("_menu_item_menu_item_parent", "").strip() or "0",
        "type": meta.get("_menu_item_type", "").strip(),
        "object": meta.get("_menu_item_object", "").strip(),
        "object_id": meta.get("_menu_item_object_id", "").strip(),
        "url": meta.get("_menu_item_url", "").strip(),
        "title": body.plain(item.get("title", "")),
    }


def place_of(menu):
    words = f"{menu['menu']} {menu['menu_name']}".lower().replace("_", "-").replace("-", " ")
    for place, names in PLACE_WORDS.items():
        if any(name in words.split() for name in names):
            return place
    return None


class Menus:
    def import_menus(self):
        menus = {}
        for entry in self.index.menu_items:
            menus.setdefault(entry["menu"], []).append(entry)
        for entries in menus.values():
            entries.sort(key=lambda e: (e["order"], int(e["id"]) if e["id"].isdigit() else 0))
        top = {slug: [e for e in entries if e["parent"] == "0"] for slug, entries in menus.items()}

        def categories(slug):
            return [e for e in top[slug] if (e["type"], e["object"]) == ("taxonomy", "category")]

        # (a menu named for the footer or the top bar is never the header's)
        candidates = [slug for slug in top if place_of(menus[slug][0]) is None]
        section_menu = max(candidates, key=lambda slug: len(categories(slug)), default=None)
        if section_menu is not None and not categories(section_menu):
            section_menu = None
        with self.unit("sections", "", _("the section menu")):
            self.menu_sections(categories(section_menu) if section_menu else None)
        for slug, entries in menus.items():
            first = entries[0]
            place = place_of(first)
            for entry in entries:
                if slug == section_menu and entry in categories(slug):
                    continue
                title = entry["title"] or entry["object"] or entry["id"]
                if slug == section_menu:
                    reason = _(
                        "in the section menu “%(menu)s”, where the header here shows sections "
                        "only: add it under Site links if wanted"
                    )
                elif entry["parent"] != "0":
                    reason = _("a link nested in the menu “%(menu)s”: menus here are one level")
                elif place is None:
                    reason = _(
                        "in the menu “%(menu)s”, not the footer, the top bar or a social menu: "
                        "add it under Site links if wanted"
                    )
                else:
                    with self.unit("links", entry["id"], title):
                        self.menu_link(entry, place)
                    continue
                self.report.skipped(
                    "links", entry["id"], title, reason % {"menu": first["menu_name"]}
                )

    def menu_sections(self, entries):
        """Which of the sections this run made show in the header, and in what order."""
        if not self.new_sections:
            return
        if entries is None:  # no section menu: top-level categories only
            for pk, slug in self.new_sections.items():
                shown = len(self.category_path.get(slug, [slug])) == 1
                Section.objects.filter(pk=pk).update(show_in_menu=shown)
        else:
            order = []
            for entry in entries:
                section = self.section_of_term(entry["object_id"])
                if section is not None and section.pk not in order:
                    order.append(section.pk)
            for pk in self.new_sections:
                shown = pk in order
                Section.objects.filter(pk=pk).update(
                    show_in_menu=shown, menu_order=order.index(pk) + 1 if shown else 0
                )
        renew(renewal.MENU)  # (bulk updates send no signal: every page's menu, once)

    def section_of_term(self, term_id):
        record = next(
            (c for c in self.index.categories if c.get("wp:term_id", "").strip() == term_id), None
        )
        if record is None:
            return None
        slug = record.get("wp:category_nicename", "")
        section, _row = self.context.target(Kind.CATEGORY, slug, Section)
        if section is None and self.flatten:
            section, _row = self.context.target(
                Kind.CATEGORY, self.category_root.get(slug, slug), Section
            )
        return section

    def menu_link(self, entry, place):
        found, row = self.context.target(Kind.MENU_ITEM, entry["id"], SiteLink)
        if self.context.deleted_here(found, row, SiteLink):
            self.context.deleted_note("links", entry["id"], entry["title"])
            return
        if found is not None:
            self.report.count("links", "unchanged")
            return
        target, label, why_not = self.link_target(entry)
        if why_not:
            self.report.skipped("links", entry["id"], entry["title"] or entry["url"], why_not)
            return
        if place not in self.places_done:
            self.places_done.add(place)
            for link in SiteLink.objects.filter(place=place, page=None):
                if leads_nowhere(link.address, self.site) or is_network_home(link.address):
                    link.delete()
        page = target if isinstance(target, FlatPage) else None
        label = (entry["title"] or ("" if page else label or target))[:LABEL_LIMIT].rstrip()
        position = SiteLink.objects.filter(place=place).aggregate(n=Max("position"))["n"]
        link = SiteLink.objects.create(
            place=place,
            page=page,
            address="" if page else target,
            label="" if page and label == page.title else label,
            position=0 if position is None else position + 1,
        )
        self.context.remember(Kind.MENU_ITEM, entry["id"], link)
        self.report.count("links", "created")

    def link_target(self, entry):
        """(the flat page or address here the menu item leads to, the name of what it leads
        to, None), or (None, "", why there is none)."""
        kind, obj, object_id = entry["type"], entry["object"], entry["object_id"]
        if kind == "post_type" and obj == "page":
            page, _row = self.context.target(Kind.PAGE, object_id, FlatPage)
            return (page, "", None) if page else (None, "", _("its page was not imported"))
        if kind == "post_type" and obj == "post":
            story, _row = self.context.target(Kind.POST, object_id, Article)
            if story is None or not Article.objects.published().filter(pk=story.pk).exists():
                return None, "", _("its story is not published here")
            return story.get_absolute_url(), story.headline, None
        if kind == "taxonomy" and obj == "category":
            section = self.section_of_term(object_id)
            if section is None:
                return None, "", _("its category did not become a section")
            return section.get_absolute_url(), section.name, None
        if kind == "taxonomy" and obj == "post_tag":
            record = next((t for t in self.index.tags if t.get("wp:term_id") == object_id), {})
            tag, _row = self.context.target(Kind.TAG, record.get("wp:tag_slug", ""), Tag)
            if tag is None:
                return None, "", _("its tag was not imported")
            return reverse("articles:tag", args=[tag.slug]), tag.name, None
        if kind == "custom":
            path = self.old.path_of(entry["url"])
            if path is not None:
                moved = Redirect.objects.filter(site=self.site, old_path=path).first()
                address = moved.new_path if moved else path
            else:
                address = entry["url"]
            try:
                validate_link(address)
            except ValidationError:
                return (
                    None,
                    "",
                    _("its address “%(url)s” is neither on this site nor https://")
                    % {"url": entry["url"][:80]},
                )
            return address, "", None
        return None, "", _("a kind of menu link not imported (“%(kind)s”)") % {"kind": obj or kind}


def leads_nowhere(address, site):
    """A path on this site that neither a page nor a flat page nor a redirect answers."""
    if not address.startswith("/") or address.startswith("//"):
        return False
    path = address.split("?", 1)[0].split("#", 1)[0]
    if FlatPage.objects.filter(url=path, sites=site).exists():
        return False
    if Redirect.objects.filter(site=site, old_path=path).exists():
        return False
    try:
        resolve(path)
    except Resolver404:
        return True
    return False
