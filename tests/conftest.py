"""Shared test data: small factory functions and role fixtures."""

import io
import itertools
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from articles import bylines
from articles.models import Article, Author, Section
from articles.models import Image as LibraryImage
from newsroom.cache import rendered
from newsroom.roles import sync_roles

from .browser import chromium, demo_site, page_errors  # noqa: F401  (browser fixtures, shared)
from .s3 import s3_bucket, s3_requests, s3_server  # noqa: F401  (a real S3 API, shared)

_counter = itertools.count(1)


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    rendered.clear()
    yield
    cache.clear()
    rendered.clear()


class Terminal(io.StringIO):
    """A command's output stream that says it is a terminal (progress bars are drawn)."""

    def isatty(self):
        return True


def jpeg_bytes(size=(1200, 675), color=(120, 30, 40)):
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "JPEG")
    return buffer.getvalue()


def uploaded_jpeg(name="photo.jpg", **kwargs):
    return SimpleUploadedFile(name, jpeg_bytes(**kwargs), content_type="image/jpeg")


def make_section(**kwargs):
    n = next(_counter)
    kwargs.setdefault("name", f"Section {n}")
    kwargs.setdefault("slug", f"section-{n}")
    return Section.objects.create(**kwargs)


def make_author(**kwargs):
    n = next(_counter)
    kwargs.setdefault("name", f"Author {n}")
    kwargs.setdefault("slug", f"author-{n}")
    return Author.objects.create(**kwargs)


def make_image(file=None, **kwargs):
    """A photo in the library, saved the way every upload is (cleaned, renditions made)."""
    n = next(_counter)
    kwargs.setdefault("title", f"Photo {n}")
    kwargs.setdefault("alt", f"Alt text {n}")
    return LibraryImage.objects.create(file=file or uploaded_jpeg(f"photo-{n}.jpg"), **kwargs)


# The lead photo's upload and details, as the article form takes them.
PHOTO_KWARGS = {
    "featured_image": "file",
    "image_alt": "alt",
    "image_caption": "caption",
    "image_credit": "credit",
    "focal_x": "focal_x",
    "focal_y": "focal_y",
}


def make_article(*, tags=(), authors=(), **kwargs):
    """An article; ``featured_image=<upload>`` (with image_alt, image_caption, ...) gives it a
    new library photo as its lead, as an upload through the article form does."""
    photo = {PHOTO_KWARGS[key]: kwargs.pop(key) for key in list(kwargs) if key in PHOTO_KWARGS}
    if photo.get("file"):
        kwargs["lead_image"] = make_image(**photo)
    n = next(_counter)
    kwargs.setdefault("headline", f"Headline number {n}")
    kwargs.setdefault("slug", f"headline-{n}")
    kwargs.setdefault("body", f"<p>Body of article {n}.</p>")
    kwargs.setdefault("status", Article.Status.PUBLISHED)
    if kwargs["status"] == Article.Status.PUBLISHED:
        kwargs.setdefault("publish_at", timezone.now() - timedelta(hours=n))
    if "section" not in kwargs:
        kwargs["section"] = make_section()
    article = Article.objects.create(**kwargs)
    if tags:
        article.tags.add(*tags)
    if authors:
        bylines.arrange(article, authors)
    return article


@pytest.fixture
def section(db):
    return make_section(name="Middle East", slug="middle-east")


def _staff(django_user_model, username, group):
    # A transactional test's flush empties the groups the data migration made (permissions
    # come back by themselves, through post_migrate); make sure they exist.
    sync_roles(Group, Permission)
    user = django_user_model.objects.create_user(
        username=username, password="a-long-test-password", is_staff=True
    )
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def reporter(db, django_user_model):
    return _staff(django_user_model, "reporter", "Reporter")


@pytest.fixture
def editor(db, django_user_model):
    return _staff(django_user_model, "editor", "Editor")


@pytest.fixture
def moderator(db, django_user_model):
    return _staff(django_user_model, "moderator", "Moderator")
