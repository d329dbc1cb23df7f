"""The next moment a public page changes by itself, with nobody saving anything: a scheduled
article goes live, live coverage starts or ends, a breaking-news banner expires, a curated
slot runs out. Cached pages must not outlive it: the page cache asks this function
(registered in ArticlesConfig.ready())."""

from . import live
from .breaking import BreakingNews
from .curation import Slot


def next_change():
    moments = [
        live.next_change(),
        BreakingNews.objects.next_expiry(),
        Slot.objects.next_expiry(),
    ]
    return min((moment for moment in moments if moment is not None), default=None)
