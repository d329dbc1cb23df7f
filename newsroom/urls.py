import re

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _
from django.views.static import serve

from . import views

admin.site.site_header = _("%(site)s newsroom") % {"site": settings.NEWSROOM_SITE_NAME}
admin.site.site_title = _("Newsroom admin")
admin.site.index_title = _("Desk")

urlpatterns = [
    path(settings.NEWSROOM_ADMIN_PATH, admin.site.urls),
    path("healthz", views.healthz, name="healthz"),
    # Browsers ask for /favicon.ico whatever the page says (the admin says nothing).
    path("favicon.ico", views.favicon),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("comments/", include("comments.urls")),
    path("", include("articles.urls")),
]

if settings.NEWSROOM_SERVE_MEDIA:
    # Uploads served by Django for development and single-machine sites; production puts
    # them behind nginx or on S3-compatible storage instead.
    urlpatterns.append(
        re_path(
            rf"^{re.escape(settings.MEDIA_URL.lstrip('/'))}(?P<path>.*)$",
            serve,
            {"document_root": settings.MEDIA_ROOT},
        )
    )

handler500 = "newsroom.views.server_error"
