"""Animated GIF, WebP, PNG and AVIF uploads: readers see them move, within bounds that keep
uploads safe."""

import io

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from PIL import Image, ImageCms, ImageDraw

from articles import images, kept_uploads
from articles.models import Author
from articles.models import Image as LibraryImage

from .conftest import make_article, make_image, uploaded_jpeg
from .test_images import IMAGE_ADD_URL, image_form, stored, upload

pytestmark = pytest.mark.django_db

COLOURS = [(220, 30, 30), (30, 160, 40), (30, 60, 220), (230, 200, 20)]
DURATIONS = [70, 120, 90, 150]


def frames(size=(400, 300), colours=COLOURS):
    """One plain colour per frame (every crop sees the change), a white mark that moves."""
    made = []
    for index, colour in enumerate(colours):
        frame = Image.new("RGB", size, colour)
        ImageDraw.Draw(frame).rectangle([10 + 20 * index, 10, 30 + 20 * index, 30], fill="white")
        made.append(frame)
    return made


def animated_gif(size=(400, 300), count=4, **options):
    pictures = frames(size, (COLOURS * (count // 4 + 1))[:count])
    options.setdefault("duration", (DURATIONS * (count // 4 + 1))[:count])
    options.setdefault("loop", 0)
    buffer = io.BytesIO()
    pictures[0].save(buffer, "GIF", save_all=True, append_images=pictures[1:], **options)
    return buffer.getvalue()


def animated_webp(size=(400, 300), **options):
    """A WebP with soft transparency, an EXIF camera name, XMP and a colour profile."""
    pictures = [frame.convert("RGBA") for frame in frames(size)]
    for picture in pictures:
        picture.putalpha(128)
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    buffer = io.BytesIO()
    pictures[0].save(
        buffer,
        "WEBP",
        save_all=True,
        append_images=pictures[1:],
        duration=DURATIONS,
        loop=0,
        lossless=True,
        exif=exif,
        xmp=b'<x:xmpmeta xmlns:x="adobe:ns:meta/"></x:xmpmeta>',
        icc_profile=ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes(),
        **options,
    )
    return buffer.getvalue()


def animated(fmt, size=(400, 300), **options):
    """The test frames as an animated PNG or AVIF (a sequence), playing twice."""
    buffer = io.BytesIO()
    pictures = frames(size)
    pictures[0].save(
        buffer, fmt, save_all=True, append_images=pictures[1:], duration=DURATIONS, loop=2
    )
    return buffer.getvalue()


def every_frame(image):
    """(colour at the middle, duration) of every frame of an opened animation."""
    seen = []
    for index in range(image.n_frames):
        image.seek(index)
        rgb = image.convert("RGB")
        seen.append((rgb.getpixel((rgb.width // 2, rgb.height // 2)), image.info["duration"]))
    return seen


def close_to(pixel, colour, tolerance=12):
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, colour, strict=False))


def upload_to_library(client, editor, name, data, content_type="image/gif"):
    client.force_login(editor)
    return client.post(IMAGE_ADD_URL, image_form(file=upload(name, data, content_type)))


def renditions(photo, fmt):
    return [
        item
        for crop in photo.renditions["crops"].values()
        for item in crop["files"]
        if item["format"] == fmt
    ]


@pytest.fixture
def media(settings, tmp_path):
    """A media folder of this test's own, to see what got stored."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


# Frames and timing -------------------------------------------------------------------------------


def test_an_animated_gif_uploaded_to_the_library_is_stored_with_every_frame_and_its_timing(
    client, editor
):
    response = upload_to_library(client, editor, "chart.gif", animated_gif())
    assert response.status_code == 302
    photo = LibraryImage.objects.get()
    assert photo.file.name.endswith(".gif")
    _, original = stored(photo.file.name)
    assert (original.format, original.n_frames, original.info["loop"]) == ("GIF", 4, 0)
    assert every_frame(original) == list(zip(COLOURS, DURATIONS, strict=True))
    assert (photo.width, photo.height) == (400, 300)


def test_every_webp_rendition_of_an_animation_moves_and_keeps_its_timing(client, editor):
    upload_to_library(client, editor, "chart.gif", animated_gif())
    photo = LibraryImage.objects.get()
    webps = renditions(photo, "webp")
    assert {(item["width"], item["height"]) for item in webps} == {(320, 180), (320, 240)}
    for item in webps:
        _, image = stored(item["name"])
        assert (image.format, image.n_frames, image.info["loop"]) == ("WEBP", 4, 0)
        shown = every_frame(image)
        assert [duration for _, duration in shown] == DURATIONS
        assert all(
            close_to(pixel, colour) for (pixel, _), colour in zip(shown, COLOURS, strict=True)
        )


def test_the_fallback_and_the_open_graph_image_of_an_animation_are_its_first_frame(client, editor):
    upload_to_library(client, editor, "chart.gif", animated_gif(size=(1300, 700)))
    photo = LibraryImage.objects.get()
    fallbacks = renditions(photo, "jpeg")
    assert fallbacks
    for item in [*fallbacks, photo.renditions["og"]]:
        _, image = stored(item["name"])
        assert image.format == "JPEG" and not getattr(image, "is_animated", False)
        assert close_to(image.getpixel((image.width // 2, image.height // 2)), COLOURS[0])
    _, og = stored(photo.renditions["og"]["name"])
    assert og.size == (1200, 630)


def test_an_animation_gets_sizes_up_to_960_px_and_a_still_of_its_size_up_to_1280(client, editor):
    animation = make_image(upload("wide.gif", animated_gif(size=(1300, 731), count=2)))
    still = make_image(uploaded_jpeg(size=(1300, 731)))
    for photo, widths in ((animation, [320, 640, 960]), (still, [320, 640, 960, 1280])):
        for crop in ("16:9", "original"):
            files = photo.renditions["crops"][crop]["files"]
            assert sorted({item["width"] for item in files}) == widths
    assert "animated" not in still.renditions


def test_a_gif_without_a_loop_count_still_plays_once(client, editor):
    data = animated_gif(loop=None)
    assert "loop" not in Image.open(io.BytesIO(data)).info
    photo = make_image(upload("once.gif", data))
    _, original = stored(photo.file.name)
    assert "loop" not in original.info
    for item in renditions(photo, "webp"):
        assert stored(item["name"])[1].info["loop"] == 1  # WebP counts plays, not repeats


def test_an_animated_webp_keeps_its_frames_and_its_soft_transparency(client, editor):
    response = upload_to_library(client, editor, "fade.webp", animated_webp(), "image/webp")
    assert response.status_code == 302
    photo = LibraryImage.objects.get()
    _, original = stored(photo.file.name)
    assert (original.format, original.n_frames) == ("WEBP", 4)
    assert [duration for _, duration in every_frame(original)] == DURATIONS
    for item in renditions(photo, "webp"):
        _, image = stored(item["name"])
        assert image.n_frames == 4
        assert 100 < image.convert("RGBA").getpixel((image.width // 2, image.height // 2))[3] < 160
    assert {item["format"] for item in photo.renditions["crops"]["16:9"]["files"]} == {
        "webp",
        "png",
    }


@pytest.mark.parametrize(
    "name, fmt, content_type, stored_as, plays",
    [
        ("chart.png", "PNG", "image/png", "PNG", 2),
        # Pillow reads no play count from an AVIF sequence: for ever.
        ("chart.avif", "AVIF", "image/avif", "WEBP", 0),
    ],
    ids=["animated PNG", "AVIF sequence"],
)
def test_an_animated_png_or_avif_moves_as_a_gif_does(
    client, editor, name, fmt, content_type, stored_as, plays
):
    """They were kept as their first frame: a chart that should move stood still."""
    response = upload_to_library(client, editor, name, animated(fmt), content_type)
    assert response.status_code == 302
    photo = LibraryImage.objects.get()
    _, original = stored(photo.file.name)
    assert (original.format, original.n_frames) == (stored_as, 4)
    assert [duration for _, duration in every_frame(original)] == DURATIONS
    assert photo.renditions.get("animated") is True
    for item in renditions(photo, "webp"):
        _, image = stored(item["name"])
        assert (image.n_frames, image.info["loop"]) == (4, plays)
        shown = every_frame(image)
        assert [duration for _, duration in shown] == DURATIONS
        assert all(
            close_to(pixel, colour, 24) for (pixel, _), colour in zip(shown, COLOURS, strict=True)
        )
    for item in renditions(photo, "jpeg"):
        assert not getattr(stored(item["name"])[1], "is_animated", False)


def test_a_transparent_gif_leaves_no_trail_of_its_earlier_frames():
    pictures = []
    for index in range(4):
        picture = Image.new("RGBA", (100, 60), (0, 0, 0, 0))
        ImageDraw.Draw(picture).rectangle([index * 20, 10, index * 20 + 15, 40], fill="red")
        pictures.append(picture)
    buffer = io.BytesIO()
    pictures[0].save(
        buffer, "GIF", save_all=True, append_images=pictures[1:], duration=100, disposal=2
    )
    photo = make_image(upload("dot.gif", buffer.getvalue()))
    _, original = stored(photo.file.name)
    for index in range(4):
        original.seek(index)
        shown = original.convert("RGBA")
        assert shown.getpixel((index * 20 + 5, 20))[3] == 255
        assert [shown.getpixel((x * 20 + 5, 20))[3] for x in range(index)] == [0] * index


# Privacy -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, data",
    [
        ("notes.gif", animated_gif(comment=b"shot at home, PhoneMaker")),
        ("phone.webp", animated_webp()),
    ],
)
def test_no_stored_file_of_an_animation_keeps_its_metadata(client, editor, name, data):
    assert b"PhoneMaker" in data
    response = upload_to_library(client, editor, name, data, f"image/{name[-4:].strip('.')}")
    assert response.status_code == 302
    photo = LibraryImage.objects.get()
    for stored_name in images.stored_names(photo):
        content, image = stored(stored_name)
        assert b"PhoneMaker" not in content and b"adobe:ns:meta" not in content, stored_name
        assert not images.has_private_data(image), stored_name


# Refusals ----------------------------------------------------------------------------------------


def test_an_animation_with_too_many_frames_is_refused_and_nothing_is_stored(client, editor, media):
    response = upload_to_library(client, editor, "long.gif", animated_gif((40, 30), count=301))
    assert response.status_code == 200
    errors = " ".join(response.context["adminform"].form.errors["file"])
    assert "The animation is too large to process safely: 301 frames of 40×30 px" in errors
    assert "the limit is 300 frames" in errors
    assert not LibraryImage.objects.exists()
    assert not [path for path in media.rglob("*") if path.is_file()]


def test_an_animation_with_too_many_pixels_in_all_is_refused_though_each_frame_is_small(
    client, editor, media, monkeypatch
):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 2_000_000)
    data = animated_gif((800, 600), count=8)  # 0.48 megapixels a frame, 3.8 in all
    response = upload_to_library(client, editor, "big.gif", data)
    assert response.status_code == 200
    errors = " ".join(response.context["adminform"].form.errors["file"])
    assert "8 frames of 800×600 px" in errors and "2 megapixels over all frames" in errors
    assert not LibraryImage.objects.exists()
    assert not [path for path in media.rglob("*") if path.is_file()]


def test_an_animation_cut_off_in_a_later_frame_is_refused_as_incomplete(client, editor):
    data = animated_gif(count=8)
    response = upload_to_library(client, editor, "cut.gif", data[: len(data) * 3 // 4])
    assert response.status_code == 200
    errors = " ".join(response.context["adminform"].form.errors["file"])
    assert "damaged or incomplete" in errors
    assert not LibraryImage.objects.exists()


# Everything else an upload goes through ----------------------------------------------------------


def test_a_published_animation_moves_and_its_renditions_stay_current(
    django_capture_on_commit_callbacks,
):
    photo = make_image(upload("chart.gif", animated_gif()))
    with django_capture_on_commit_callbacks(execute=True):
        make_article(lead_image=photo)
    photo.refresh_from_db()
    assert not photo.file.name.startswith("private/")
    assert images.is_current(photo)  # the next save makes nothing again
    _, image = stored(renditions(photo, "webp")[0]["name"])
    assert image.n_frames == 4


def test_regenerating_an_animation_keeps_it_and_keeps_its_stored_original(
    django_capture_on_commit_callbacks,
):
    photo = make_image(upload("chart.gif", animated_gif()))
    original = photo.file.name
    with django_capture_on_commit_callbacks(execute=True):
        images.regenerate(photo)
    assert photo.file.name == original and default_storage.exists(original)
    assert photo.renditions["animated"] is True
    for item in renditions(photo, "webp"):
        assert stored(item["name"])[1].n_frames == 4


def test_an_animation_kept_across_a_form_error_is_still_animated(editor):
    kept = kept_uploads.keep(upload("chart.gif", animated_gif(), "image/gif"), editor)
    _, image = stored(kept.name)
    assert (image.format, image.n_frames) == ("GIF", 4)
    _, thumbnail = stored(kept.thumbnail_name)
    assert thumbnail.format == "JPEG"


def test_an_animated_author_photo_is_stored_as_its_first_frame(client, editor):
    client.force_login(editor)
    client.post(
        reverse("admin:articles_author_add"),
        {"name": "Rita", "slug": "rita", "bio": "", "photo": upload("rita.gif", animated_gif())},
    )
    _, image = stored(Author.objects.get().photo.name)
    assert image.format == "PNG" and not getattr(image, "is_animated", False)
    assert image.convert("RGB").getpixel((200, 150)) == COLOURS[0]
