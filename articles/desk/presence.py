"""Who has an article open, kept in the cache (Redis in production, shared by every app
process), never in the database: an open form asks every few seconds, at the cost of one
cache read and one write.

Per article, one cache entry holds everyone in it: when each was last heard from and who
holds the pen. The first person in holds it; when they leave (their tab closes: the page
says so, or it simply stops asking), the next one present does. An entry nobody renews is
gone after ``STALE_SECONDS``, so a lock never outlives a closed tab for long. An editor can
take the pen; the person who had it finds a note on their next poll. A save through the form
is noted too: whoever has an older version open is told on their next poll, before their own
save is refused.
"""

import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.utils import formats, timezone

POLL_SECONDS = getattr(settings, "DESK_POLL_SECONDS", 10)
# Three missed polls and a person is no longer in the article.
STALE_SECONDS = 3 * POLL_SECONDS + 5
NOTE_SECONDS = 600
# How long the last save is remembered for the forms still open on an older version.
SAVED_SECONDS = 12 * 3600


def _key(article_pk):
    return f"desk:presence:{article_pk}"


def _note_key(article_pk, user_pk):
    return f"desk:note:{article_pk}:{user_pk}"


def _saved_key(article_pk):
    return f"desk:saved:{article_pk}"


def display_name(user):
    return user.get_full_name() or user.get_username()


@dataclass(frozen=True)
class Person:
    pk: int
    name: str
    since: float

    def as_json(self):
        return {"id": self.pk, "name": self.name, "since": self.since}


@dataclass(frozen=True)
class State:
    """What one person sees: the others in the article, who holds the pen, any note."""

    others: list
    holder: Person | None
    you_hold: bool
    note: dict | None
    saved: dict | None = None  # a colleague's save since the version this form shows

    def as_json(self):
        return {
            "others": [person.as_json() for person in self.others],
            "holder": self.holder.as_json() if self.holder else None,
            "you_hold": self.you_hold,
            "note": self.note,
            "saved": self.saved,
        }


def _load(article_pk, now, entry=None):
    entry = (cache.get(_key(article_pk)) if entry is None else entry) or {}
    people = {
        int(pk): person
        for pk, person in entry.get("people", {}).items()
        if now - person["seen"] <= STALE_SECONDS
    }
    holder = entry.get("holder")
    if holder not in people:
        # The holder left: the pen passes to whoever came in first among those present.
        holder = min(people, key=lambda pk: people[pk]["since"], default=None)
    return {"people": people, "holder": holder}


def _save(article_pk, entry):
    cache.set(_key(article_pk), entry, STALE_SECONDS * 2)


def _state(entry, user_pk, note=None, saved=None):
    people = entry["people"]
    others = [
        Person(pk, person["name"], person["since"])
        for pk, person in sorted(people.items(), key=lambda item: item[1]["since"])
        if pk != user_pk
    ]
    holder_pk = entry["holder"]
    holder = None
    if holder_pk is not None and holder_pk in people:
        holder = Person(holder_pk, people[holder_pk]["name"], people[holder_pk]["since"])
    return State(
        others=others, holder=holder, you_hold=holder_pk == user_pk, note=note, saved=saved
    )


def saved(article_pk, user, version, when):
    """``user`` saved the article through its form, making ``version`` (its version token)
    at ``when``: the colleagues with an older version open are told on their next poll."""
    cache.set(
        _saved_key(article_pk),
        {"user": user.pk, "name": display_name(user), "version": version, "at": when},
        SAVED_SECONDS,
    )


def _saved_since(last, version, user_pk):
    """What the form open on ``version`` should be told of the last save: nothing when it
    shows that version, or when its own user made it (another tab of theirs)."""
    if not last or not version or last["version"] == version or last["user"] == user_pk:
        return None
    at = timezone.localtime(last["at"])
    return {
        "by": last["name"],
        "at": at.isoformat(),
        "time": formats.time_format(at, "TIME_FORMAT"),
    }


def beat(article_pk, user, now=None, version=None):
    """``user`` has the article open (page load or poll) on ``version`` (its form's version
    token, when the poll sends it); returns what they should see. The cache is read once."""
    now = now or time.time()
    keys = [_key(article_pk), _note_key(article_pk, user.pk), _saved_key(article_pk)]
    found = cache.get_many(keys)
    entry = _load(article_pk, now, found.get(keys[0]))
    person = entry["people"].get(user.pk)
    entry["people"][user.pk] = {
        "name": display_name(user),
        "since": person["since"] if person else now,
        "seen": now,
    }
    if entry["holder"] is None:
        entry["holder"] = user.pk
    _save(article_pk, entry)
    note = found.get(keys[1])
    if note is not None:
        cache.delete(keys[1])
    return _state(entry, user.pk, note, _saved_since(found.get(keys[2]), version, user.pk))


def leave(article_pk, user, now=None):
    """The tab closed (or moved on): out of the article at once."""
    now = now or time.time()
    entry = _load(article_pk, now)
    if entry["people"].pop(user.pk, None) is None:
        return
    if entry["holder"] == user.pk:
        entry["holder"] = min(
            entry["people"], key=lambda pk: entry["people"][pk]["since"], default=None
        )
    _save(article_pk, entry)


def take_over(article_pk, user, now=None):
    """``user`` takes the pen; the person who held it gets a note on their next poll.
    Returns the State ``user`` sees."""
    now = now or time.time()
    entry = _load(article_pk, now)
    previous = entry["holder"]
    person = entry["people"].get(user.pk)
    entry["people"][user.pk] = {
        "name": display_name(user),
        "since": person["since"] if person else now,
        "seen": now,
    }
    entry["holder"] = user.pk
    _save(article_pk, entry)
    if previous is not None and previous != user.pk:
        cache.set(
            _note_key(article_pk, previous),
            {"taken_over_by": display_name(user), "at": now},
            NOTE_SECONDS,
        )
    return _state(entry, user.pk)
