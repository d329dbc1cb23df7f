"""Signals other apps listen to; sent from comments.moderation only."""

from django.dispatch import Signal

# Sent when a comment becomes approved or stops being approved: what readers see changed.
# Arguments: comment, article.
public_comments_changed = Signal()
