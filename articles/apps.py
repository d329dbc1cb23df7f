from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from taggit import apps as taggit_apps


class ArticlesConfig(AppConfig):
    default = True  # this module holds TagsConfig too
    name = "articles"
    verbose_name = _("Articles")

    def ready(self):
        from newsroom.cache import register_schedule
        from newsroom.security import allow_frames

        from . import embeds, extensions, live, schedule, signals  # noqa: F401
        from .desk import notifications  # noqa: F401  (the desk's emails)
        from .live import admin as live_admin  # noqa: F401  (registers the desk)
        from .live import signals as live_signals  # noqa: F401

        # A cached page must not outlive the next scheduled publish time, the start or end
        # of live coverage (its LIVE label), nor a breaking-news banner's expiry.
        register_schedule(schedule.next_change)
        extensions.register_article_page_part(live.page_part)
        # Embed players, framed only after a reader's click (articles/embeds.py).
        allow_frames(*embeds.FRAME_ORIGINS)


class TagsConfig(taggit_apps.TaggitAppConfig):
    """django-taggit's app under the name editors know it by in the admin (not "Taggit")."""

    default = False
    verbose_name = _("Tags")
