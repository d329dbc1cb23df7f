"""Where image files are stored, and when they move.

Names nobody can guess: every library photo is stored as ``images/<token>/<title slug>.<ext>``
(``authors/<token>/<author slug>.<ext>`` for profile photos; lead photos uploaded before the
library kept their ``articles/<token>/<article slug>.<ext>`` names when they moved into it),
the token being 128 random bits; renditions are named after the original, so they are as
unguessable.

Nothing of an unpublished story at a public address. The rule is about the photo, since one
photo may be used by many articles: a library image is public when at least one published
article (scheduled included, taken down by its unpublish time not) or a flat page uses it,
and private otherwise. A private image keeps its files
under ``newsroom.media.PRIVATE_PREFIX``, which no public address serves; the people who may
see it (its uploader, the editors, the reporters of an article that uses it) get them through
``articles:private_image`` (the library, the admin, the preview page). A photo shared by a
live story and a draft is public: readers have seen it already. A new upload starts private.

When an article is published (scheduling included: it goes live at its time with no job
running, so its files must be public already, still under a name nobody can guess before the
story links to it), its photo moves to a public name; when the last published article using a
photo is pulled, deleted or given another photo, the photo moves back under the private prefix
with new tokens, so the addresses readers saw stop working as soon as the change commits. A
story that comes down by itself at its unpublish time has no save at that moment: its photo
moves at the story's next save, or when ``manage.py secure_image_names --taken-down``
runs (from cron every few minutes, see the README).
``sync()`` makes that decision; ``articles/signals.py`` calls it after every article save and
delete. Only the storage API is used (open, save, delete), so S3 works the same as a local disk.
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
IMAGES = "images"
TOKEN_BYTES = 16  # 128 bits, 22 URL-safe characters
UNGUESSABLE = re.compile(
    rf"^({re.escape(PRIVATE_PREFIX)})?(?:{ARTICLES}|{AUTHORS}|{IMAGES})/[A-Za-z0-9_-]{{22}}/[^/]+$"
)


def unguessable_name(folder, stem, filename):
    extension = posixpath.splitext(filename)[1].lower()
    if not re.fullmatch(r"\.[a-z0-9]{1,5}", extension):
        extension = ""
    stem = slugify(stem)[:60].strip("-") or "image"
    return f"{folder}/{secrets.token_urlsafe(TOKEN_BYTES)}/{stem}{extension}"


def should_be_public(image):
    """True when a published article (scheduled included, taken down not) or a flat page
    (public once saved) uses the library image."""
    if image.pk is None:
        return False
    articles = image.lead_for.model.objects.public_now_or_later()
    return (
        articles.filter(lead_image=image).exists()
        or articles.filter(pk__in=image.body_uses.values("article")).exists()
        or image.page_uses.exists()
    )


def library_image_name(image, filename, *, public=None):
    """``upload_to`` of Image.file: public or private by the photo's use (a new one: private)."""
    if public is None:
        public = should_be_public(image)
    folder = IMAGES if public else PRIVATE_PREFIX + IMAGES
    return unguessable_name(folder, image.title, filename)


def article_image_name(article, filename):
    """``upload_to`` of the featured image articles had before the photo library; the
    migrations that built that field still name it."""
    return unguessable_name(PRIVATE_PREFIX + ARTICLES, article.slug, filename)


def author_photo_name(author, filename):
    """``upload_to`` of Author.photo: public profile photos, under unguessable names too."""
    return unguessable_name(AUTHORS, author.slug, filename)


def is_unguessable(name):
    return bool(UNGUESSABLE.match(name))


def needs_move(image, public=None):
    """True when the image's stored files are not where its use says they belong."""
    field = image.file
    if not field or not field._committed:
        return False
    if public is None:
        public = should_be_public(image)
    return is_private(field.name) == public


class MoveFailed(Exception):
    """A file could not be copied to its new name; nothing was changed."""


def move(image, *, public=None):
    """Copy a library image's original and renditions to new unguessable names, public or
    private.

    The image's fields are updated in memory (the caller saves it); returns the old names,
    to delete once the change has committed. The renditions keep their bytes: only their names
    change, with the key made from the new original's name.
    """
    field = image.file
    storage = field.storage
    old_source = field.name
    done = image.renditions or {}
    renames = {}

    def copy(old, new):
        with storage.open(old, "rb") as file:
            data = file.read()
        renames[old] = storage.save(new, ContentFile(data))
        return renames[old]

    try:
        new_source = copy(old_source, library_image_name(image, old_source, public=public))
        renditions = {}
        if done.get("source") == old_source and done.get("key"):
            key = images.rendition_key(
                new_source, images.focal_point(image), animated=done.get("animated", False)
            )
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
    image.renditions = renditions
    return sorted(({old_source} | images.file_names(done)) - set(renames.values()))


def _record(image):
    # An update, not a save: only file names change, so the image's other fields (and the
    # renditions, which keep their bytes) are left alone.
    type(image)._default_manager.filter(pk=image.pk).update(
        file=image.file.name, renditions=image.renditions
    )


def sync(image):
    """Move the image's files to the side of the private prefix its use calls for, and record
    the new names. Returns the old names, to delete once the change has committed; raises
    MoveFailed, changing nothing."""
    public = should_be_public(image)
    if not needs_move(image, public):
        return []
    old = move(image, public=public)
    _record(image)
    return old


def secure(image):
    """Move an image stored under a guessable name (before names were random) or on the
    wrong side of the private prefix; save the new names. Returns the old names, to delete
    once the change has committed; raises MoveFailed, changing nothing."""
    field = image.file
    public = should_be_public(image)
    if not field or (is_unguessable(field.name) and not needs_move(image, public)):
        return []
    old = move(image, public=public)
    _record(image)
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
