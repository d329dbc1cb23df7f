from django.conf import settings
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from articles.models import Section

from .cache import current_generation


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
        # A lazy queryset: one query, only on pages that draw the menu.
        "menu_sections": Section.objects.filter(show_in_menu=True),
        # Varies cached template fragments, so any change readers can see renews them.
        "page_generation": SimpleLazyObject(lambda: current_generation(request)),
    }
