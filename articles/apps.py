from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = _("Articles")

    def ready(self):
        from newsroom.cache import register_schedule
        from newsroom.security import allow_frames

        from . import embeds, signals  # noqa: F401
        from .models import Article

        # A cached page must not outlive the next scheduled publish time.
        register_schedule(Article.objects.next_publish_at)
        # Embed players, framed only after a reader's click (articles/embeds.py).
        allow_frames(*embeds.FRAME_ORIGINS)
