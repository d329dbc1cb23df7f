"""Admin widgets shared by every app (their templates: newsroom/templates/, where the
form renderer looks)."""

from django.conf import settings
from django.contrib.admin.widgets import AdminSplitDateTime
from django.utils import timezone


class ZonedSplitDateTime(AdminSplitDateTime):
    """Date and time inputs that say which clock they are read on: the newsroom's
    (TIME_ZONE), whatever the editor's own computer is set to."""

    template_name = "admin/widgets/zoned_split_datetime.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        now = timezone.localtime()
        offset = now.strftime("%z")
        context["time_zone"] = {
            "name": settings.TIME_ZONE,
            "offset": f"UTC{offset[:3]}:{offset[3:]}",
            "now": now,
        }
        return context
