"""Who can fetch a story's photos: nobody before a published article uses them, except the
people who may see them."""

import io
import posixpath
import re
import shutil
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from articles import image_files, images
from articles.models import Article, Author
from articles.models import Image as LibraryImage

from .conftest import jpeg_bytes, make_article, make_author, uploaded_jpeg
from .processes import Nginx, free_port, newsroom_site
from .test_admin import ADD_URL, LIST_URL, article_form, change_url
from .test_images import tags

pytestmark = pytest.mark.django_db

UPLOAD_NAME = "DSC_0042-leaked-exclusive.jpg"
PUBLIC_NAME = re.compile(r"^/media/images/[A-Za-z0-9_-]{22}/[a-z0-9-]+\.[a-z0-9.-]+$")


def get(client, url):
    """Status and body of a GET. A streamed file is closed by reading it to the end (the test
    client's own wrapper): calling close() here would fire request_finished, which closes the
    test's database connection on PostgreSQL."""
    response = client.get(url)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response.status_code, body


def picture_urls(html):
    """Every address in the page's <picture> markup and images."""
    urls = [attrs["src"] for attrs in tags(html, "img") if "/media/" in attrs.get("src", "")]
    urls += [attrs["src"] for attrs in tags(html, "img") if "/images/" in attrs.get("src", "")]
    for attrs in tags(html, "source") + tags(html, "img"):
        for candidate in attrs.get("srcset", "").split(","):
            if candidate.strip():
                urls.append(candidate.split()[0])
    return sorted(set(urls))


def preview_urls(client, article):
    response = client.get(reverse("articles:preview", args=[article.pk]))
    assert response.status_code == 200
    return picture_urls(response.content.decode())


def admin_preview_src(client, article):
    """The lead photo's thumbnail in the article form's chooser."""
    response = client.get(change_url(article))
    assert response.status_code == 200
    html = response.content.decode()
    [thumbnail] = re.findall(r'class="image-chooser__thumbnail" src="([^"]+)"', html)
    return thumbnail


def private_prefix(article):
    return f"/preview/images/{article.lead_image_id}/"


@pytest.fixture
def draft(client, reporter, section):
    """A reporter's draft with a photo, uploaded through the admin."""
    client.force_login(reporter)
    response = client.post(
        ADD_URL,
        article_form(section, featured_image=uploaded_jpeg(UPLOAD_NAME), image_alt="Minister"),
    )
    assert response.status_code == 302
    client.logout()
    return Article.objects.get()


def publish(client, editor, article, callbacks):
    client.force_login(editor)
    with callbacks(execute=True):
        client.post(LIST_URL, {"action": "publish_now", "_selected_action": [article.pk]})
    client.logout()
    article.refresh_from_db()
    assert article.is_published()


def unpublish(client, editor, article, callbacks):
    client.force_login(editor)
    with callbacks(execute=True):
        client.post(LIST_URL, {"action": "unpublish", "_selected_action": [article.pk]})
    client.logout()
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT


def other_reporter(django_user_model):
    user = django_user_model.objects.create_user("other", password="x" * 14, is_staff=True)
    user.groups.add(Group.objects.get(name="Reporter"))
    return user


def test_a_drafts_photo_and_renditions_are_not_at_any_public_address(client, draft):
    names = sorted(images.stored_names(draft.lead_image))
    assert len(names) >= 8  # original, Open Graph, renditions
    assert all(name.startswith("private/images/") for name in names)
    for name in [draft.lead_image.file.name, draft.lead_image.renditions["og"]["name"], names[0]]:
        assert default_storage.exists(name)
        for address in [
            settings.MEDIA_URL + name,
            settings.MEDIA_URL + "articles/../" + name,
            settings.MEDIA_URL + "/" + name,
        ]:
            assert get(client, address)[0] == 404, address


def test_a_drafts_photo_names_carry_neither_the_upload_name_nor_a_date(draft):
    for name in images.stored_names(draft.lead_image):
        assert "leaked" not in name and "DSC" not in name
        assert not re.search(r"/20\d\d/", name)
    assert re.match(r"^private/images/[A-Za-z0-9_-]{22}/", draft.lead_image.file.name)


def test_the_reporter_sees_their_drafts_photo_in_the_preview_and_the_admin(client, reporter, draft):
    client.force_login(reporter)
    urls = preview_urls(client, draft)
    assert urls and all(url.startswith(private_prefix(draft)) for url in urls)
    for url in [*urls, admin_preview_src(client, draft)]:
        status, body = get(client, url)
        assert status == 200, url
        assert body[:4] in (b"\xff\xd8\xff\xe0", b"RIFF"), url  # a JPEG or a WebP


def test_an_editor_sees_any_drafts_photo(client, editor, draft):
    client.force_login(editor)
    assert get(client, admin_preview_src(client, draft))[0] == 200
    assert all(get(client, url)[0] == 200 for url in preview_urls(client, draft))


def test_nobody_else_gets_a_drafts_photo_from_the_preview_view(
    client, reporter, moderator, draft, django_user_model
):
    client.force_login(reporter)
    urls = preview_urls(client, draft)
    for user in [moderator, other_reporter(django_user_model), None]:
        client.logout()
        if user is not None:
            client.force_login(user)
        for url in urls[:3]:
            assert get(client, url)[0] == 404, (user, url)


def test_the_private_view_serves_only_the_photos_own_files(client, editor, draft, section):
    other = make_article(
        status=Article.Status.DRAFT, section=section, featured_image=uploaded_jpeg(), image_alt="O"
    )
    client.force_login(editor)
    foreign = other.lead_image.file.name.removeprefix("private/")
    kept_elsewhere = "kept/whatever/image.jpg"
    for name in [foreign, kept_elsewhere, "../" + draft.lead_image.file.name]:
        url = reverse("articles:private_image", kwargs={"pk": draft.lead_image_id, "name": name})
        assert get(client, url)[0] == 404, name


def test_publishing_moves_the_photo_to_public_unguessable_addresses(
    client, editor, draft, django_capture_on_commit_callbacks
):
    client.force_login(editor)
    private_urls = preview_urls(client, draft)
    client.logout()
    publish(client, editor, draft, django_capture_on_commit_callbacks)

    page = client.get(draft.get_absolute_url()).content.decode()
    urls = picture_urls(page)
    assert len(urls) > 5
    for url in urls:
        assert PUBLIC_NAME.match(url), url
        assert "leaked" not in url and "DSC" not in url
        assert get(client, url)[0] == 200, url
    assert not any(default_storage.exists(n) for n in private_names(private_urls, draft))
    # Each upload's folder goes with its last file (on a local disk, where folders exist).
    assert not default_storage.exists(posixpath.dirname(private_names(private_urls, draft)[0]))


def private_names(urls, article):
    prefix = private_prefix(article)
    return ["private/" + url.removeprefix(prefix) for url in urls]


def test_pulling_an_article_ends_its_public_addresses_at_once(
    client, editor, draft, django_capture_on_commit_callbacks
):
    publish(client, editor, draft, django_capture_on_commit_callbacks)
    public_urls = picture_urls(client.get(draft.get_absolute_url()).content.decode())
    og_url = settings.MEDIA_URL + draft.lead_image.renditions["og"]["name"]
    unpublish(client, editor, draft, django_capture_on_commit_callbacks)

    for url in [*public_urls, og_url]:
        assert get(client, url)[0] == 404, url
    assert all(name.startswith("private/images/") for name in images.stored_names(draft.lead_image))
    client.force_login(editor)
    urls = preview_urls(client, draft)
    assert urls and all(get(client, url)[0] == 200 for url in urls)
    assert all(get(client, url)[0] == 404 for url in public_urls[:3])


def test_pulled_photos_get_new_names_not_the_ones_they_had_before_publishing(
    client, editor, draft, django_capture_on_commit_callbacks
):
    first = draft.lead_image.file.name
    publish(client, editor, draft, django_capture_on_commit_callbacks)
    unpublish(client, editor, draft, django_capture_on_commit_callbacks)
    assert draft.lead_image.file.name.startswith("private/")
    assert draft.lead_image.file.name != first
    assert draft.lead_image.renditions["source"] == draft.lead_image.file.name
    assert images.is_current(draft.lead_image)


def test_a_status_only_save_moves_the_files_and_records_where_they_went(
    draft, django_capture_on_commit_callbacks
):
    old = images.stored_names(draft.lead_image)
    draft.status = Article.Status.PUBLISHED
    draft.publish_at = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        draft.save(update_fields=["status", "publish_at"])
    draft.refresh_from_db()
    assert draft.lead_image.file.name.startswith("images/")
    assert images.is_current(draft.lead_image)
    assert all(default_storage.exists(name) for name in images.stored_names(draft.lead_image))
    assert not any(default_storage.exists(name) for name in old)


def test_a_scheduled_articles_photo_is_public_but_unguessable_before_its_time(
    client, editor, section
):
    client.force_login(editor)
    client.post(
        ADD_URL,
        article_form(
            section,
            featured_image=uploaded_jpeg(UPLOAD_NAME),
            image_alt="Minister",
            status="published",
            publish_at_0=f"{timezone.localdate().year + 1}-01-01",
            publish_at_1="08:00:00",
        ),
    )
    client.logout()
    article = Article.objects.get()
    assert not article.is_published()
    # Live at its time with no job running: its files are at their public names already,
    # known to nobody until a page links to them.
    assert PUBLIC_NAME.match(settings.MEDIA_URL + article.lead_image.file.name)
    assert get(client, article.get_absolute_url())[0] == 404


def test_a_new_photo_on_a_published_article_goes_straight_to_a_public_name(section):
    article = make_article(
        section=section, featured_image=uploaded_jpeg(UPLOAD_NAME), image_alt="A"
    )
    assert PUBLIC_NAME.match(settings.MEDIA_URL + article.lead_image.file.name)
    assert all(name.startswith("images/") for name in images.stored_names(article.lead_image))


def test_author_photos_get_unguessable_names(client, editor):
    client.force_login(editor)
    client.post(
        reverse("admin:articles_author_add"),
        {"name": "Rita", "slug": "rita", "bio": "", "photo": uploaded_jpeg("IMG_0001.jpg")},
    )
    name = Author.objects.get().photo.name
    assert re.match(r"^authors/[A-Za-z0-9_-]{22}/rita\.jpg$", name), name
    assert get(client, settings.MEDIA_URL + name)[0] == 200


# Files stored before names were random -----------------------------------------------------


def legacy_article(status, section):
    """An article whose photo is stored as the old code did: a dated folder, the uploader's
    file name."""
    article = make_article(status=status, section=section, featured_image=uploaded_jpeg())
    name = default_storage.save("articles/2024/05/leaked-memo.jpg", ContentFile(jpeg_bytes()))
    with default_storage.open(name, "rb") as file:
        source = images.prepare(images.open_image(file, upload=False))
    renditions = images.make_renditions(source, name, (0.5, 0.5), default_storage)
    LibraryImage.objects.filter(pk=article.lead_image_id).update(file=name, renditions=renditions)
    article.refresh_from_db()
    return article


def test_the_command_moves_old_names_and_unpublished_photos_out_of_reach(
    client, section, django_capture_on_commit_callbacks
):
    live = legacy_article(Article.Status.PUBLISHED, section)
    draft = legacy_article(Article.Status.DRAFT, section)
    author = make_author()
    author_old = default_storage.save("authors/2024/rita.jpg", ContentFile(jpeg_bytes()))
    Author.objects.filter(pk=author.pk).update(photo=author_old)
    old_files = {author_old}
    old_files |= images.stored_names(live.lead_image) | images.stored_names(draft.lead_image)
    history = live.history.count()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("secure_image_names", stdout=(out := io.StringIO()))
    assert "Moved the files of 3 of 3 images." in out.getvalue()

    for article, prefix in [(live, "images/"), (draft, "private/images/")]:
        article.refresh_from_db()
        assert image_files.is_unguessable(article.lead_image.file.name)
        assert article.lead_image.file.name.startswith(prefix)
        assert images.is_current(article.lead_image)
        photo = article.lead_image
        assert all(default_storage.exists(name) for name in images.stored_names(photo))
    assert not any(default_storage.exists(name) for name in old_files)
    assert image_files.is_unguessable(Author.objects.get(pk=author.pk).photo.name)
    assert live.history.count() == history
    for url in picture_urls(client.get(live.get_absolute_url()).content.decode()):
        assert get(client, url)[0] == 200, url


def test_a_story_taken_down_by_its_unpublish_time_takes_its_photo_off_the_public_addresses(
    client, editor, draft, django_capture_on_commit_callbacks
):
    """Nothing saves the story at its unpublish time: `secure_image_names --taken-down`
    (cron) moves its photo; a save after that time (an edit) does too."""
    publish(client, editor, draft, django_capture_on_commit_callbacks)
    public_urls = picture_urls(client.get(draft.get_absolute_url()).content.decode())
    assert public_urls and all(get(client, url)[0] == 200 for url in public_urls)
    Article.objects.filter(pk=draft.pk).update(unpublish_at=timezone.now())  # came down
    with django_capture_on_commit_callbacks(execute=True):
        call_command("secure_image_names", "--taken-down", stdout=(out := io.StringIO()))
    assert "Moved the files of 1 of 1 images." in out.getvalue()
    assert all(get(client, url)[0] == 404 for url in public_urls)
    draft.refresh_from_db()
    assert draft.lead_image.file.name.startswith("private/images/")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("secure_image_names", "--taken-down", stdout=(out := io.StringIO()))
    # What moved is not looked at again; cron's mail gets one line, no progress bar.
    assert out.getvalue() == "Moved the files of 0 of 0 images.\n"


def test_saving_a_story_past_its_unpublish_time_moves_its_photo(
    client, editor, draft, django_capture_on_commit_callbacks
):
    publish(client, editor, draft, django_capture_on_commit_callbacks)
    public_urls = picture_urls(client.get(draft.get_absolute_url()).content.decode())
    draft.refresh_from_db()
    draft.unpublish_at = timezone.now() - timezone.timedelta(minutes=1)
    with django_capture_on_commit_callbacks(execute=True):
        draft.save()
    assert public_urls and all(get(client, url)[0] == 404 for url in public_urls)
    draft.refresh_from_db()
    assert draft.lead_image.file.name.startswith("private/images/")


def test_the_command_leaves_what_is_in_place_alone(draft):
    before = draft.lead_image.file.name
    call_command("secure_image_names", stdout=io.StringIO())
    draft.refresh_from_db()
    assert draft.lead_image.file.name == before


# The shipped nginx front ---------------------------------------------------------------------


def test_nginx_serves_public_media_but_never_the_private_prefix(tmp_path):
    media = Path(tempfile.mkdtemp(prefix="newsroom-media-"))
    try:
        media.chmod(0o755)
        for name in ["articles/abc/photo.jpg", "private/articles/abc/photo.jpg"]:
            (media / name).parent.mkdir(parents=True, exist_ok=True)
            (media / name).parent.chmod(0o755)
            (media / name).write_bytes(jpeg_bytes())
            (media / name).chmod(0o644)
        (media / "private").chmod(0o755)
        port = free_port()
        site = newsroom_site(port, free_port(), tmp_path).replace(
            f"{settings.MEDIA_ROOT}/", f"{media}/"
        )
        with Nginx(port, site) as nginx:
            assert status(nginx.url + "/media/articles/abc/photo.jpg") == 200
            for path in [
                "/media/private/articles/abc/photo.jpg",
                "/media/articles/../private/articles/abc/photo.jpg",
                "/media//private/articles/abc/photo.jpg",
                "/media/%70rivate/articles/abc/photo.jpg",
            ]:
                assert status(nginx.url + path) == 404, path
    finally:
        shutil.rmtree(media, ignore_errors=True)


def status(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_a_drafts_preview_points_its_share_image_at_the_preview_view(client, reporter, draft):
    client.force_login(reporter)
    html = client.get(reverse("articles:preview", args=[draft.pk])).content.decode()
    [og_image] = [m["content"] for m in tags(html, "meta") if m.get("property") == "og:image"]
    assert private_prefix(draft) in og_image
    assert get(client, og_image.removeprefix("http://testserver"))[0] == 200


def test_the_library_forms_link_to_the_current_file_opens_for_its_reporter(client, reporter, draft):
    client.force_login(reporter)
    change = reverse("admin:articles_image_change", args=[draft.lead_image_id])
    html = client.get(change).content.decode()
    [current] = re.findall(r'Currently: <a href="([^"]+)">', html)
    assert current.startswith(private_prefix(draft))
    assert get(client, current)[0] == 200


def test_a_media_name_too_long_for_the_file_system_is_a_404(rf, settings, tmp_path):
    """It was a 500 ("File name too long") wherever Django serves the uploads."""
    from django.http import Http404

    from newsroom.media import serve_public

    settings.MEDIA_ROOT = str(tmp_path)
    (tmp_path / "images").mkdir()
    with pytest.raises(Http404):
        serve_public(rf.get("/media/x"), "images/" + "a" * 300 + ".jpg")
