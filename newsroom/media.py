"""Uploaded files served by Django (SERVE_MEDIA): everything but the private prefix.

Files under ``PRIVATE_PREFIX`` (photos of articles that are not published, uploads kept
across a form error) are never served at a public address: not here, not by the nginx
``/media/`` location (newsroom/deploy/nginx.conf), not by the bucket policy on S3. The app
that owns them serves them to the people allowed to see them, through its own views.
"""

import posixpath

from django.conf import settings
from django.http import Http404
from django.views.static import serve

PRIVATE_PREFIX = "private/"


def is_private(name):
    """True for a storage name (or a requested path) inside the private prefix, however spelt."""
    clean = posixpath.normpath("/" + name).lstrip("/")
    return clean == PRIVATE_PREFIX.rstrip("/") or clean.startswith(PRIVATE_PREFIX)


def serve_public(request, path):
    if is_private(path):
        raise Http404
    try:
        return serve(request, path, document_root=settings.MEDIA_ROOT)
    except OSError as error:  # a name the file system refuses (too long, say): no such file
        raise Http404 from error
