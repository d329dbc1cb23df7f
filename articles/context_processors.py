from django.utils.functional import SimpleLazyObject

from . import popularity, site_links
from .models import Section


def menu(request):
    """The section menu and the links of the header and footer."""
    return {
        # Read once, and only on pages that draw the menu (outside a cached fragment).
        "menu_sections": SimpleLazyObject(lambda: list(Section.objects.filter(show_in_menu=True))),
        # The top bar's and footer's links (articles/site_links.py), read with the sections.
        "site_links": SimpleLazyObject(site_links.links_by_place),
        # The menu item marked as the current page: the home page or a section's first page.
        "menu_current": request.path if _is_menu_page(request) else "",
    }


def sidebar(request):
    """The "Popular News" list for the sidebar of every page that has one (templates/includes/
    sidebar.html): lazy, so a page whose list comes from the kept fragment reads nothing,
    and never missing, so no page (a 404, a footer page, a comment form) keeps the shared
    fragment empty."""
    return {"popular": popularity.popular()}


def _is_menu_page(request):
    match = getattr(request, "resolver_match", None)
    return match is not None and match.view_name in ("articles:home", "articles:section")
