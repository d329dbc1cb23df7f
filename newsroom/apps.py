from django.apps import AppConfig
from django.db.models.signals import post_migrate


class NewsroomConfig(AppConfig):
    name = "newsroom"
    verbose_name = "Newsroom"

    def ready(self):
        from . import checks, signals  # noqa: F401
        from .sites import sync_site_domain

        post_migrate.connect(sync_site_domain, sender=self)
