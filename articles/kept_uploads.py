"""A photo chosen in the article form survives the form's errors.

A browser sends a file once: when the form comes back with an error (alt text missing, say),
its file input is empty, and the corrected form would save the article without the photo.
So the form keeps the upload: the clean re-encode (no metadata, as every stored image) goes
under the private prefix with a random name, and the page carries a token for it, signed
for the user who uploaded it and valid for a day. The corrected form sends the token back
instead of the file; another user's token, or an old one, finds nothing. Kept files are
deleted once the article is saved with them, and those older than a day whenever another
upload is kept. Storage API only, so S3 works the same.
"""

import logging
import posixpath
import secrets
from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from django.contrib.admin.widgets import AdminFileWidget
from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from newsroom.media import PRIVATE_PREFIX

from . import images

logger = logging.getLogger(__name__)

FOLDER = PRIVATE_PREFIX + "kept/"
TOKEN_SUFFIX = "_kept"  # the hidden input's name: the file input's, plus this
MAX_AGE = timedelta(days=1)
THUMBNAIL_SIZE = (320, 320)


@dataclass(frozen=True)
class KeptUpload:
    key: str  # random, 128 bits: the folder of the kept files
    extension: str
    filename: str  # as the editor's computer called it, shown back to them
    token: str  # what the form carries: the above, signed for one user

    @property
    def name(self):
        return f"{FOLDER}{self.key}/image.{self.extension}"

    @property
    def thumbnail_name(self):
        return f"{FOLDER}{self.key}/thumbnail.jpg"

    @property
    def thumbnail_url(self):
        return reverse("articles:kept_image", kwargs={"token": self.token})

    def as_upload(self, storage=default_storage):
        """The kept image as a new upload, for the form to validate and save like any other."""
        with storage.open(self.name, "rb") as file:
            data = file.read()
        content_type = images.MIME_TYPES.get("jpeg" if self.extension == "jpg" else self.extension)
        stem = posixpath.splitext(self.filename)[0] or "image"
        return SimpleUploadedFile(f"{stem}.{self.extension}", data, content_type=content_type)


def _salt(user):
    return f"articles.kept_upload:{user.pk}"


def keep(upload, user, storage=default_storage, *, now=None):
    """Store a valid upload (one ImageUploadField accepted) for ``user``; return it kept."""
    delete_stale(storage, now=now)
    image = images.prepare_upload(images.open_image(upload))
    fmt, data = images.encode_original(image)
    extension = images.EXTENSIONS[fmt]
    key = secrets.token_urlsafe(16)
    filename = posixpath.basename(upload.name or "")[:100]
    token = signing.dumps(
        {"key": key, "ext": extension, "name": filename}, salt=_salt(user), compress=True
    )
    kept = KeptUpload(key, extension, filename, token)
    storage.save(kept.name, ContentFile(data))
    thumbnail = images.first_frame(image).convert("RGB")
    thumbnail.thumbnail(THUMBNAIL_SIZE)
    storage.save(kept.thumbnail_name, ContentFile(images.encode(thumbnail, "jpeg")))
    return kept


def find(token, user, storage=default_storage):
    """The upload ``token`` stands for, if ``user`` kept it less than a day ago and it is
    still stored; else None."""
    if not token or not getattr(user, "pk", None):
        return None
    try:
        data = signing.loads(token, salt=_salt(user), max_age=MAX_AGE)
        kept = KeptUpload(data["key"], data["ext"], data["name"], token)
    except (signing.BadSignature, KeyError, TypeError):
        return None
    if not (kept.key.replace("-", "").replace("_", "").isalnum() and kept.extension.isalnum()):
        return None
    return kept if storage.exists(kept.name) else None


def discard(kept, storage=default_storage):
    images.delete_files(storage, [kept.name, kept.thumbnail_name])


def delete_stale(storage=default_storage, *, now=None):
    """Delete kept files older than a day (their tokens have expired)."""
    cutoff = (now or timezone.now()) - MAX_AGE
    try:
        folders = storage.listdir(FOLDER)[0]
    except (FileNotFoundError, NotImplementedError):
        return
    for folder in folders:
        names = [f"{FOLDER}{folder}/{name}" for name in storage.listdir(f"{FOLDER}{folder}")[1]]
        try:
            stale = all(storage.get_modified_time(name) < cutoff for name in names)
        except (OSError, NotImplementedError):
            continue
        if stale:
            images.delete_files(storage, names)


def thumbnail(kept, storage=default_storage):
    """The kept image's small JPEG, as a file object."""
    return storage.open(kept.thumbnail_name, "rb")


# The form's side -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _StoredImage:
    name: str
    url: str

    def __str__(self):
        return self.name


class KeptImageInput(AdminFileWidget):
    """The file input, followed by the photo kept from the last attempt when there is one."""

    kept = None  # set per form by KeepsUpload, with the notice under it
    notice = ""

    def format_value(self, value):
        # "Currently: <link>": an unpublished article's file is under the private prefix,
        # reached through the preview view, not the storage's public address.
        value = super().format_value(value)
        if self.is_initial(value) and getattr(value, "instance", None) is not None:
            return _StoredImage(value.name, images.file_url(value.instance, value.name))
        return value

    def render(self, name, value, attrs=None, renderer=None):
        html = super().render(name, value, attrs, renderer)
        if self.kept is None:
            return html
        notice = self.notice % {"name": self.kept.filename or _("your upload")}
        return html + format_html(
            '<div class="kept-upload"><img class="kept-upload__thumbnail" src="{}" alt="">'
            '<input type="hidden" name="{}" value="{}"><p>{} {}</p></div>',
            self.kept.thumbnail_url,
            name + TOKEN_SUFFIX,
            self.kept.token,
            notice,
            _("Choose another file to replace it."),
        )


class KeepsUpload:
    """For a ModelForm with a ``user`` attribute: the upload in ``kept_field`` outlives an
    error in any field, through a kept copy (above) and a token in the re-rendered form."""

    kept_field = "featured_image"
    kept_notice = gettext_lazy("Photo kept: %(name)s — it will be saved with the article.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kept_upload = None
        self.kept_lost = False  # a kept photo the storage could not give back: say so
        if not self.is_bound or self.user is None:
            return
        name = self.add_prefix(self.kept_field)
        try:
            kept = find(self.data.get(name + TOKEN_SUFFIX), self.user)
        except OSError:  # the storage does not answer (newsroom.storage.StorageUnavailable)
            logger.warning("Kept upload could not be looked up", exc_info=True)
            self.kept_lost = True
            return
        if kept is None:
            return
        if self.files.get(name) or self.data.get(f"{name}-clear"):
            discard(kept)  # replaced by another file, or the editor wants none
            return
        try:
            upload = kept.as_upload()
        except OSError:
            logger.warning("Kept upload %s could not be read", kept.name, exc_info=True)
            self.kept_lost = True
            return
        self.files = self.files.copy()
        self.files[name] = upload
        self.kept_upload = kept

    def full_clean(self):
        super().full_clean()
        if self.kept_lost and hasattr(self, "cleaned_data"):
            # Never saved without the photo the editor was told is kept.
            self.add_error(
                self.kept_field,
                _(
                    "The photo kept from your last attempt could not be read (the file "
                    "storage did not answer). Choose it again."
                ),
            )
        if not self.is_bound or self.user is None or not self._errors:
            return
        upload = self.cleaned_data.get(self.kept_field)
        if self.kept_upload is None and isinstance(upload, UploadedFile):
            try:
                self.kept_upload = keep(upload, self.user)
            except OSError:
                logger.warning("Could not keep an upload across a form error", exc_info=True)
        if self.kept_upload is not None:
            widget = self.fields[self.kept_field].widget
            widget.kept, widget.notice = self.kept_upload, self.kept_notice

    def save(self, commit=True):
        if self.kept_upload is not None:
            transaction.on_commit(partial(discard, self.kept_upload))
        return super().save(commit)
