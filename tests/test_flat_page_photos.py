"""Flat pages (About us, Contact...) are written in the story editor: photos, galleries and
embeds show on them as in a story (an embed's title and thumbnail fetched after the save),
the photos they show are public, and the library counts them as uses."""

import re

import pytest
from django.contrib.flatpages.models import FlatPage
from django.contrib.sites.models import Site
from django.core.files.storage import default_storage
from django.test import override_settings
from django.urls import reverse

from articles import images
from articles.models import Embed
from articles.models import Image as LibraryImage

from .conftest import make_image
from .test_body_blocks import YOUTUBE, photo_block, provider  # noqa: F401 (fixture)
from .test_wordpress_import import jpeg, run
from .test_wordpress_safety import HOST, export, page  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def page_form(**overrides):
    return {
        "url": "/about-us/",
        "title": "About us",
        "content": "<p>Who we are.</p>",
        "sites": [Site.objects.get_current().pk],
        **overrides,
    }


def files_of(photo):
    return sorted(images.file_names(photo.renditions))


def test_an_editor_puts_a_photo_on_a_flat_page_and_readers_see_it(
    client, editor, django_capture_on_commit_callbacks
):
    photo = make_image(caption="The desk at night", credit="Photo: R. Haddad")
    assert photo.file.name.startswith("private/")  # a new upload
    client.force_login(editor)
    form = client.get(reverse("admin:flatpages_flatpage_add")).content.decode()
    assert "prose_blocks.js" in form  # the story editor, with its blocks
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:flatpages_flatpage_add"),
            page_form(content=f"<p>Who we are.</p>{photo_block(photo, width='wide')}"),
        )
    assert response.status_code == 302
    photo.refresh_from_db()
    assert not photo.file.name.startswith("private/")
    client.logout()
    html = client.get("/about-us/").content.decode()
    figure = re.search(r'<figure class="body-photo body-photo--wide">.*?</figure>', html, re.S)
    assert figure, html
    assert "<picture>" in figure.group(0) and f'alt="{photo.alt}"' in figure.group(0)
    assert "The desk at night" in figure.group(0) and "Photo: R. Haddad" in figure.group(0)
    assert "/private/" not in html
    for name in files_of(photo):
        assert client.get(default_storage.url(name)).status_code == 200


def test_a_photo_taken_off_the_page_goes_back_out_of_public_reach(
    client, django_capture_on_commit_callbacks
):
    photo = make_image()
    page = FlatPage.objects.create(url="/about-us/", title="About us", content=photo_block(photo))
    page.sites.add(Site.objects.get_current())
    photo.refresh_from_db()
    public = files_of(photo)
    assert not photo.file.name.startswith("private/")
    with django_capture_on_commit_callbacks(execute=True):
        page.content = "<p>No photo now.</p>"
        page.save()
    photo.refresh_from_db()
    assert photo.file.name.startswith("private/")
    assert not any(default_storage.exists(name) for name in public)

    page.content = photo_block(photo)
    page.save()
    photo.refresh_from_db()
    assert not photo.file.name.startswith("private/")
    with django_capture_on_commit_callbacks(execute=True):
        page.delete()
    photo.refresh_from_db()
    assert photo.file.name.startswith("private/")


def test_the_library_names_the_page_and_keeps_the_photo_it_shows(client, editor, reporter):
    photo = make_image(uploaded_by=reporter, title="Team photo")
    page = FlatPage.objects.create(url="/team/", title="The team", content=photo_block(photo))
    page.sites.add(Site.objects.get_current())
    client.force_login(editor)
    change = client.get(reverse("admin:articles_image_change", args=[photo.pk])).content.decode()
    page_url = reverse("admin:flatpages_flatpage_change", args=[page.pk])
    assert f'Flat page: <a href="{page_url}">The team</a>' in change
    listing = client.get(reverse("admin:articles_image_changelist")).content.decode()
    assert "0 articles, 1 flat page" in listing
    delete = reverse("admin:articles_image_delete", args=[photo.pk])
    refusal = client.post(delete, {"post": "yes"}).content.decode()
    assert "The team" in refusal
    assert LibraryImage.objects.filter(pk=photo.pk).exists()
    # Its uploader, a reporter, may no longer change what readers see on the page.
    client.force_login(reporter)
    response = client.get(reverse("admin:articles_image_change", args=[photo.pk]))
    assert response.status_code == 200
    assert 'name="caption"' not in response.content.decode()


def test_a_caption_edit_shows_on_the_cached_page_at_once(client):
    photo = make_image(caption="Old caption")
    page = FlatPage.objects.create(url="/about-us/", title="About us", content=photo_block(photo))
    page.sites.add(Site.objects.get_current())
    client.get("/about-us/")
    assert client.get("/about-us/")["X-Cache"] == "HIT"
    photo.caption = "New caption"
    photo.save()
    html = client.get("/about-us/").content.decode()
    assert "New caption" in html and "Old caption" not in html


def test_a_photo_number_outside_the_library_is_refused_with_nothing_saved(client, editor):
    client.force_login(editor)
    response = client.post(
        reverse("admin:flatpages_flatpage_add"),
        page_form(content='<figure data-block="photo" data-image="99999"></figure>'),
    )
    assert response.status_code == 200
    assert "Photo 99999 is not in your library" in response.content.decode()
    assert not FlatPage.objects.filter(url="/about-us/").exists()


def test_an_imported_wordpress_page_shows_its_photo_with_its_caption(
    client,
    export,  # noqa: F811
    tmp_path,
):
    """A page built in HTML (no block comments): its figure becomes a photo block with the
    figure's caption, and the page shows the photo, at a public address."""
    uploads = tmp_path / "uploads" / "2021" / "03"
    uploads.mkdir(parents=True)
    (uploads / "team.jpg").write_bytes(jpeg())
    figure = (
        f'<figure class="wp-block-image alignwide"><img src="{HOST}/wp-content/uploads/2021/03/'
        'team.jpg" alt="The team on the quay"><figcaption>Our team, 2021</figcaption></figure>'
    )
    _output, failure = run(
        "--media-dir",
        str(tmp_path / "uploads"),
        export=export(page(300, "About us", f"{HOST}/about-us/", f"<p>Hello.</p>{figure}")),
    )
    assert failure is None
    html = client.get("/about-us/").content.decode()
    shown = re.search(r'<figure class="body-photo body-photo--wide">.*?</figure>', html, re.S)
    assert shown, html
    assert 'alt="The team on the quay"' in shown.group(0)
    assert "Our team, 2021" in shown.group(0)
    assert "/private/" not in html
    src = re.search(r'<img src="([^"]+)"', shown.group(0)).group(1)
    assert client.get(src).status_code == 200


def test_an_embed_on_a_flat_page_is_fetched_after_the_save_and_shown_on_the_cached_page(
    client,
    provider,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    page = FlatPage.objects.create(url="/watch/", title="Watch", content="<p>Soon.</p>")
    page.sites.add(Site.objects.get_current())
    client.get("/watch/")
    assert client.get("/watch/")["X-Cache"] == "HIT"
    with (
        override_settings(
            EMBED_FETCH=True, EMBED_OEMBED_ENDPOINTS={"youtube": f"{provider}/oembed"}
        ),
        django_capture_on_commit_callbacks(execute=True),
    ):
        page.content = f'<figure data-block="embed" data-url="{YOUTUBE}"></figure>'
        page.save()
    html = client.get("/watch/").content.decode()
    assert "Never Gonna Give You Up — Rick Astley" in html  # the facade, with its title
    assert Embed.objects.get(url=YOUTUBE).thumbnail
