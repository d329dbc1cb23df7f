"""Signals other apps listen to (sent from comments.moderation only), and what a comment's
change does to cached pages."""

from django.db.models.signals import post_delete, post_save, pre_save
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


@receiver(pre_save, sender=Comment)
def remember_approval(sender, instance, raw=False, **kwargs):
    instance._was_approved = bool(
        not raw
        and instance.pk
        and Comment.objects.filter(pk=instance.pk, status=Comment.Status.APPROVED).exists()
    )


@receiver(post_save, sender=Comment)
@receiver(post_delete, sender=Comment)
def comment_changed(sender, instance, signal, raw=False, created=False, **kwargs):
    # Only a comment readers see, or saw until this change, renews anything: a spam flood
    # (held, or binned by the blocklist) must not empty the cache, nor must emptying the
    # spam folder or marking a held comment as spam. Approving, rejecting, editing one that
    # is public, or a moderator taking an approval back does.
    if raw or not (instance.is_approved() or getattr(instance, "_was_approved", False)):
        return
    # The article's page and the lists showing its comment count; not the rest of the site.
    renew(comments_key(instance.article_id))
