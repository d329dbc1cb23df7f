"""Demo comments under the demo story: a short approved thread and one awaiting moderation
(added by articles' demo content, through articles.extensions)."""

from .models import Comment


def add_demo_comments(article, stdout=None):
    first = Comment.objects.create(
        article=article,
        name="Amina",
        email="amina@example.com",
        body="A unified army is the only way to hold elections that everyone accepts.",
        status=Comment.Status.APPROVED,
    )
    Comment.objects.create(
        article=article,
        parent=first,
        name="Marc",
        email="marc@example.com",
        website="https://example.com/",
        body="Agreed, but the funding question for Derna matters just as much.",
        status=Comment.Status.APPROVED,
    )
    Comment.objects.create(
        article=article,
        name="Visitor",
        email="visitor@example.com",
        body="Waiting for a moderator to look at this one.",
        status=Comment.Status.PENDING,
    )
