from urllib.parse import urlencode

from django import template
from django.urls import reverse

from comments.models import Comment

register = template.Library()


@register.inclusion_tag("admin/comments/waiting.html", takes_context=True)
def comments_waiting(context):
    """How many comments wait for a moderator, linked to that queue; for those who may see it."""
    user = context["request"].user
    if not user.has_perm("comments.view_comment"):
        return {"show": False}
    queue = reverse("admin:comments_comment_changelist")
    return {
        "show": True,
        "count": Comment.objects.pending().count(),
        "url": f"{queue}?{urlencode({'status__exact': Comment.Status.PENDING})}",
    }
