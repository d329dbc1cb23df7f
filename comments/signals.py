"""Signals other apps listen to (sent from comments.moderation only), and what a comment's
change does to cached pages."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal, receiver

from newsroom.cache import renew

from .models import Comment

# Sent when a comment becomes approved or stops being approved: what readers see changed.
# Arguments: comment, article.
public_comments_changed = Signal()


def comments_key(article_id):
    """The cache key of an article's public comments: its page (the thread, the count) and
    the lists that show its comment count record it (newsroom.cache.renew)."""
    return f"comments:{article_id}"


def card_keys(article):
    """A list showing the article's comment count (annotated by comments.counts) is
    renewed with its comments (registered with articles.extensions)."""
    return [comments_key(article.pk)] if hasattr(article, "comment_count") else []


@receiver(post_save, sender=Comment)
@receiver(post_delete, sender=Comment)
def comment_changed(sender, instance, signal, raw=False, created=False, **kwargs):
    # A comment arriving or deleted changes nothing public unless it is approved: a spam
    # flood (held, or binned by the blocklist) must not empty the cache, nor must emptying
    # the spam folder. Any change to an existing one may: approving, rejecting, or a
    # moderator taking an approval back.
    if raw or ((created or signal is post_delete) and not instance.is_approved()):
        return
    # The article's page and the lists showing its comment count; not the rest of the site.
    renew(comments_key(instance.article_id))
