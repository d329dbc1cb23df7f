"""Signals other apps listen to (sent from comments.moderation only), and what a comment's
change does to cached pages."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal, receiver

from newsroom.cache import invalidate_pages

from .models import Comment

# Sent when a comment becomes approved or stops being approved: what readers see changed.
# Arguments: comment, article.
public_comments_changed = Signal()


def thread_version_key(article_id):
    """The key of the article's comments version, which keys its rendered thread
    (comments.threads): renewing it, as a public comment's change does, makes that stale."""
    return f"comments:version:{article_id}"


@receiver(post_save, sender=Comment)
@receiver(post_delete, sender=Comment)
def comment_changed(sender, instance, signal, raw=False, created=False, **kwargs):
    # A comment arriving or deleted changes nothing public unless it is approved: a spam
    # flood (held, or binned by the blocklist) must not empty the cache, nor must emptying
    # the spam folder. Any change to an existing one may: approving, rejecting, or a
    # moderator taking an approval back.
    if raw or ((created or signal is post_delete) and not instance.is_approved()):
        return
    # The article's rendered thread (comments.threads) is stale too.
    invalidate_pages(thread_version_key(instance.article_id))
