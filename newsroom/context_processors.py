from django.conf import settings
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from articles.models import Section

from .cache import Fragments


def site_identity():
    """What every page, even the database-free error page, knows about the site."""
    return {
        "site_name": settings.NEWSROOM_SITE_NAME,
        "site_tagline": settings.NEWSROOM_TAGLINE,
        "social_links": settings.NEWSROOM_SOCIAL_LINKS,
        "today": timezone.localdate(),
        "site_time_zone": settings.TIME_ZONE,
    }


def site(request):
    return {
        **site_identity(),
        # Read once, and only on pages that draw the menu (outside a cached fragment).
        "menu_sections": SimpleLazyObject(lambda: list(Section.objects.filter(show_in_menu=True))),
        # Keys and lifetimes of cached template fragments (newsroom.cache.Fragments).
        "fragments": Fragments.of(request),
        # The menu item marked as the current page: the home page or a section's first page.
        "menu_current": request.path if _is_menu_page(request) else "",
    }


def _is_menu_page(request):
    match = getattr(request, "resolver_match", None)
    return match is not None and match.view_name in ("articles:home", "articles:section")
