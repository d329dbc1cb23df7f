import re

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _

from . import media, two_factor, views

admin.site.site_header = _("%(site)s newsroom") % {"site": settings.NEWSROOM_SITE_NAME}
admin.site.site_title = _("Newsroom admin")
admin.site.index_title = _("Desk")

urlpatterns = [
    # Before the admin's own "View on site", which checks nothing but is_staff.
    path(
        f"{settings.NEWSROOM_ADMIN_PATH}r/<path:content_type_id>/<path:object_id>/",
        admin.site.admin_view(views.view_on_site),
    ),
    path(
        f"{settings.NEWSROOM_ADMIN_PATH}two-factor/setup/",
        two_factor.setup,
        name="two_factor_setup",
    ),
    path(
        f"{settings.NEWSROOM_ADMIN_PATH}two-factor/verify/",
        two_factor.verify,
        name="two_factor_verify",
    ),
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
    # them behind nginx or on S3-compatible storage instead. Never the private prefix.
    urlpatterns.append(
        re_path(rf"^{re.escape(settings.MEDIA_URL.lstrip('/'))}(?P<path>.*)$", media.serve_public)
    )

handler400 = "newsroom.views.bad_request"
handler500 = "newsroom.views.server_error"
