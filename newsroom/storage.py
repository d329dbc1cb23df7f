"""File storage: static files in production (WhiteNoise's compressed files with hashed
names), and the guarantees every upload storage gives (below)."""

import contextvars
import logging
from contextlib import contextmanager

from django.contrib import messages
from django.core.files import storage
from django.db import transaction
from django.http import HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext_lazy as _
from whitenoise.storage import CompressedManifestStaticFilesStorage

logger = logging.getLogger(__name__)


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """Each address is worked out once per process: the manifest it comes from does not
    change while the process runs, and every page asks for the same few files."""

    REMEMBERED = 512

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._addresses = {}

    def url(self, name, force=False):
        address = self._addresses.get(name)
        if address is None or force:
            address = super().url(name, force)
            if not force and len(self._addresses) < self.REMEMBERED:
                self._addresses[name] = address
        return address


# Uploads ---------------------------------------------------------------------------------------
#
# Whatever holds the uploads (the local disk, or S3-compatible storage through newsroom/s3.py),
# two guarantees the admin relies on:
#
# - A storage that cannot be reached raises ``StorageUnavailable``, an ``OSError`` like a
#   full or unreadable disk, so code that copes with a missing file copes with a bucket that
#   does not answer, and the admin can tell the editor (``StorageFailureShownInForm``).
# - Inside ``new_files_undone_on_error()`` every file a storage saves is remembered, and
#   deleted again if the block fails: an upload whose save fails half-way (the original
#   stored, a rendition not; the database write refused) leaves no orphan behind.


class StorageUnavailable(OSError):
    """The file storage did not answer, or refused the request; nothing more is known."""


_new_files = contextvars.ContextVar("newsroom_new_files", default=None)
_known_down = contextvars.ContextVar("newsroom_storage_down", default=None)


class RemembersNewFiles:
    """For a storage class: files it saves inside new_files_undone_on_error() are deleted
    again when that block fails; once storage has failed in it, it is not asked again."""

    def save(self, name, content, max_length=None):
        down = _known_down.get()
        if down is not None:
            raise StorageUnavailable(str(down))
        name = super().save(name, content, max_length=max_length)
        written = _new_files.get()
        if written is not None:
            written.append((self, name))
        return name


class FileSystemStorage(RemembersNewFiles, storage.FileSystemStorage):
    """Uploads on the local disk (MEDIA_ROOT): Django's, remembering what it saves."""


@contextmanager
def new_files_undone_on_error():
    """Delete the files saved inside the block if it raises (the exception goes on)."""
    written = []
    token = _new_files.set(written)
    try:
        yield written
    except BaseException:
        for owner, name in reversed(written):
            try:
                owner.delete(name)
            except OSError:
                logger.warning("Could not delete %s after a failed save", name, exc_info=True)
        raise
    finally:
        _new_files.reset(token)


@contextmanager
def storage_known_down(error):
    """Inside the block, saving a file fails at once with ``error`` (no second wait)."""
    token = _known_down.set(error)
    try:
        yield
    finally:
        _known_down.reset(token)


class StorageFailureShownInForm:
    """For a ModelAdmin whose save stores files: when the storage fails during the save,
    nothing is kept (the database transaction is rolled back, the files it stored are
    deleted) and the form comes back with the editor's input and a message saying so,
    answered 503 (the service, not the input, failed), never a server error page."""

    storage_failure_message = _(
        "The file storage did not answer, so nothing was saved. Your changes are still in "
        "the form (a photo file you chose must be chosen again): try saving in a minute. If "
        "it keeps failing, tell whoever runs the site (%(error)s)."
    )

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method != "POST":
            return super().changeform_view(request, object_id, form_url, extra_context)
        try:
            with new_files_undone_on_error():
                return super().changeform_view(request, object_id, form_url, extra_context)
        except StorageUnavailable as error:
            logger.error("Storage failed while saving %s: %s", request.path, error)
            request.newsroom_storage_failure = error
        try:
            with storage_known_down(request.newsroom_storage_failure):
                response = super().changeform_view(request, object_id, form_url, extra_context)
        except StorageUnavailable as error:  # the form itself needed the storage (a kept photo)
            message = self.storage_failure_message % {"error": type(error).__name__}
            return HttpResponse(message, status=503, content_type="text/plain; charset=utf-8")
        response.status_code = 503
        return response

    storage_failure_action_message = _(
        "The file storage did not answer, so nothing was changed. Try again in a minute; if "
        "it keeps failing, tell whoever runs the site (%(error)s)."
    )

    def changelist_view(self, request, extra_context=None):
        """A bulk action (publish) whose files the storage cannot place changes nothing: the
        whole POST is one transaction, and the list comes back with the message."""
        if request.method != "POST":
            return super().changelist_view(request, extra_context)
        try:
            with transaction.atomic(), new_files_undone_on_error():
                return super().changelist_view(request, extra_context)
        except StorageUnavailable as error:
            logger.error("Storage failed during an action on %s: %s", request.path, error)
            message = self.storage_failure_action_message % {"error": type(error).__name__}
            messages.error(request, message)
            return HttpResponseRedirect(request.get_full_path())

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        error = getattr(request, "newsroom_storage_failure", None)
        if error is None:
            return form
        message = self.storage_failure_message % {"error": type(error).__name__}

        class NotSaved(form):
            def clean(self):
                cleaned = super().clean()
                self.add_error(None, message)
                return cleaned

        NotSaved.__name__ = form.__name__
        return NotSaved
