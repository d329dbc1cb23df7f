"""Featured images: renditions, clean files, safe uploads and the markup that serves them."""

import io
import posixpath
import random
import struct
import zlib
from datetime import timedelta
from html.parser import HTMLParser
from unittest import mock

import pytest
from django.contrib.messages import get_messages
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from PIL import Image, ImageCms, ImageDraw, features

from articles import demo, images, kept_uploads
from articles.models import Article, Author
from articles.models import Image as LibraryImage

from .conftest import Terminal, make_article, make_image, uploaded_jpeg
from .test_admin import ADD_URL, article_form, change_url

IMAGE_ADD_URL = reverse("admin:articles_image_add")


def image_change_url(photo):
    return reverse("admin:articles_image_change", args=[photo.pk])


def image_form(**overrides):
    """The library's upload form, filled in."""
    data = {
        "file": "",
        "title": "Harbour at dawn",
        "alt": "Fishing boats in the harbour",
        "caption": "",
        "credit": "",
        "copyright": "",
        "usable_until": "",
        "tags": "",
        "focal_x": "",
        "focal_y": "",
    }
    if "file" not in overrides:
        data["file"] = uploaded_jpeg("harbour.jpg")
    data.update(overrides)
    return data


pytestmark = pytest.mark.django_db

GPS_AND_ORIENTATION = 6  # EXIF orientation 6: the camera was turned; display rotated 90° clockwise


# Test images -----------------------------------------------------------------------------------


def encode(image, fmt, **options):
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def upload(name, data, content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def camera_jpeg(size=(1200, 800)):
    """A phone photo: sideways pixels, orientation 6, GPS position, XMP, an ICC profile."""
    image = Image.new("RGB", size, (40, 90, 160))
    ImageDraw.Draw(image).rectangle([0, 0, 200, 200], fill=(255, 0, 0))  # top-left as stored
    exif = Image.Exif()
    exif[0x0112] = GPS_AND_ORIENTATION
    exif[0x010F] = "PhoneMaker"
    exif[0x8825] = {1: "N", 2: (52.0, 31.0, 12.0), 3: "E", 4: (13.0, 24.0, 36.0)}
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:Description exif:GPSLatitude="52,31N"/>'
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    data = encode(image, "JPEG", exif=exif, xmp=xmp, icc_profile=icc, comment=b"at home")
    reopened = Image.open(io.BytesIO(data))
    assert reopened.getexif().get_ifd(0x8825), "the test photo must carry a GPS position"
    return data


def png_header(width, height):
    """A tiny PNG that claims huge dimensions: a decompression bomb."""

    def chunk(kind, body):
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def noise(size, fmt):
    pixels = random.Random(size[0]).randbytes(size[0] * size[1] * 3)
    return encode(Image.frombytes("RGB", size, pixels), fmt)


def colour(pixel):
    return "rgb"[max(range(3), key=lambda channel: pixel[channel])]


def stored(name):
    with default_storage.open(name, "rb") as file:
        data = file.read()
    image = Image.open(io.BytesIO(data))
    image.load()
    return data, image


def rendition_files(article, crop):
    return article.renditions["crops"][crop]["files"]


def every_file(article):
    return sorted(images.file_names(article.renditions))


def files_for(name):
    """Every stored file that belongs to the upload called `name` (original and renditions)."""
    folder, base = posixpath.split(name)
    stem = posixpath.splitext(base)[0]
    return [
        posixpath.join(folder, file)
        for file in default_storage.listdir(folder)[1]
        if file.startswith(stem + ".") or file == base
    ]


class TagCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def tags(html, name):
    parser = TagCollector()
    parser.feed(html)
    return [attrs for tag, attrs in parser.tags if tag == name]


# Renditions ------------------------------------------------------------------------------------


def test_upload_gets_webp_and_jpeg_renditions_at_every_width_it_covers():
    article = make_image(uploaded_jpeg(size=(2000, 1500)))
    wide = rendition_files(article, "16:9")
    assert [(f["format"], f["width"], f["height"]) for f in wide] == [
        (fmt, width, width * 9 // 16)
        for width in (320, 640, 960, 1280, 1920)
        for fmt in ("webp", "jpeg")
    ]
    for item in wide + rendition_files(article, "original"):
        _, image = stored(item["name"])
        assert image.format == {"webp": "WEBP", "jpeg": "JPEG"}[item["format"]]
        assert image.size == (item["width"], item["height"])
    original = rendition_files(article, "original")
    assert (original[-1]["width"], original[-1]["height"]) == (1920, 1440)


def test_renditions_are_stored_next_to_the_original():
    article = make_image(uploaded_jpeg("beside.jpg"))
    folder = posixpath.dirname(article.file.name)
    assert {posixpath.dirname(name) for name in every_file(article)} == {folder}


def test_small_image_is_never_upscaled():
    article = make_image(uploaded_jpeg(size=(700, 500)))
    for crop in ("16:9", "original"):
        assert [f["width"] for f in rendition_files(article, crop)] == [320, 320, 640, 640]
    assert article.renditions["og"]["width"] == 700
    assert max(f["width"] for f in rendition_files(article, "original")) <= 700


def test_image_narrower_than_every_width_gets_one_size_of_its_own():
    article = make_image(uploaded_jpeg(size=(200, 150)))
    sizes = {(f["width"], f["height"]) for f in rendition_files(article, "original")}
    assert sizes == {(200, 150)}


def test_open_graph_rendition_is_a_1200_by_630_jpeg():
    article = make_image(uploaded_jpeg(size=(1300, 700)))
    _, image = stored(article.renditions["og"]["name"])
    assert (image.format, image.size) == ("JPEG", (1200, 630))


def test_transparent_png_gets_a_png_fallback_and_keeps_its_transparency():
    logo = Image.new("RGBA", (800, 450), (0, 0, 0, 0))
    ImageDraw.Draw(logo).ellipse([100, 50, 700, 400], fill=(200, 30, 30, 255))
    article = make_image(upload("logo.png", encode(logo, "PNG")))
    formats = {f["format"] for f in rendition_files(article, "16:9")}
    assert formats == {"webp", "png"}
    for item in rendition_files(article, "16:9"):
        _, image = stored(item["name"])
        assert image.mode == "RGBA"
        assert image.getpixel((0, 0))[3] == 0


@pytest.mark.parametrize(
    "fmt", ["JPEG", "PNG", "WEBP", "GIF"] + (["AVIF"] if features.check("avif") else [])
)
def test_every_accepted_format_gets_renditions(client, editor, section, fmt):
    data = encode(Image.new("RGB", (640, 360), (10, 120, 60)), fmt)
    client.force_login(editor)
    response = client.post(
        ADD_URL,
        article_form(section, featured_image=upload(f"pic.{fmt.lower()}", data), image_alt="Pic"),
    )
    assert response.status_code == 302
    photo = Article.objects.get().lead_image
    assert [f["width"] for f in rendition_files(photo, "16:9")] == [320, 320, 640, 640]


def test_cmyk_jpeg_becomes_rgb():
    data = encode(Image.new("CMYK", (640, 360), (0, 200, 200, 0)), "JPEG")
    article = make_image(upload("print.jpg", data))
    for name in every_file(article):
        assert stored(name)[1].mode == "RGB"


def test_focal_point_steers_the_16_9_crop():
    # 4:3, red band at the top and green at the bottom: a 16:9 crop can keep only one.
    image = Image.new("RGB", (640, 480), (0, 0, 255))
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 0, 640, 100], fill=(255, 0, 0))
    draw.rectangle([0, 380, 640, 480], fill=(0, 255, 0))
    data = encode(image, "PNG")
    top = make_image(upload("top.png", data), focal_y=0.0)
    bottom = make_image(upload("low.png", data), focal_y=1.0)

    def band_colours(article):
        _, crop = stored(rendition_files(article, "16:9")[-1]["name"])
        return colour(crop.getpixel((10, 5))) + colour(crop.getpixel((10, crop.height - 5)))

    assert band_colours(top) == "rb"
    assert band_colours(bottom) == "bg"


def test_focal_point_outside_the_image_is_a_form_error(client, editor):
    client.force_login(editor)
    response = client.post(IMAGE_ADD_URL, image_form(focal_x="1.5"))
    assert response.status_code == 200
    assert "focal_x" in response.context["adminform"].form.errors
    assert not LibraryImage.objects.exists()


def test_demo_content_save_path_gets_renditions():
    # articles/demo.py stores the file first, then saves the photo: the same save path.
    photo = demo.library_photo("Demo", demo.make_image(3), alt="A")
    assert photo.renditions["source"] == photo.file.name
    assert all(default_storage.exists(name) for name in every_file(photo))
    assert LibraryImage.objects.get(pk=photo.pk).renditions == photo.renditions


# Privacy ---------------------------------------------------------------------------------------


def test_camera_photo_is_turned_upright_and_every_stored_file_is_free_of_metadata(
    client, editor, section
):
    client.force_login(editor)
    response = client.post(
        ADD_URL,
        article_form(
            section, featured_image=upload("gps-photo.jpg", camera_jpeg()), image_alt="Street"
        ),
    )
    assert response.status_code == 302
    article = Article.objects.get().lead_image
    assert (article.width, article.height) == (800, 1200)
    _, original = stored(article.file.name)
    assert original.size == (800, 1200)
    # The red corner was top-left as stored; turned a quarter clockwise it is top-right.
    assert original.getpixel((700, 50))[0] > 200 and original.getpixel((50, 50))[0] < 100

    served = files_for(article.file.name)
    assert sorted(served) == every_file(article)  # the raw upload was never stored
    for name in served:
        data, image = stored(name)
        assert not image.getexif(), name
        assert not {"exif", "xmp", "icc_profile", "comment"} & set(image.info), name
        assert b"PhoneMaker" not in data and b"adobe:ns:meta" not in data, name


def test_file_stored_before_cleaning_is_replaced_by_a_clean_one(
    django_capture_on_commit_callbacks,
):
    article = make_image()
    raw = default_storage.save("articles/legacy/old-gps.jpg", ContentFile(camera_jpeg()))
    LibraryImage.objects.filter(pk=article.pk).update(file=raw, alt="Old")
    article.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        article.save()
    assert article.file.name != raw
    assert not default_storage.exists(raw)
    _, image = stored(article.file.name)
    assert image.size == (800, 1200) and not image.getexif()


# Upload validation -----------------------------------------------------------------------------


def cut_in_half(data):
    return data[: len(data) // 2]


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        pytest.param(
            "notes.jpg",
            b"Meeting notes, definitely not a picture.\n" * 20,
            "not an image",
            id="text-renamed-jpg",
        ),
        pytest.param(
            "cut.jpg",
            cut_in_half(noise((600, 400), "JPEG")),
            "damaged or incomplete",
            id="truncated-jpeg",
        ),
        pytest.param(
            "cut.png",
            cut_in_half(noise((300, 300), "PNG")),
            "damaged or incomplete",
            id="truncated-png",
        ),
        pytest.param(
            "bomb.png", png_header(20000, 20000), "too many pixels", id="decompression-bomb"
        ),
        pytest.param(
            "nearbomb.png",
            png_header(10000, 10000),
            "too many pixels",
            id="over-pillow-limit-warning",
        ),
        pytest.param(
            "scan.bmp",
            encode(Image.new("RGB", (640, 360)), "BMP"),
            "BMP images are not accepted",
            id="unsupported-format",
        ),
        pytest.param(
            "IMG_0042.HEIC",
            b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 200,
            "This is a HEIC photo (an iPhone",
            id="iphone-heic",
        ),
        pytest.param(
            "report.jpg", b"%PDF-1.7\n" + b"x" * 200, "This is a PDF, not a picture", id="pdf"
        ),
        pytest.param(
            "layout.psd", b"8BPS\x00\x01" + b"\x00" * 200, "This is a Photoshop file", id="psd"
        ),
    ],
)
def test_bad_upload_is_refused_with_a_message_through_the_admin(
    client, editor, section, name, data, message
):
    client.force_login(editor)
    response = client.post(
        ADD_URL, article_form(section, featured_image=upload(name, data), image_alt="Pic")
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["featured_image"]
    assert message in " ".join(errors)
    assert message in response.content.decode()
    assert not Article.objects.exists()


def test_upload_over_the_size_limit_is_refused(client, editor, section, settings):
    settings.NEWSROOM_MAX_UPLOAD_MB = 1
    big = noise((700, 700), "PNG")
    assert len(big) > 1024 * 1024
    client.force_login(editor)
    response = client.post(
        ADD_URL, article_form(section, featured_image=upload("big.png", big), image_alt="Pic")
    )
    assert response.status_code == 200
    errors = " ".join(response.context["adminform"].form.errors["featured_image"])
    assert "the limit is 1 MB" in errors
    assert not Article.objects.exists()


def test_image_too_small_for_the_lead_saves_with_a_warning(client, editor, section):
    client.force_login(editor)
    response = client.post(
        ADD_URL, article_form(section, featured_image=uploaded_jpeg(size=(800, 450)), image_alt="A")
    )
    assert response.status_code == 302
    assert Article.objects.get().lead_image.width == 800
    warnings = [str(m) for m in get_messages(response.wsgi_request) if m.level_tag == "warning"]
    assert any("only 800 px wide" in text for text in warnings)


def test_wide_enough_image_saves_without_a_warning(client, editor, section):
    client.force_login(editor)
    response = client.post(
        ADD_URL,
        article_form(section, featured_image=uploaded_jpeg(size=(1600, 900)), image_alt="A"),
    )
    assert not [m for m in get_messages(response.wsgi_request) if m.level_tag == "warning"]


def test_author_photo_is_validated_through_the_admin(client, editor):
    client.force_login(editor)
    response = client.post(
        reverse("admin:articles_author_add"),
        {"name": "Rita", "slug": "rita", "bio": "", "photo": upload("rita.jpg", b"not a photo")},
    )
    assert response.status_code == 200
    assert "not an image" in " ".join(response.context["adminform"].form.errors["photo"])
    assert not Author.objects.exists()


def test_author_photo_advice_is_for_a_byline_portrait_not_a_lead_story(client, editor):
    client.force_login(editor)
    form = client.get(reverse("admin:articles_author_add")).context["adminform"].form
    advice = str(form.fields["photo"].help_text)
    assert "A portrait of the author" in advice
    assert "round, 96 px across" in advice
    assert "lead story" not in advice
    assert "Location and camera details are removed on upload." in advice


def test_author_photo_is_stored_upright_without_metadata(client, editor):
    client.force_login(editor)
    client.post(
        reverse("admin:articles_author_add"),
        {"name": "Rita", "slug": "rita", "bio": "", "photo": upload("rita.jpg", camera_jpeg())},
    )
    data, image = stored(Author.objects.get().photo.name)
    assert image.size == (800, 1200)
    assert not image.getexif() and b"PhoneMaker" not in data


# Changes and deletion --------------------------------------------------------------------------


def test_a_new_file_for_a_library_photo_gets_new_renditions_and_the_old_files_are_deleted(
    client, editor, django_capture_on_commit_callbacks
):
    photo = make_image(uploaded_jpeg())
    old = every_file(photo)
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            image_change_url(photo),
            image_form(file=uploaded_jpeg("second.jpg", size=(1600, 900)), title=photo.title),
        )
    assert response.status_code == 302
    photo.refresh_from_db()
    assert photo.renditions["source"] == photo.file.name
    assert photo.file.name not in old
    assert (photo.width, photo.height) == (1600, 900)
    assert all(default_storage.exists(name) for name in every_file(photo))
    assert not any(default_storage.exists(name) for name in old)


def test_an_upload_in_the_article_form_becomes_a_new_library_photo_and_the_old_one_stays(
    client, editor, section, django_capture_on_commit_callbacks
):
    client.force_login(editor)
    client.post(ADD_URL, article_form(section, featured_image=uploaded_jpeg(), image_alt="A"))
    article = Article.objects.get()
    first = article.lead_image
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            change_url(article),
            article_form(
                section,
                lead_image=first.pk,
                featured_image=uploaded_jpeg("second.jpg", size=(1600, 900)),
                image_alt="B",
            ),
        )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.lead_image != first
    assert (article.lead_image.width, article.lead_image.alt) == (1600, "B")
    assert LibraryImage.objects.count() == 2
    assert all(default_storage.exists(name) for name in images.stored_names(first))


def test_new_focal_point_gives_new_crops_and_removes_the_old_ones(
    django_capture_on_commit_callbacks,
):
    article = make_image(uploaded_jpeg(size=(800, 600)))
    old_crop = rendition_files(article, "16:9")[0]["name"]
    with django_capture_on_commit_callbacks(execute=True):
        article.focal_x, article.focal_y = 0.2, 0.9
        article.save()
    assert rendition_files(article, "16:9")[0]["name"] != old_crop
    assert not default_storage.exists(old_crop)
    assert default_storage.exists(article.file.name)


def test_clearing_the_lead_photo_keeps_it_in_the_library(
    client, editor, section, django_capture_on_commit_callbacks
):
    article = make_article(
        section=section,
        status=Article.Status.DRAFT,
        featured_image=uploaded_jpeg(),
        image_alt="A",
    )
    photo = article.lead_image
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(change_url(article), article_form(section, slug=article.slug))
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.lead_image is None
    photo.refresh_from_db()
    assert all(default_storage.exists(name) for name in every_file(photo))


def test_deleting_the_article_keeps_its_photo_in_the_library_out_of_public_reach(
    client, editor, section, django_capture_on_commit_callbacks
):
    article = make_article(section=section, featured_image=uploaded_jpeg(), image_alt="A")
    photo = article.lead_image
    public = every_file(photo)
    assert all(name.startswith("images/") for name in public)
    client.force_login(editor)
    delete_url = reverse("admin:articles_article_delete", args=[article.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(delete_url, {"post": "yes"}).status_code == 302
    photo.refresh_from_db()
    assert not any(default_storage.exists(name) for name in public)
    assert all(name.startswith("private/images/") for name in every_file(photo))
    assert all(default_storage.exists(name) for name in every_file(photo))


def test_a_rolled_back_change_keeps_the_files_the_old_row_uses(
    django_capture_on_commit_callbacks,
):
    article = make_image(uploaded_jpeg())
    old = every_file(article)
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        article.file = uploaded_jpeg("replacement.jpg")
        article.save()
        raise RuntimeError("the request failed after saving")
    assert all(default_storage.exists(name) for name in old)


def test_regenerate_command_rebuilds_lost_files_and_shows_progress_on_a_terminal():
    first = make_image(uploaded_jpeg())
    make_image(uploaded_jpeg())
    make_article()  # no photo: nothing to do
    lost = rendition_files(first, "16:9")[0]["name"]
    default_storage.delete(lost)
    terminal, log = Terminal(), io.StringIO()
    call_command("regenerate_renditions", stdout=terminal)
    assert f"\r[{'#' * 30}] 2/2\n" in terminal.getvalue()
    call_command("regenerate_renditions", stdout=log)  # a pipe, a log, cron's mail: no bar
    assert log.getvalue() == "Renditions made for 2 of 2 images.\n"
    first.refresh_from_db()
    assert all(default_storage.exists(name) for name in every_file(first))


def test_regenerate_command_leaves_the_articles_history_and_updated_time_alone():
    article = make_article(featured_image=uploaded_jpeg(), image_alt="A")
    versions, updated = article.history.count(), article.updated_at
    call_command("regenerate_renditions", stdout=io.StringIO())
    article.refresh_from_db()
    assert (article.history.count(), article.updated_at) == (versions, updated)


def test_regenerate_command_reports_an_image_whose_original_is_missing():
    photo = make_image(uploaded_jpeg())
    default_storage.delete(photo.file.name)
    stdout, stderr = io.StringIO(), io.StringIO()
    call_command("regenerate_renditions", stdout=stdout, stderr=stderr)
    assert f"No renditions for image {photo.pk}" in stderr.getvalue()
    assert "Renditions made for 0 of 1 images." in stdout.getvalue()


# Markup ----------------------------------------------------------------------------------------


def test_article_page_serves_the_image_through_srcset_with_size_and_alt(client, section):
    article = make_article(
        section=section, featured_image=uploaded_jpeg(size=(1000, 750)), image_alt="Ministers"
    )
    html = client.get(article.get_absolute_url()).content.decode()
    figure = html[html.index('<figure class="article__figure">') :]
    source, img = tags(figure, "source")[0], tags(figure, "img")[0]
    assert source["type"] == "image/webp"
    assert source["srcset"].count("w,") == 2 and "original-960w.webp 960w" in source["srcset"]
    assert source["sizes"] == img["sizes"] == "(max-width: 1000px) 100vw, 760px"
    assert ".jpg 320w" in img["srcset"] and ".jpg 960w" in img["srcset"]
    assert (img["width"], img["height"], img["alt"]) == ("960", "720", "Ministers")
    assert img["fetchpriority"] == "high" and "loading" not in img
    assert article.lead_image.file.url not in figure  # the original is never the page's image


def test_cards_use_the_16_9_crop_and_load_lazily(client, section):
    make_article(section=section, featured_image=uploaded_jpeg(size=(1000, 750)), image_alt="L")
    make_article(section=section, featured_image=uploaded_jpeg(size=(1000, 750)), image_alt="C")
    html = client.get("/").content.decode()
    imgs = [img for img in tags(html, "img") if img.get("alt") in {"L", "C"}]
    lead, lazy = imgs[0], imgs[1:]
    assert lead["fetchpriority"] == "high" and (lead["width"], lead["height"]) == ("960", "540")
    assert lazy and all(img["loading"] == "lazy" and "16x9" in img["srcset"] for img in lazy)


def test_article_page_offers_the_open_graph_image(client, section):
    article = make_article(section=section, featured_image=uploaded_jpeg(), image_alt="Ministers")
    html = client.get(article.get_absolute_url()).content.decode()
    meta = {m.get("property"): m.get("content") for m in tags(html, "meta")}
    assert meta["og:image"].startswith("http://testserver/media/")
    assert meta["og:image"].endswith(".og.jpg")
    assert (meta["og:image:width"], meta["og:image:height"]) == ("1200", "630")
    assert meta["og:image:alt"] == "Ministers"


def test_image_markup_needs_no_database_query(django_assert_num_queries):
    article = make_article(featured_image=uploaded_jpeg(), image_alt="A")
    article = Article.objects.for_listing().get(pk=article.pk)
    with django_assert_num_queries(0):
        html = render_to_string("includes/picture.html", {"article": article, "sizes": "50vw"})
    assert "srcset" in html


def test_article_without_renditions_still_shows_its_image(section):
    article = make_article(section=section, featured_image=uploaded_jpeg(), image_alt="Old")
    LibraryImage.objects.filter(pk=article.lead_image_id).update(renditions={})
    article = Article.objects.for_listing().get(pk=article.pk)
    html = render_to_string("includes/picture.html", {"article": article, "loading": "lazy"})
    img = tags(html, "img")[0]
    assert (img["src"], img["alt"], img["width"]) == (article.lead_image.file.url, "Old", "1200")


def test_phone_readers_download_a_fraction_of_the_upload():
    """What the README's Images paragraph measures: a 390 px wide phone at 3x picks 1280w."""
    photo = demo_photo()
    article = make_image(upload("street.jpg", photo))
    picked = next(
        f
        for f in rendition_files(article, "original")
        if f["format"] == "webp" and f["width"] == 1280
    )
    assert default_storage.size(picked["name"]) < len(photo) / 10


def demo_photo():
    """A stand-in for a camera photo: hard-edged shapes on a sky, textured at several scales."""
    size = (2400, 1600)
    scene = Image.new("RGB", size, (90, 130, 170))
    draw = ImageDraw.Draw(scene)
    for n in range(30):
        x, y, r = (n * 397) % size[0], 500 + (n * 211) % 1100, 80 + (n * 53) % 400
        draw.rectangle([x - r, y - r // 2, x + r, y + r // 2], fill=((n * 70) % 230, 90, 140))
    texture = Image.new("L", size, 128)
    for scale, weight in [(64, 0.5), (16, 0.35), (4, 0.25), (1, 0.15)]:
        octave = Image.effect_noise((size[0] // scale, size[1] // scale), 50).resize(size)
        texture = Image.blend(texture, octave, weight)
    return encode(Image.blend(scene, Image.merge("RGB", [texture] * 3), 0.35), "JPEG", quality=90)


def test_the_library_shows_a_rendition_with_the_focal_point_picker(client, editor):
    photo = make_image(uploaded_jpeg())
    client.force_login(editor)
    html = client.get(image_change_url(photo)).content.decode()
    picker = html[html.index("data-focal-picker") :]
    img = tags(picker, "img")[0]
    assert img["src"] == images.picture(photo, "original").src
    assert "admin_focal_point.js" in html
    assert 'name="focal_x"' in html and 'name="focal_y"' in html


# An upload survives a form error ---------------------------------------------------------------


def kept_token(response):
    [field] = [
        a for a in tags(response.content.decode(), "input") if a.get("name", "").endswith("_kept")
    ]
    return field["value"]


def test_a_photo_chosen_in_a_form_with_an_error_is_kept_and_saved_with_the_corrected_form(
    client, editor, section, django_capture_on_commit_callbacks
):
    client.force_login(editor)
    response = client.post(
        ADD_URL,
        article_form(section, featured_image=uploaded_jpeg("harbour.jpg", size=(1600, 900))),
    )
    assert response.status_code == 200
    assert "image_alt" in response.context["adminform"].form.errors
    assert not Article.objects.exists()
    html = response.content.decode()
    assert "Photo kept: harbour.jpg — it will be saved with the article." in html
    thumbnail = tags(html[html.index('class="kept-upload"') :], "img")[0]["src"]
    assert client.get(thumbnail).status_code == 200
    kept = kept_uploads.find(kept_token(response), editor)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            ADD_URL,
            article_form(
                section, image_alt="The harbour", featured_image_kept=kept_token(response)
            ),
        )
    assert response.status_code == 302
    article = Article.objects.get().lead_image
    assert (article.width, article.height, article.alt) == (1600, 900, "The harbour")
    assert images.is_current(article)
    assert all(default_storage.exists(name) for name in images.stored_names(article))
    assert not default_storage.exists(kept.name)
    assert not default_storage.exists(kept.thumbnail_name)


def test_the_error_page_shows_no_broken_current_image(client, editor, section):
    client.force_login(editor)
    response = client.post(ADD_URL, article_form(section, featured_image=uploaded_jpeg("x.jpg")))
    html = response.content.decode()
    assert "data-focal-picker" not in html
    assert 'src="/media/x.jpg"' not in html and "Currently" not in html
    for img in tags(html, "img"):
        if not img["src"].startswith("/static/"):
            assert client.get(img["src"]).status_code == 200, img["src"]


def test_a_kept_photo_survives_a_second_error_too(client, editor, section):
    client.force_login(editor)
    first = client.post(ADD_URL, article_form(section, featured_image=uploaded_jpeg()))
    second = client.post(ADD_URL, article_form(section, featured_image_kept=kept_token(first)))
    assert second.status_code == 200
    assert kept_token(second) == kept_token(first)
    third = client.post(
        ADD_URL, article_form(section, image_alt="Now", featured_image_kept=kept_token(second))
    )
    assert third.status_code == 302
    assert Article.objects.get().lead_image


def test_a_new_file_replaces_the_kept_one(client, editor, section):
    client.force_login(editor)
    first = client.post(ADD_URL, article_form(section, featured_image=uploaded_jpeg()))
    client.post(
        ADD_URL,
        article_form(
            section,
            image_alt="Wide",
            featured_image=uploaded_jpeg("wide.jpg", size=(2000, 1000)),
            featured_image_kept=kept_token(first),
        ),
    )
    assert Article.objects.get().lead_image.width == 2000


def test_another_users_kept_photo_cannot_be_claimed(
    client, editor, reporter, section, django_user_model
):
    client.force_login(editor)
    response = client.post(ADD_URL, article_form(section, featured_image=uploaded_jpeg()))
    token = kept_token(response)
    html = response.content.decode()
    thumbnail = tags(html[html.index('class="kept-upload"') :], "img")[0]["src"]

    client.force_login(reporter)
    assert client.get(thumbnail).status_code == 404
    response = client.post(
        ADD_URL, article_form(section, image_alt="Mine", featured_image_kept=token)
    )
    # Nothing is claimed: the form has no photo, so the alt text typed for one is refused.
    assert response.status_code == 200
    assert "no file was chosen" in str(response.context["adminform"].form.errors["image_alt"])
    assert not Article.objects.exists()
    client.logout()
    assert client.get(thumbnail).status_code == 404


def test_a_forged_or_expired_token_finds_nothing(editor, reporter):
    kept = kept_uploads.keep(uploaded_jpeg(), editor)
    assert kept_uploads.find(kept.token, editor) == kept
    assert kept_uploads.find(kept.token + "x", editor) is None
    assert kept_uploads.find(kept.token, reporter) is None
    later = timezone.now() + timedelta(days=2)
    with mock.patch("django.core.signing.time.time", return_value=later.timestamp()):
        assert kept_uploads.find(kept.token, editor) is None


def test_kept_photos_older_than_a_day_are_deleted_when_another_is_kept(editor):
    old = kept_uploads.keep(uploaded_jpeg(), editor)
    kept_uploads.keep(uploaded_jpeg(), editor, now=timezone.now() + timedelta(hours=23))
    assert default_storage.exists(old.name)
    kept_uploads.keep(uploaded_jpeg(), editor, now=timezone.now() + timedelta(hours=25))
    assert not default_storage.exists(old.name)
    assert not default_storage.exists(old.thumbnail_name)


def test_a_kept_photo_is_stored_without_its_metadata(editor):
    kept = kept_uploads.keep(upload("phone.jpg", camera_jpeg()), editor)
    _, image = stored(kept.name)
    assert not images.has_private_data(image)
    assert kept.name.startswith("private/")


def test_a_caption_typed_for_a_photo_chosen_from_the_library_is_not_thrown_away(
    client, reporter, section
):
    """The caption and credit fields go with a new upload: typed beside a library photo they
    were dropped without a word; the form now says where they are changed, text kept."""
    photo = make_image(uploaded_by=reporter, caption="Library caption")
    client.force_login(reporter)
    data = article_form(section, lead_image=photo.pk, image_caption="Mine", image_credit="Me")
    response = client.post(ADD_URL, data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "changed on its page in the library" in str(errors["image_caption"])
    assert 'value="Mine"' in response.content.decode()
    assert not Article.objects.exists()
    photo.refresh_from_db()
    assert photo.caption == "Library caption"
    data.update(image_caption="", image_credit="")
    assert client.post(ADD_URL, data).status_code == 302
    assert Article.objects.get().lead_image == photo
