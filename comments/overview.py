"""The comments panel of the desk's overview (articles.extensions): how many comments wait
for a moderator and since when, for those who may read the queue."""

from urllib.parse import urlencode

from django.urls import reverse

from .models import Comment


def comments_waiting(request):
    if not request.user.has_perm("comments.view_comment"):
        return None
    pending = Comment.objects.pending()
    queue = reverse("admin:comments_comment_changelist")
    return {
        "template": "admin/comments/overview_part.html",
        "count": pending.count(),
        "oldest": pending.order_by("created_at").values_list("created_at", flat=True).first(),
        "url": f"{queue}?{urlencode({'status__exact': Comment.Status.PENDING})}",
    }
