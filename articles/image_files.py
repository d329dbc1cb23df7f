"""Where image files are stored, and when they move.

Names nobody can guess: every upload is stored as ``articles/<token>/<article slug>.<ext>``
(``authors/<token>/<author slug>.<ext>`` for profile photos), the token being 128 random bits;
renditions are named after the original, so they are as unguessable.

Nothing of an unpublished story at a public address: an article that is not published (draft,
in review, pulled) keeps its files under ``newsroom.media.PRIVATE_PREFIX``, which no public
address serves; its editors and own reporters get them through ``articles:private_image``
(the admin preview, the preview page). Publishing, which includes scheduling, moves them to a
public name: a scheduled story goes live at its time with no job running, so its files must be
public already, still under a name nobody can guess before the story links to it. Pulling an
article (back to draft or review) moves them back under new tokens, so the addresses readers
saw stop working as soon as the change commits. Only the storage API is used (open, save,
delete), so S3 works the same as a local disk.
"""

import posixpath
import re
import secrets

from django.core.files.base import ContentFile
from django.utils.text import slugify

from newsroom.media import PRIVATE_PREFIX, is_private

from . import images

ARTICLES = "articles"
AUTHORS = "authors"
TOKEN_BYTES = 16  # 128 bits, 22 URL-safe characters
UNGUESSABLE = re.compile(
    rf"^({re.escape(PRIVATE_PREFIX)})?(?:{ARTICLES}|{AUTHORS})/[A-Za-z0-9_-]{{22}}/[^/]+$"
)


def unguessable_name(folder, stem, filename):
    extension = posixpath.splitext(filename)[1].lower()
    if not re.fullmatch(r"\.[a-z0-9]{1,5}", extension):
        extension = ""
    stem = slugify(stem)[:60].strip("-") or "image"
    return f"{folder}/{secrets.token_urlsafe(TOKEN_BYTES)}/{stem}{extension}"


def should_be_public(article):
    return article.status == article.Status.PUBLISHED


def article_image_name(article, filename, *, public=None):
    """``upload_to`` of Article.featured_image: public or private by the article's status."""
    if public is None:
        public = should_be_public(article)
    folder = ARTICLES if public else PRIVATE_PREFIX + ARTICLES
    return unguessable_name(folder, article.slug, filename)


def author_photo_name(author, filename):
    """``upload_to`` of Author.photo: public profile photos, under unguessable names too."""
    return unguessable_name(AUTHORS, author.slug, filename)


def is_unguessable(name):
    return bool(UNGUESSABLE.match(name))


def needs_move(article):
    """True when the article's stored files are not where its status says they belong."""
    field = article.featured_image
    if not field or not field._committed:
        return False
    return is_private(field.name) == should_be_public(article)


class MoveFailed(Exception):
    """A file could not be copied to its new name; nothing was changed."""


def move(article, *, public=None):
    """Copy the article's image and renditions to new unguessable names, public or private.

    The article's fields are updated in memory (the caller saves it); returns the old names,
    to delete once the change has committed. The renditions keep their bytes: only their names
    change, with the key made from the new original's name.
    """
    field = article.featured_image
    storage = field.storage
    old_source = field.name
    done = article.renditions or {}
    renames = {}

    def copy(old, new):
        with storage.open(old, "rb") as file:
            data = file.read()
        renames[old] = storage.save(new, ContentFile(data))
        return renames[old]

    try:
        new_source = copy(old_source, article_image_name(article, old_source, public=public))
        renditions = {}
        if done.get("source") == old_source and done.get("key"):
            key = images.rendition_key(new_source, images.focal_point(article))
            old_base = f"{posixpath.splitext(old_source)[0]}.{done['key']}."
            new_base = f"{posixpath.splitext(new_source)[0]}.{key}."

            def renamed(item):
                name = item["name"]
                if name not in renames:
                    if not name.startswith(old_base):
                        raise MoveFailed(f"{name} is not named after {old_source}")
                    copy(name, new_base + name[len(old_base) :])
                return {**item, "name": renames[name]}

            renditions = {
                **done,
                "source": new_source,
                "key": key,
                "crops": {
                    crop: {**value, "files": [renamed(item) for item in value["files"]]}
                    for crop, value in done.get("crops", {}).items()
                },
            }
            if done.get("og"):
                renditions["og"] = renamed(done["og"])
    except (OSError, MoveFailed) as exc:
        images.delete_files(storage, list(renames.values()))
        raise MoveFailed(f"{old_source}: {exc}") from exc

    field.name = new_source
    article.renditions = renditions
    return sorted(({old_source} | images.file_names(done)) - set(renames.values()))


def secure(article):
    """Move an article's files stored under a guessable name (before names were random) or
    on the wrong side of the private prefix; save the new names. Returns the old names, to
    delete once the change has committed; raises MoveFailed, changing nothing."""
    field = article.featured_image
    if not field or (is_unguessable(field.name) and not needs_move(article)):
        return []
    old = move(article, public=should_be_public(article))
    # An update, not a save: only file names change, so no new version in the history and
    # "updated" is left alone.
    type(article)._default_manager.filter(pk=article.pk).update(
        featured_image=field.name, renditions=article.renditions
    )
    return old


def secure_author_photo(author):
    """The same for an author's profile photo (public, but under an unguessable name)."""
    field = author.photo
    if not field or is_unguessable(field.name):
        return []
    old = field.name
    try:
        with field.storage.open(old, "rb") as file:
            data = file.read()
    except OSError as exc:
        raise MoveFailed(f"{old}: {exc}") from exc
    field.name = field.storage.save(author_photo_name(author, old), ContentFile(data))
    type(author)._default_manager.filter(pk=author.pk).update(photo=field.name)
    return [old]
