"""One save, one revision. simple-history writes a revision when an article's row is saved
and another when its byline (the many-to-many through Byline) changes. A form saves the row
first and the byline after it, so a save that set a byline left a revision half-way between
the two: a new story's first revision had no byline, and restoring it took the byline off a
live story. Inside ``one_revision(article)`` nothing is written on the way; one revision is
written at the end, of the article as the whole save left it (row and byline), and it is a
creation when the save created the article."""

from contextlib import contextmanager
from functools import partial

from django.conf import settings
from simple_history.models import HistoricalRecords

PENDING = "_desk_revision_pending"


class Revisions(HistoricalRecords):
    """The article's revisions (simple-history's), held back during ``one_revision()``."""

    def post_save(self, instance, created, using=None, **kwargs):
        pending = getattr(instance, PENDING, None)
        if pending is None or kwargs.get("raw", False):
            return super().post_save(instance, created, using=using, **kwargs)
        if self._recording(instance) and "write" not in pending:
            # The first save of the block says whether it created the article.
            pending["write"] = partial(
                self.create_historical_record, instance, "+" if created else "~", using=using
            )
        return None

    def m2m_changed(self, instance, action, attr, pk_set, reverse, **kwargs):
        pending = getattr(instance, PENDING, None)
        if pending is None:
            return super().m2m_changed(instance, action, attr, pk_set, reverse, **kwargs)
        if self._recording(instance) and action in ("post_add", "post_remove", "post_clear"):
            pending.setdefault("write", partial(self.create_historical_record, instance, "~"))
        return None

    @staticmethod
    def _recording(instance):
        return getattr(settings, "SIMPLE_HISTORY_ENABLED", True) and not hasattr(
            instance, "skip_history_when_saving"
        )


def begin(article):
    """Hold back the article's revisions until ``finish()``. False when already held (an
    outer save will write the one revision)."""
    if getattr(article, PENDING, None) is not None:
        return False
    setattr(article, PENDING, {})
    return True


def finish(article):
    """Write the one revision of what was saved since ``begin()`` (none if nothing was)."""
    pending = article.__dict__.pop(PENDING, None)
    if pending and "write" in pending:
        pending["write"]()


def abandon(article):
    article.__dict__.pop(PENDING, None)


@contextmanager
def one_revision(article):
    """The saves inside (the article's row, its byline) are one revision, written at the end."""
    if not begin(article):
        yield article
        return
    try:
        yield article
    except BaseException:
        abandon(article)
        raise
    finish(article)
