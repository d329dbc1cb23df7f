"""WordPress attachments into the photo library.

The file comes from a copy of ``wp-content/uploads`` (``--media-dir``) or, with
``--media-url-base``, over HTTP with a timeout and a size limit; never from wherever the
export's URLs point unless asked. It then goes through the library's own save path, as an
upload in the admin does: the upload checks (a whole image, an accepted format, not too many
pixels or bytes), then the clean re-encode (GPS position and camera data dropped) and the
renditions, made by ``articles/signals.py``.
"""

import posixpath
import re
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from .. import images
from ..photos import Image

UPLOADS = "/wp-content/uploads/"
SIZE_SUFFIX = re.compile(r"-\d+x\d+(?=\.[A-Za-z0-9]+$)")
FETCH_TIMEOUT = 20
# Credit fields written by common plugins (Media Credit, Better Image Credits…).
CREDIT_KEYS = ("_media_credit", "_wp_attachment_source_name", "credit", "_credit_text")


class MediaProblem(Exception):
    """A file that could not be brought in; the message says why, for the report."""


def relative_path(url_or_path):
    """``https://old.example/wp-content/uploads/2023/05/a.jpg`` -> ``2023/05/a.jpg``."""
    path = unquote(urlsplit(url_or_path).path) if "://" in url_or_path else url_or_path
    if UPLOADS in path:
        path = path.split(UPLOADS, 1)[1]
    path = posixpath.normpath("/" + path.lstrip("/")).lstrip("/")
    return path if path not in ("", ".") else ""


def candidates(path):
    """The file itself, and first the full-size original when a body shows a resized copy
    (``photo-300x200.jpg``): the library makes its own sizes."""
    original = SIZE_SUFFIX.sub("", path)
    return [original, path] if original != path else [path]


def same_photo(path):
    """Every name WordPress gave one photo: the file, its original, and the copy WordPress
    5.3 and later keep of a large upload as the attachment (``photo-scaled.jpg``; a body
    still shows ``photo-1024x768.jpg``, made from ``photo.jpg``): one library photo for all."""
    names = candidates(path)
    for name in list(names):
        stem, extension = posixpath.splitext(name)
        if stem.endswith("-scaled"):
            names.append(stem.removesuffix("-scaled") + extension)
        else:
            names.append(f"{stem}-scaled{extension}")
    return names


class Source:
    """Where image files come from: a folder, a web address, or nowhere (the file is then
    reported as missing)."""

    def __init__(self, media_dir=None, url_base=None, max_bytes=None):
        self.media_dir = Path(media_dir).resolve() if media_dir else None
        self.url_base = url_base.rstrip("/") + "/" if url_base else None
        self.max_bytes = max_bytes or images.max_upload_bytes()

    def read(self, path):
        """The bytes of ``path`` (relative to the uploads folder), or MediaProblem."""
        if not path:
            raise MediaProblem(_("no file name"))
        if self.media_dir is None and self.url_base is None:
            raise MediaProblem(
                _("%(path)s: no --media-dir or --media-url-base to take it from") % {"path": path}
            )
        problems = []
        for candidate in candidates(path):
            try:
                if self.media_dir is not None:
                    return self._from_dir(candidate)
                return self._from_url(candidate)
            except MediaProblem as exc:
                problems.append(str(exc))
        raise MediaProblem(problems[-1])

    def _from_dir(self, path):
        file = (self.media_dir / path).resolve()
        if not file.is_relative_to(self.media_dir):
            raise MediaProblem(_("%(path)s is outside the media folder") % {"path": path})
        if not file.is_file():
            raise MediaProblem(_("%(path)s is missing from the media folder") % {"path": path})
        if file.stat().st_size > self.max_bytes:
            raise MediaProblem(_("%(path)s is larger than the upload limit") % {"path": path})
        return file.read_bytes()

    def _from_url(self, path):
        url = self.url_base + quote(path)
        try:
            with urllib.request.urlopen(url, timeout=FETCH_TIMEOUT) as response:
                length = response.headers.get("Content-Length")
                if (
                    length
                    and length.isascii()
                    and length.isdigit()
                    and int(length) > self.max_bytes
                ):
                    raise MediaProblem(_("%(url)s is larger than the upload limit") % {"url": url})
                data = response.read(self.max_bytes + 1)
        except MediaProblem:
            raise
        except urllib.error.HTTPError as exc:
            raise MediaProblem(f"{url}: HTTP {exc.code}") from None
        except (urllib.error.URLError, OSError, ValueError) as exc:
            raise MediaProblem(f"{url}: {getattr(exc, 'reason', exc)}") from None
        if len(data) > self.max_bytes:
            raise MediaProblem(_("%(url)s is larger than the upload limit") % {"url": url})
        return data


def attachment_details(item):
    """What the library keeps of an attachment item: file, title, alt, caption, credit."""
    meta = item["meta"]
    url = item.get("wp:attachment_url", "") or item.get("guid", "")
    title = item.get("title", "").strip()
    return {
        "path": relative_path(meta.get("_wp_attached_file", "") or url),
        "title": title,
        "alt": meta.get("_wp_attachment_image_alt", "").strip(),
        "caption": item.get("excerpt:encoded", ""),
        "credit": next((meta[k].strip() for k in CREDIT_KEYS if meta.get(k, "").strip()), ""),
        "date": item.get("wp:post_date_gmt", ""),
        "parent": item.get("wp:post_parent", "0").strip(),
        "order": item.get("wp:menu_order", "0").strip(),
        "mime": item.get("wp:post_mime_type", "").strip() or "image/",
        "link": item.get("link", ""),
        "url": url,
    }


def check(data, path):
    """MediaProblem unless the bytes pass the upload checks (a dry run goes no further)."""
    try:
        images.open_image(ContentFile(data, name=posixpath.basename(path) or "image"))
    except ValidationError as exc:
        raise MediaProblem(f"{path}: {' '.join(exc.messages)}") from None


PICTURES = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif", ".bmp", ".tif", ".tiff", ".svg")


def is_picture(path):
    """True for a picture's address, by its extension (a link to a photo's full size)."""
    return posixpath.splitext(urlsplit(path).path.lower())[1] in PICTURES


# Files a newsroom links for readers to download: reports, spreadsheets, slides, sound and
# video. Not a web page, script or picture format (an HTML or SVG file served from the
# site's own address could run in its readers' browsers): those stay listed, to be looked at.
DOCUMENTS = frozenset(
    {".pdf", ".doc", ".docx", ".odt", ".rtf", ".txt", ".csv", ".xls", ".xlsx", ".ods", ".ppt"}
    | {".pptx", ".odp", ".epub", ".zip", ".mp3", ".m4a", ".ogg", ".oga", ".wav", ".mp4", ".m4v"}
    | {".webm"}
)
FILES = "files/"  # where they go in the site's storage, by their path in the old uploads


def is_document(path):
    return posixpath.splitext(path.lower())[1] in DOCUMENTS


def copy_document(source, path):
    """(the address of the old uploads' file ``path`` copied into the site's storage, whether
    it was copied now): a later run finds its copy and reads nothing. MediaProblem when it
    cannot be read."""
    name = FILES + path
    try:
        if default_storage.exists(name):
            return default_storage.url(name), False
        data = source.read(path)
        saved = default_storage.save(name, ContentFile(data))
    except (OSError, SuspiciousFileOperation) as exc:  # a name the storage refuses
        raise MediaProblem(f"{path}: {exc}") from None
    return default_storage.url(saved), True


CAPTION_LIMIT = 300  # the library's caption and alt text


def shorten(text, limit):
    """``text`` within ``limit`` characters: cut at the last word that fits, with "…"."""
    if len(text) <= limit:
        return text
    kept = text[: limit - 1]
    if " " in kept[limit // 2 :]:
        kept = kept[: kept.rindex(" ")]
    return kept.rstrip(" ,;:.–—-") + "…"


def too_long(details):
    """What of an attachment's caption and alt text the library cannot keep whole: a list of
    (field, length)."""
    from .body import plain

    lengths = {key: len(plain(details.get(key, ""))) for key in ("caption", "alt")}
    return [(key, length) for key, length in lengths.items() if length > CAPTION_LIMIT]


WORDS = ("alt", "caption", "credit")  # what the import writes to a photo besides its file


def title_of(title, path):
    from .body import plain

    return plain(title) or posixpath.splitext(SIZE_SUFFIX.sub("", posixpath.basename(path)))[0]


def words_of(details, path):
    """{alt, caption, credit} of a photo as the library keeps them (plain text, within its
    limits), from an attachment's details."""
    from .body import plain  # (plain text only: captions and credits are not HTML)

    return {
        "alt": shorten(
            plain(details.get("alt", "")) or title_of(details.get("title", ""), path), CAPTION_LIMIT
        ),
        "caption": shorten(plain(details.get("caption", "")), CAPTION_LIMIT),
        "credit": plain(details.get("credit", ""))[:200],
    }


def new_image(data, *, path, title="", alt="", caption="", credit="", date=""):
    """A library Image from the file's bytes, through the upload checks and the library's
    save path (clean re-encode, renditions). MediaProblem when the file is refused."""
    check(data, path)
    upload = ContentFile(data, name=posixpath.basename(path) or "image")
    details = {"title": title, "alt": alt, "caption": caption, "credit": credit}
    image = Image(file=upload, title=title_of(title, path)[:200], **words_of(details, path))
    uploaded = parse_wp_date(date)
    if uploaded is not None:
        image.uploaded_at = uploaded
    image.save()
    return image


def parse_wp_date(value):
    """A ``_gmt`` date of the export as an aware UTC datetime; None for WordPress's
    ``0000-00-00 00:00:00`` (not yet published) or anything unreadable."""
    from datetime import UTC

    value = (value or "").strip()
    if not value or value.startswith("0000"):
        return None
    try:
        parsed = parse_datetime(value.replace(" ", "T", 1))
    except ValueError:
        return None
    if parsed is None:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed
