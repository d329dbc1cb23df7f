from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = _("Articles")

    def ready(self):
        from newsroom.cache import register_schedule

        from . import signals  # noqa: F401
        from .models import Article

        # A cached page must not outlive the next scheduled publish time.
        register_schedule(Article.objects.next_publish_at)
