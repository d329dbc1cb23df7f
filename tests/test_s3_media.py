"""Uploads on S3-compatible storage, through a real S3 API (moto's server on 127.0.0.1):
the admin's uploads, the renditions, the public pages' addresses, replacing and deleting,
regenerate_renditions, and what an editor sees when the bucket does not answer."""

import io
import posixpath
import re
import socket
import threading
from io import StringIO

import pytest
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse
from PIL import Image

from articles import images
from articles.models import Article, Author
from articles.models import Image as LibraryImage
from newsroom.s3 import S3Storage

from .conftest import Terminal, make_article, make_author, make_image, uploaded_jpeg
from .processes import HOST, free_port
from .s3 import fetch, s3_storage_options
from .test_admin import ADD_URL, LIST_URL, article_form, change_url
from .test_body_blocks import photo_block
from .test_image_access import get, picture_urls
from .test_images import (
    IMAGE_ADD_URL,
    camera_jpeg,
    image_change_url,
    image_form,
    kept_token,
    upload,
)

pytestmark = pytest.mark.django_db


def media_files(settings):
    return sorted(path for path in settings.MEDIA_ROOT.rglob("*") if path.is_file())


def full_article_form(client, section, **overrides):
    """The article form as a browser sends it, with the management forms of its inlines."""
    page = client.get(ADD_URL).content.decode()
    management = re.findall(
        r'name="([\w-]+-(?:TOTAL|INITIAL|MIN_NUM|MAX_NUM)_FORMS)" value="(\d*)"', page
    )
    return {**article_form(section, **overrides), **dict(management)}


def public_article(**kwargs):
    return make_article(
        headline="Harbour reopens", featured_image=uploaded_jpeg(size=(2000, 1125)), **kwargs
    )


# Uploads -----------------------------------------------------------------------------------------


def test_an_upload_in_the_admin_stores_a_clean_original_and_its_renditions_in_the_bucket(
    client, editor, s3_bucket, settings
):
    on_disk = media_files(settings)
    client.force_login(editor)
    response = client.post(IMAGE_ADD_URL, image_form(file=upload("gps.jpg", camera_jpeg())))
    assert response.status_code == 302
    photo = LibraryImage.objects.get()
    assert photo.file.name.startswith("private/images/")
    assert sorted(images.stored_names(photo)) == s3_bucket.names()
    assert len(s3_bucket.names()) > 5  # the original, WebP and JPEG sizes, Open Graph
    original = s3_bucket.read(photo.file.name)
    assert b"PhoneMaker" not in original and b"adobe:ns:meta" not in original
    assert not Image.open(io.BytesIO(original)).getexif()
    assert Image.open(io.BytesIO(original)).size == (800, 1200)  # turned upright
    assert media_files(settings) == on_disk  # nothing on the local disk


def test_a_private_photo_is_read_back_from_the_bucket_for_the_people_allowed(
    client, editor, s3_bucket
):
    photo = make_image()
    client.force_login(editor)
    url = images.thumbnail_url(photo)
    assert url.startswith("/preview/images/")
    status, body = get(client, url)
    assert status == 200
    assert body == s3_bucket.read(url_name(photo, url))
    client.logout()
    assert get(client, url)[0] == 404


def url_name(photo, url):
    """The stored name a private address stands for."""
    return "private/" + url.split(f"/preview/images/{photo.pk}/", 1)[1]


def test_an_upload_in_the_article_form_lands_in_the_bucket(client, editor, s3_bucket, section):
    client.force_login(editor)
    response = client.post(
        ADD_URL,
        full_article_form(
            client,
            section,
            featured_image=uploaded_jpeg(size=(1600, 900)),
            image_alt="Boats at dawn",
        ),
    )
    assert response.status_code == 302
    article = Article.objects.get()
    assert article.lead_image.alt == "Boats at dawn"
    assert sorted(images.stored_names(article.lead_image)) == s3_bucket.names()


# Public pages ------------------------------------------------------------------------------------


def test_the_public_pages_picture_addresses_answer_from_the_bucket(client, s3_bucket):
    article = public_article()
    assert article.lead_image.file.name.startswith("images/")  # moved public on publish
    html = client.get(article.get_absolute_url()).content.decode()
    urls = picture_urls(html)
    assert len(urls) >= 6
    for url in urls:
        assert url.startswith(s3_bucket.url), url
        status, headers, body = fetch(url)
        assert status == 200, url
        assert headers["Content-Type"] in {"image/webp", "image/jpeg"}
        assert body[:2] == b"\xff\xd8" or body[8:12] == b"WEBP"
    og = re.search(r'<meta property="og:image" content="([^"]+)"', html).group(1)
    assert og.startswith(s3_bucket.url) and fetch(og)[0] == 200


def test_no_page_render_calls_s3_cached_or_not(client, s3_bucket, s3_requests, s3_server):
    article = public_article()
    make_article(featured_image=uploaded_jpeg(size=(1200, 675)))
    with_photos = [
        "/",
        article.get_absolute_url(),
        article.section.get_absolute_url(),
        f"/search/?q={article.headline.split()[0]}",
        "/feed/",  # the enclosure's length too
    ]
    s3_requests.clear()
    with s3_server.recording() as answered:  # the S3 server's own record
        for path in [*with_photos, "/news-sitemap.xml", "/sitemap.xml"]:
            first = client.get(path)
            second = client.get(path)
            assert first.status_code == second.status_code == 200, path
            assert (s3_bucket.url.encode() in first.content) == (path in with_photos), path
            assert first.content == second.content, path
    assert s3_requests.sent == []
    assert answered == []
    # Counting works: a storage call is seen.
    default_storage.exists(article.lead_image.file.name)
    assert len(s3_requests) == 1


def test_the_home_page_is_rendered_without_s3_and_cached_as_a_miss_then_a_hit(
    client, s3_bucket, s3_requests
):
    public_article()
    s3_requests.clear()
    assert client.get("/")["X-Cache"] == "MISS"
    assert client.get("/")["X-Cache"] == "HIT"
    assert len(s3_requests) == 0


def test_addresses_are_the_ones_boto3_would_give(s3_bucket, s3_server):
    for extra in ({}, {"location": "site-a"}, {"custom_domain": "media.example.com"}):
        options = s3_storage_options(s3_server.endpoint, s3_bucket.name, **extra)["OPTIONS"]
        storage = S3Storage(**options)
        for name in ("images/abc/harbour.jpg", "images/abc/harbour.1a2b.16x9-320w.webp"):
            reference = super(S3Storage, storage).url(name)
            assert storage.url(name) == reference


def test_a_custom_domain_names_the_media_host_in_pages(client, s3_bucket, s3_server, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": s3_storage_options(
            s3_server.endpoint, s3_bucket.name, custom_domain="media.example.com"
        ),
    }
    article = public_article()
    urls = picture_urls(client.get(article.get_absolute_url()).content.decode())
    assert urls and all(url.startswith("https://media.example.com/images/") for url in urls)
    # The same key answers from the bucket, which the custom domain fronts.
    key = urls[0].removeprefix("https://media.example.com/")
    assert fetch(s3_bucket.url + key)[0] == 200


def test_body_photos_and_galleries_are_served_from_the_bucket_without_s3_at_render(
    client, s3_bucket, s3_requests
):
    inline, first, second = make_image(), make_image(), make_image()
    body = (
        f"<p>Before.</p>{photo_block(inline, width='wide')}"
        f'<figure data-block="gallery" data-images="{first.pk},{second.pk}"></figure>'
    )
    article = make_article(body=body)
    for photo in (inline, first, second):
        photo.refresh_from_db()
        assert photo.file.name.startswith("images/")  # public: a published story shows it
    s3_requests.clear()
    html = client.get(article.get_absolute_url()).content.decode()
    assert client.get(article.get_absolute_url()).content.decode() == html
    assert len(s3_requests) == 0
    body_html = html[html.index("Before.") :]
    urls = picture_urls(body_html)
    for photo in (inline, first, second):
        assert any(f"/{posixpath.dirname(photo.file.name)}/" in url for url in urls)
    for url in urls:
        assert url.startswith(s3_bucket.url) and fetch(url)[0] == 200, url


# Replacing and deleting --------------------------------------------------------------------------


def test_replacing_a_photo_deletes_the_old_objects_once_the_change_commits(
    client, editor, s3_bucket, django_capture_on_commit_callbacks
):
    client.force_login(editor)
    client.post(IMAGE_ADD_URL, image_form())
    photo = LibraryImage.objects.get()
    old = set(images.stored_names(photo))
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(
            image_change_url(photo), image_form(file=uploaded_jpeg("new.jpg", color=(0, 90, 0)))
        )
        assert response.status_code == 302
        assert old <= set(s3_bucket.names())  # not before the commit
    for callback in callbacks:
        callback()
    photo.refresh_from_db()
    assert set(s3_bucket.names()) == set(images.stored_names(photo))
    assert not old & set(s3_bucket.names())


def test_deleting_a_photo_deletes_its_objects_once_the_delete_commits(
    client, editor, s3_bucket, django_capture_on_commit_callbacks
):
    photo = make_image()
    assert s3_bucket.names()
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:articles_image_delete", args=[photo.pk]), {"post": "yes"}
        )
    assert response.status_code == 302
    assert s3_bucket.names() == []


def test_pulling_a_story_moves_its_photo_back_out_of_public_reach(
    s3_bucket, django_capture_on_commit_callbacks
):
    article = public_article()
    public = sorted(images.stored_names(article.lead_image))
    url = default_storage.url(article.lead_image.file.name)
    assert fetch(url)[0] == 200
    with django_capture_on_commit_callbacks(execute=True):
        article.status = Article.Status.DRAFT
        article.save()
    article.lead_image.refresh_from_db()
    assert all(key.startswith("private/images/") for key in s3_bucket.names())
    assert not set(public) & set(s3_bucket.names())
    assert fetch(url)[0] == 404


def test_a_photo_kept_across_a_form_error_waits_in_the_bucket_and_is_saved_with_the_form(
    client, editor, s3_bucket, section, django_capture_on_commit_callbacks
):
    client.force_login(editor)
    photo = uploaded_jpeg("harbour.jpg", size=(1600, 900))
    response = client.post(ADD_URL, full_article_form(client, section, featured_image=photo))
    assert response.status_code == 200  # alt text missing
    assert "Photo kept: harbour.jpg — it will be saved with the article." in response.text
    kept = s3_bucket.names("private/kept/")
    assert len(kept) == 2  # the clean re-encode and its thumbnail
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            ADD_URL,
            full_article_form(
                client, section, image_alt="The harbour", featured_image_kept=kept_token(response)
            ),
        )
    assert response.status_code == 302
    photo = Article.objects.get().lead_image
    assert (photo.width, photo.height) == (1600, 900)
    assert set(s3_bucket.names()) == images.stored_names(photo)  # the kept files are gone


def test_an_authors_photo_is_cleaned_into_the_bucket_and_public(s3_bucket):
    author = make_author(photo=upload("me.jpg", camera_jpeg()))
    assert author.photo.name.startswith("authors/")
    assert s3_bucket.names() == [author.photo.name]
    assert b"PhoneMaker" not in s3_bucket.read(author.photo.name)
    assert fetch(author.photo.url)[0] == 200


# regenerate_renditions ---------------------------------------------------------------------------


def test_regenerate_renditions_remakes_lost_objects_in_the_bucket(
    s3_bucket, s3_server, django_capture_on_commit_callbacks
):
    photos = [make_image(), make_image()]
    keys = s3_bucket.names()
    lost = [key for key in keys if key.endswith("-320w.webp")]
    assert len(lost) == 2
    client = s3_server.client()
    for key in lost:
        client.delete_object(Bucket=s3_bucket.name, Key=key)
    out = Terminal()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("regenerate_renditions", stdout=out)
    assert "Renditions made for 2 of 2 images." in out.getvalue()
    assert "[##############################] 2/2" in out.getvalue()
    assert s3_bucket.names() == keys
    for photo in photos:
        photo.refresh_from_db()
        assert set(images.stored_names(photo)) <= set(keys)


# When the bucket does not answer -----------------------------------------------------------------


def unreachable(settings, bucket, **extra):
    """Point the storage at a port nothing listens on (the bucket's server is down)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": s3_storage_options(f"http://{HOST}:{free_port()}", bucket.name, **extra),
    }


class Silent:
    """A server that accepts connections and never answers: a bucket that hangs."""

    def __init__(self):
        self.socket = socket.socket()
        self.socket.bind((HOST, 0))
        self.socket.listen(16)
        self.endpoint = f"http://{HOST}:{self.socket.getsockname()[1]}"
        self.held = []
        self.thread = threading.Thread(target=self.accept, daemon=True)
        self.thread.start()

    def accept(self):
        while len(self.held) < 64:
            try:
                connection, _ = self.socket.accept()
            except OSError:
                return
            self.held.append(connection)

    def close(self):
        for connection in self.held:
            connection.close()
        self.socket.close()


def test_an_upload_while_the_bucket_is_down_is_refused_with_a_message_and_nothing_saved(
    client, editor, s3_bucket, settings
):
    unreachable(settings, s3_bucket)
    client.force_login(editor)
    response = client.post(IMAGE_ADD_URL, image_form(title="Harbour at dawn"))
    assert response.status_code == 503
    text = response.content.decode()
    assert "The file storage did not answer, so nothing was saved." in text
    assert 'value="Harbour at dawn"' in text  # the editor's input is still in the form
    assert LibraryImage.objects.count() == 0
    assert s3_bucket.names() == []


def test_an_upload_while_the_bucket_hangs_is_refused_with_a_message_and_nothing_saved(
    client, editor, s3_bucket, settings, section
):
    silent = Silent()
    try:
        settings.STORAGES = {
            **settings.STORAGES,
            "default": s3_storage_options(
                silent.endpoint, s3_bucket.name, timeout=1, max_attempts=1
            ),
        }
        client.force_login(editor)
        response = client.post(
            ADD_URL,
            full_article_form(
                client, section, featured_image=uploaded_jpeg(size=(1600, 900)), image_alt="Boats"
            ),
        )
    finally:
        silent.close()
    assert response.status_code == 503
    assert "The file storage did not answer, so nothing was saved." in response.content.decode()
    assert Article.objects.count() == 0
    assert LibraryImage.objects.count() == 0
    assert s3_bucket.names() == []


def test_an_authors_photo_while_the_bucket_is_down_is_refused_with_a_message(
    client, editor, s3_bucket, settings
):
    unreachable(settings, s3_bucket)
    client.force_login(editor)
    response = client.post(
        reverse("admin:articles_author_add"),
        {"name": "Rita", "slug": "rita", "bio": "", "photo": upload("rita.jpg", camera_jpeg())},
    )
    assert response.status_code == 503
    assert "The file storage did not answer, so nothing was saved." in response.text
    assert not Author.objects.exists()


def test_a_bucket_failing_half_way_through_an_upload_leaves_no_orphan_objects(
    client, editor, s3_bucket, monkeypatch
):
    """The original and some renditions are stored, then the bucket stops answering: the
    objects already written are deleted again, the image is not saved."""
    from botocore.exceptions import EndpointConnectionError

    real_save = S3Storage._save
    saved = []

    def breaking_save(storage, name, content):
        if len(saved) == 4:
            try:
                raise EndpointConnectionError(endpoint_url="http://bucket")
            except EndpointConnectionError as error:
                from newsroom.s3 import _unavailable

                raise _unavailable(error) from error
        saved.append(name)
        return real_save(storage, name, content)

    monkeypatch.setattr(S3Storage, "_save", breaking_save)
    client.force_login(editor)
    response = client.post(IMAGE_ADD_URL, image_form())
    assert response.status_code == 503
    assert len(saved) == 4  # some objects were written before the failure
    assert LibraryImage.objects.count() == 0
    assert s3_bucket.names() == []


def test_publishing_while_the_bucket_is_down_is_refused_and_the_story_stays_a_draft(
    client, editor, s3_bucket, settings, section
):
    photo = make_image()
    draft = make_article(section=section, status=Article.Status.DRAFT, lead_image=photo)
    unreachable(settings, s3_bucket)
    client.force_login(editor)
    form = full_article_form(
        client,
        section,
        headline=draft.headline,
        slug=draft.slug,
        lead_image=photo.pk,
        status="published",
    )
    response = client.post(change_url(draft), form)
    assert response.status_code == 503
    assert "The file storage did not answer, so nothing was saved." in response.text
    draft.refresh_from_db()
    # (refresh_from_db() would read the file: Django re-measures an ImageField it replaces)
    assert LibraryImage.objects.get(pk=photo.pk).file.name.startswith("private/")
    assert draft.status == Article.Status.DRAFT
    assert not s3_bucket.names("images/")

    response = client.post(LIST_URL, {"action": "publish_now", "_selected_action": [draft.pk]})
    assert response.status_code == 302
    page = client.get(response["Location"]).text
    assert "The file storage did not answer, so nothing was changed." in page
    draft.refresh_from_db()
    assert draft.status == Article.Status.DRAFT


def test_pulling_a_story_while_the_bucket_is_down_still_pulls_it(
    client, editor, s3_bucket, s3_server, settings, django_capture_on_commit_callbacks
):
    article = public_article()
    unreachable(settings, s3_bucket)
    client.force_login(editor)
    response = client.post(
        LIST_URL, {"action": "unpublish", "_selected_action": [article.pk]}, follow=True
    )
    assert response.status_code == 200
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
    assert client.get(article.get_absolute_url()).status_code == 404
    assert s3_bucket.names("images/")  # its photo is still at its public name
    # The bucket is back: the command the README names puts the photo out of public reach.
    settings.STORAGES = {
        **settings.STORAGES,
        "default": s3_storage_options(s3_server.endpoint, s3_bucket.name),
    }
    with django_capture_on_commit_callbacks(execute=True):
        call_command("secure_image_names", stdout=StringIO())
    assert s3_bucket.names() == s3_bucket.names("private/images/")


def test_public_pages_keep_serving_while_the_bucket_is_down(client, s3_bucket, settings):
    article = public_article()
    before = client.get(article.get_absolute_url()).content.decode()
    cache.clear()  # rendered afresh: the renders need no storage
    unreachable(settings, s3_bucket)
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    endpoint = default_storage.url("x").removesuffix("x")
    assert response.content.decode() == before.replace(s3_bucket.url, endpoint)
    assert client.get("/").status_code == 200


def test_the_admin_pages_open_while_the_bucket_is_down_and_its_files_are_404_not_500(
    client, editor, s3_bucket, settings, section
):
    client.force_login(editor)
    response = client.post(
        ADD_URL,
        full_article_form(client, section, featured_image=upload("harbour.jpg", camera_jpeg())),
    )
    assert "Photo kept" in response.text  # the alt text was missing: kept in the bucket
    thumbnail = re.search(r'class="kept-upload__thumbnail" src="([^"]+)"', response.text)[1]
    photo = make_image()
    article = make_article(section=section, status=Article.Status.DRAFT, lead_image=photo)
    unreachable(settings, s3_bucket)
    for url in (LIST_URL, change_url(article)):
        assert client.get(url).status_code == 200, url
    for url in (image_change_url(photo), reverse("admin:articles_image_changelist")):
        response = client.get(url)
        assert response.status_code == 200, url
        assert f"/preview/images/{photo.pk}/" in response.text, url  # its picture
    assert get(client, images.thumbnail_url(photo))[0] == 404
    assert get(client, thumbnail)[0] == 404


def test_a_kept_photo_the_bucket_cannot_give_back_is_a_form_error_not_a_save_without_it(
    client, editor, s3_bucket, settings, section
):
    client.force_login(editor)
    photo = uploaded_jpeg("harbour.jpg", size=(1600, 900))
    response = client.post(ADD_URL, full_article_form(client, section, featured_image=photo))
    token = kept_token(response)
    unreachable(settings, s3_bucket)
    response = client.post(
        ADD_URL,
        full_article_form(client, section, image_alt="The harbour", featured_image_kept=token),
    )
    assert response.status_code == 200
    assert "The photo kept from your last attempt could not be read" in response.text
    assert not Article.objects.exists()


def test_regenerate_renditions_reports_a_bucket_that_is_down_and_goes_on(
    s3_bucket, settings, django_capture_on_commit_callbacks
):
    make_image()
    unreachable(settings, s3_bucket)
    out, err = StringIO(), StringIO()
    call_command("regenerate_renditions", stdout=out, stderr=err)
    assert "Renditions made for 0 of 1 images." in out.getvalue()
    assert "No renditions for image" in err.getvalue()
