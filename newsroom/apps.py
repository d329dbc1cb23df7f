from django.apps import AppConfig
from django.db.models.signals import post_migrate


class NewsroomConfig(AppConfig):
    name = "newsroom"
    verbose_name = "Newsroom"

    def ready(self):
        from . import checks, signals, two_factor  # noqa: F401
        from .sites import sync_site_domain

        # After the sites app's own post_migrate, which creates the Site (this app has no
        # models, so Django sends it no post_migrate of its own).
        post_migrate.connect(sync_site_domain, sender=self.apps.get_app_config("sites"))
