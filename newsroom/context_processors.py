from django.conf import settings
from django.utils import timezone

from .cache import Fragments


def site_identity():
    """What every page, even the database-free error page, knows about the site."""
    return {
        "site_name": settings.NEWSROOM_SITE_NAME,
        "site_tagline": settings.NEWSROOM_TAGLINE,
        "today": timezone.localdate(),
        "site_time_zone": settings.TIME_ZONE,
    }


def site(request):
    return {
        **site_identity(),
        # Keys and lifetimes of cached template fragments (newsroom.cache.Fragments).
        "fragments": Fragments.of(request),
    }
