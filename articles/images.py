"""Library photos: safe uploads, clean originals and the renditions the templates serve.

Everything image-related is decided here; nothing is resized at request time.

- ``ImageUploadField`` (the admin forms use it) refuses what is not a whole image in an
  accepted format, too many pixels (Pillow's decompression-bomb limit) or too many bytes
  (``NEWSROOM_MAX_UPLOAD_MB``), each with a message an editor can act on.
- ``update_renditions()`` runs on every save of a library ``Image`` (``articles/photos.py``),
  from ``articles/signals.py`` (``pre_save``) and nowhere else, so the library, the article
  form's upload, the demo content, importers and the shell all get the same result: one
  rendition path for every photo, wherever it appears.
  An upload is re-encoded before it is stored (EXIF orientation applied, then every
  byte of metadata dropped: location, camera, XMP, colour profile after conversion to sRGB),
  so the raw file with its GPS position never reaches storage. Then it writes the renditions
  next to the original through the field's storage (local disk or S3 alike): each crop in
  ``CROPS`` at each of ``WIDTHS`` (never upscaled) as WebP plus a JPEG fallback (PNG when
  the image has transparency), and a 1200x630 Open Graph JPEG. Their names and sizes go into
  ``Image.renditions`` in the same write, so a page builds its ``srcset`` without a query.
  Rendition names carry a key made from the original's name, the focal point and ``SPEC``,
  so a changed image, focal point or size list gets new addresses and caches never serve a
  stale crop. Files the image no longer uses are deleted once the save has committed.
- An animated GIF, WebP or PNG, or an AVIF sequence (``articles/animations.py``), is stored
  animated (in its own format; an AVIF as a WebP), and its WebP renditions animate (at most
  960 px wide); the fallback and the Open Graph image are its first frame. One whose frames
  hold more pixels in all than a still image may have, or more than 300 frames, is refused
  before a frame is decoded.
- ``picture()`` and ``social_image()`` read that bookkeeping for the templates
  (``templates/includes/picture.html`` is the one place that writes image markup).
- Names and places (unguessable names; the private prefix for photos no published article
  uses; moves when that changes) are decided in ``articles/image_files.py``; ``file_url()``
  turns a stored name into its address, the library's private view's for a private one.

AVIF: measured with Pillow's encoder on a photo-like image at equal PSNR, AVIF saved about
12 % over WebP (nothing on flat illustrations) while taking 2-3 times as long to encode and
adding a third file per size. WebP already sends under half the JPEG's bytes, so the
renditions are WebP plus a fallback; AVIF is accepted as an upload format.
"""

import contextlib
import hashlib
import io
import logging
import os
import posixpath
import warnings
from contextvars import ContextVar
from dataclasses import dataclass
from functools import partial

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError, features

from newsroom.media import PRIVATE_PREFIX

from . import animations
from .animations import Animation

logger = logging.getLogger(__name__)

WIDTHS = (320, 640, 960, 1280, 1920)
# Crop name -> width/height ratio; None keeps the image's own shape.
CROPS = {"16:9": 16 / 9, "original": None}
OG_SIZE = (1200, 630)
# The home page's lead slot is 760 CSS px wide: 1200 px keeps it sharp on most screens.
LEAD_MIN_WIDTH = 1200

# Encoder settings per format. WebP method 4: Pillow's default (0) is faster but up to 45 %
# bigger on flat illustrations; 6 saves a few more per cent for twice the time.
ENCODING = {
    "webp": {"quality": 80, "method": 4},
    "jpeg": {"quality": 82, "optimize": True, "progressive": True},
    "png": {"compress_level": 6},
}
ORIGINAL_JPEG = {"quality": 90, "optimize": True}
PILLOW_FORMATS = {"webp": "WEBP", "jpeg": "JPEG", "png": "PNG", "gif": "GIF"}
MIME_TYPES = {"webp": "image/webp", "jpeg": "image/jpeg", "png": "image/png", "gif": "image/gif"}
EXTENSIONS = {"webp": "webp", "jpeg": "jpg", "png": "png", "gif": "gif"}
# Part of every rendition's name: change it (or the settings above) and every image gets
# new files on its next save or with `manage.py regenerate_renditions`.
SPEC = f"1|{WIDTHS}|{list(CROPS.items())}|{OG_SIZE}|{ENCODING}"

# Animations (articles/animations.py): the WebP renditions animate, every frame cropped and
# resized as a still's; the JPEG or PNG fallback and the Open Graph image are the first frame.
# Every frame costs about what a still does, so the sizes stop at 960 px: a 2 MB, 60-frame
# 800x450 GIF takes about 1.8 s of CPU in all; a 1920x1080, 43-frame one 4.6 s, and 10.6 s
# with 1280 and 1920 px sizes too.
ANIMATED_WIDTHS = tuple(width for width in WIDTHS if width <= 960)
ANIMATED_SPEC = f"{SPEC}|animated|{ANIMATED_WIDTHS}|{animations.ORIGINAL_FORMATS}"

# Pillow's names. MPO is the multi-picture JPEG many cameras write.
ACCEPTED_FORMATS = {"JPEG", "MPO", "PNG", "WEBP", "GIF"} | (
    {"AVIF"} if features.check("avif") else set()
)
ACCEPTED_LABEL = (
    "JPEG, PNG, WebP, AVIF or GIF" if features.check("avif") else "JPEG, PNG, WebP or GIF"
)
METADATA_KEYS = {"exif", "xmp", "XML:com.adobe.xmp", "icc_profile", "comment", "photoshop"}
SRGB = ImageCms.createProfile("sRGB")


def max_upload_bytes():
    return settings.NEWSROOM_MAX_UPLOAD_MB * 1024 * 1024


def max_pixels():
    return Image.MAX_IMAGE_PIXELS or 89_478_485


# Upload validation ---------------------------------------------------------------------------


# Files people take for pictures that Pillow does not read, by their first bytes: said by
# name, with what to do, rather than "not an image".
OTHER_KINDS = (
    (
        lambda head: head[4:8] == b"ftyp" and head[8:12] in (b"heic", b"heix", b"hevc", b"mif1"),
        _(
            "This is a HEIC photo (an iPhone's own format), which browsers cannot show. Export "
            "it as JPEG (on the iPhone: Settings, Camera, Formats, Most Compatible) and upload "
            "that."
        ),
    ),
    (
        lambda head: head.startswith((b"\xff\x0a", b"\x00\x00\x00\x0cJXL ")),
        _("This is a JPEG XL file, which most browsers cannot show. Export it as JPEG."),
    ),
    (
        lambda head: head.startswith(b"%PDF"),
        _("This is a PDF, not a picture. Export the page you want as a JPEG or PNG."),
    ),
    (
        lambda head: head.startswith(b"8BPS"),
        _("This is a Photoshop file. Export it as a JPEG or PNG and upload that."),
    ),
)


def unreadable(file):
    """The ValidationError for a file Pillow cannot read: what it is when it can be told."""
    file.seek(0)
    head = file.read(16)
    file.seek(0)
    for matches, message in OTHER_KINDS:
        if matches(head):
            return ValidationError(message, code="not_an_image")
    return ValidationError(
        _("This file is not an image. Upload a %(formats)s file."),
        code="not_an_image",
        params={"formats": ACCEPTED_LABEL},
    )


def open_image(file, *, upload=True):
    """Decode ``file`` completely and return the image, or raise a ValidationError saying why not.

    Decoding everything (``load()``, not just ``verify()``) is what finds a truncated file; the
    pixel limit is checked from the header first, so the decode is bounded. Pillow's
    decompression-bomb warning counts as a refusal, not only its error. An animation's frame
    count is checked before any frame is decoded, and then every frame is.
    """
    if upload and file.size is not None and file.size > max_upload_bytes():
        raise ValidationError(
            _("The file is %(size).1f MB; the limit is %(limit)d MB. Export a smaller JPEG."),
            code="too_large",
            params={"size": file.size / 1024 / 1024, "limit": settings.NEWSROOM_MAX_UPLOAD_MB},
        )
    too_many_pixels = ValidationError(
        _(
            "The image has too many pixels to process safely (the limit is %(limit)d "
            "megapixels). Export it at a smaller size."
        ),
        code="too_many_pixels",
        params={"limit": max_pixels() // 1_000_000},
    )
    file.seek(0)
    # The explicit pixel check below refuses the same images; the warning filter makes sure
    # Pillow never decodes one before we get to look.
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(file)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise too_many_pixels from None
        except UnidentifiedImageError:
            raise unreadable(file) from None
        except Exception as exc:  # Pillow raises many types on malformed headers
            raise ValidationError(
                _("The image is damaged and cannot be read. Export it again and upload it."),
                code="corrupt",
            ) from exc
        if image.format not in ACCEPTED_FORMATS:
            raise ValidationError(
                _("%(format)s images are not accepted. Upload a %(formats)s file."),
                code="format",
                params={"format": image.format, "formats": ACCEPTED_LABEL},
            )
        if image.width * image.height > max_pixels():
            raise too_many_pixels
        animated = animations.is_animated(image)
        if animated:
            check_animation_size(image)
        try:
            image.load()
            if animated:
                for index in range(1, image.n_frames):  # at most MAX_FRAMES, checked above
                    image.seek(index)
                    image.load()
                image.seek(0)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise too_many_pixels from None
        except Exception as exc:
            raise ValidationError(
                _(
                    "The image is damaged or incomplete (perhaps the upload was cut off). "
                    "Export it again and upload it."
                ),
                code="truncated",
            ) from exc
    return image


def max_animation_pixels():
    """The pixels of all an animation's frames together: as many as one still image may have.

    Measured at that limit (1920x1080, 43 frames), an animation takes about 4.6 s of CPU and
    350 MB, a still image of as many pixels 3.9 s and 1.2 GB; twice the limit took 9.2 s and
    700 MB.
    """
    return max_pixels()


def check_animation_size(image):
    """Refuse an animation whose frames would take too long to process: more than
    ``animations.MAX_FRAMES`` of them, or more pixels in all than max_animation_pixels()."""
    frames = image.n_frames  # counted from the frame headers: nothing decoded yet
    pixels = frames * image.width * image.height
    if frames > animations.MAX_FRAMES or pixels > max_animation_pixels():
        raise ValidationError(
            _(
                "The animation is too large to process safely: %(frames)d frames of "
                "%(width)d×%(height)d px (the limit is %(max_frames)d frames and %(limit)d "
                "megapixels over all frames). Export it smaller, shorter or with fewer frames "
                "per second."
            ),
            code="animation_too_large",
            params={
                "frames": frames,
                "width": image.width,
                "height": image.height,
                "max_frames": animations.MAX_FRAMES,
                "limit": max_animation_pixels() // 1_000_000,
            },
        )


class ImageUploadField(forms.ImageField):
    """An image upload that is refused, with a clear message, unless we can safely process it."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        if not self.help_text:
            self.help_text = self.default_help_text()

    def default_help_text(self):
        """What the form says under the field: a photo for articles (a lead, a library photo)."""
        return _(
            "%(formats)s, up to %(limit)d MB; at least %(width)s px wide to look sharp as "
            "the lead story. Location and camera details are removed on upload."
        ) % {
            "formats": ACCEPTED_LABEL,
            "limit": settings.NEWSROOM_MAX_UPLOAD_MB,
            "width": f"{LEAD_MIN_WIDTH:,}",
        }

    def to_python(self, data):
        upload = forms.FileField.to_python(self, data)
        if upload is None:
            return None
        image = open_image(upload)
        upload.content_type = Image.MIME.get(image.format)
        upload.seek(0)
        return upload


class PortraitUploadField(ImageUploadField):
    """An author's photo: the same checks, with advice for a byline portrait, which the author
    page shows round and 96 px across (templates/articles/author_detail.html), never as a
    lead story."""

    def default_help_text(self):
        return _(
            "%(formats)s, up to %(limit)d MB. A portrait of the author, head and shoulders, "
            "face in the middle: the author page shows it round, 96 px across, so a square "
            "photo at least 200 px wide looks sharp. An animation keeps its first frame. "
            "Location and camera details are removed on upload."
        ) % {"formats": ACCEPTED_LABEL, "limit": settings.NEWSROOM_MAX_UPLOAD_MB}


# Cleaning ------------------------------------------------------------------------------------


def has_transparency(image):
    return image.mode in ("RGBA", "LA") and image.getchannel("A").getextrema()[0] < 255


def prepare(image):
    """Pixels only: upright, in sRGB, RGB (or RGBA when it is transparent), no metadata at all."""
    source_format = image.format
    icc = image.info.get("icc_profile")
    image = ImageOps.exif_transpose(image)
    if image.mode in ("I", "I;16", "I;16B", "I;16L"):  # 16-bit greyscale PNG: scale, not clip
        image = image.convert("I").point(lambda value: value / 256).convert("L")
    if image.mode in ("P", "PA", "1") or "transparency" in image.info:
        image = image.convert("RGBA")
    alpha = image.getchannel("A") if image.mode in ("RGBA", "LA") else None
    if alpha is not None and alpha.getextrema()[0] == 255:
        alpha = None
    colour = image.convert({"RGBA": "RGB", "LA": "L"}.get(image.mode, image.mode))
    if colour.mode not in ("RGB", "L", "CMYK"):
        colour = colour.convert("RGB")
    if icc:
        try:
            colour = ImageCms.profileToProfile(
                colour, ImageCms.ImageCmsProfile(io.BytesIO(icc)), SRGB, outputMode="RGB"
            )
        except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
            colour = colour.convert("RGB")
    clean = colour.convert("RGB")
    if alpha is not None:
        clean.putalpha(alpha)
    clean.info = {}
    clean.format = source_format
    return clean


def prepare_upload(image):
    """What is stored and rendered of an opened upload: prepare()'s still, or for an
    animated GIF or WebP an ``Animation`` of every frame prepared so, with its timing."""
    if animations.is_animated(image):
        return animations.read(image, prepare)
    return prepare(image)


def first_frame(image):
    """A prepared image as a still: an animation's first frame, or the image itself."""
    return image.still if isinstance(image, Animation) else image


def has_private_data(image):
    """True when a decoded (not yet prepared) image carries metadata or needs turning upright."""
    return bool(METADATA_KEYS & set(image.info)) or len(image.getexif()) > 0


def encode(image, fmt, **options):
    buffer = io.BytesIO()
    image.save(buffer, PILLOW_FORMATS[fmt], **(options or ENCODING[fmt]))
    return buffer.getvalue()


def encode_original(image):
    """The stored original: PNG for transparency and lossless sources, else a high-quality JPEG;
    an animation in its own format (animations.ORIGINAL_FORMATS says why)."""
    if isinstance(image, Animation):
        fmt = animations.ORIGINAL_FORMATS[image.format]
        options = {"gif": {}, "png": ENCODING["png"], "webp": {**ENCODING["webp"], "quality": 90}}[
            fmt
        ]
        return fmt, animations.encode(image.frames, fmt, image.durations, image.plays, **options)
    if has_transparency(image) or image.format in ("PNG", "GIF"):
        return "png", encode(image, "png")
    return "jpeg", encode(image.convert("RGB"), "jpeg", **ORIGINAL_JPEG)


def _store_clean_original(fieldfile, image):
    """Store the prepared image in place of the upload (or the raw stored file); return its name."""
    fmt, data = encode_original(image)
    stem = posixpath.splitext(posixpath.basename(fieldfile.name))[0]
    name = f"{stem}.{EXTENSIONS[fmt]}"
    if fieldfile._committed:
        # A file stored before it was cleaned keeps its folder; the raw one is deleted later.
        folder = posixpath.dirname(fieldfile.name)
        fieldfile.close()
        fieldfile.file = None  # forget the raw file's handle: the next read opens the clean one
        fieldfile.name = fieldfile.storage.save(posixpath.join(folder, name), ContentFile(data))
    else:
        fieldfile.save(name, ContentFile(data), save=False)
    return fieldfile.name


def clean_upload(fieldfile, *, animated=True):
    """Store a new (not yet stored) upload as a clean re-encode; return the prepared image.

    Returns None when there is nothing new to store. ``animated=False`` keeps only the first
    frame of an animation (an author's profile photo is shown as stored, 96 px wide).
    """
    if not fieldfile or fieldfile._committed:
        return None
    opened = open_image(fieldfile.file)
    image = prepare_upload(opened) if animated else prepare(opened)
    _store_clean_original(fieldfile, image)
    return image


# Renditions ----------------------------------------------------------------------------------


def focal_point(image):
    x = 0.5 if image.focal_x is None else min(max(image.focal_x, 0.0), 1.0)
    y = 0.5 if image.focal_y is None else min(max(image.focal_y, 0.0), 1.0)
    return x, y


def rendition_key(source, focal, *, animated=False):
    spec = ANIMATED_SPEC if animated else SPEC
    text = f"{source}|{focal[0]:.3f},{focal[1]:.3f}|{spec}"
    return hashlib.sha256(text.encode()).hexdigest()[:10]


def crop_box(size, ratio, focal):
    """The largest box of ``ratio`` inside ``size``, centred on the focal point where it fits."""
    width, height = size
    if ratio is None:
        return (0, 0, width, height)
    if width / height > ratio:
        crop = min(width, round(height * ratio))
        left = min(max(round(focal[0] * width - crop / 2), 0), width - crop)
        return (left, 0, left + crop, height)
    crop = min(height, round(width / ratio))
    top = min(max(round(focal[1] * height - crop / 2), 0), height - crop)
    return (0, top, width, top + crop)


def _save(storage, name, data):
    # Regenerating with the same settings gives the same name: replace the file in place
    # (a storage that overwrites, as on S3, needs no request to look first).
    if not getattr(storage, "file_overwrite", False) and storage.exists(name):
        storage.delete(name)
    return storage.save(name, ContentFile(data))


def _render_crop(image, box, ratio, base, storage):
    animated = isinstance(image, Animation)
    frames = image.frames if animated else [image]
    box_width, box_height = box[2] - box[0], box[3] - box[1]
    shape = ratio or box_width / box_height
    sizes = ANIMATED_WIDTHS if animated else WIDTHS
    widths = [width for width in sizes if width <= box_width] or [box_width]
    fallback = "png" if has_transparency(frames[0]) else "jpeg"
    files = []
    # Largest first, each size made from the one before: half the time of resizing the
    # original every time, and no visible difference (over 50 dB PSNR between the two).
    resized, source_box = frames, box
    for width in reversed(widths):
        height = max(1, round(width / shape))
        resized = [
            frame.resize(
                (width, height), Image.Resampling.LANCZOS, box=source_box, reducing_gap=2.0
            )
            for frame in resized
        ]
        source_box = None
        for fmt in (fallback, "webp"):
            if animated and fmt == "webp":
                data = animations.encode(
                    resized, fmt, image.durations, image.plays, **ENCODING[fmt]
                )
            elif fmt == "jpeg":  # an animation's frames may all be RGBA when a later one is
                data = encode(resized[0].convert("RGB"), fmt)
            else:
                data = encode(resized[0], fmt)
            name = _save(storage, f"{base}-{width}w.{EXTENSIONS[fmt]}", data)
            files.insert(0, {"name": name, "format": fmt, "width": width, "height": height})
    largest = files[-1]
    return {"width": largest["width"], "height": largest["height"], "files": files}


def make_renditions(image, source, focal, storage):
    """Write every rendition of a prepared image; return the bookkeeping for Image.renditions."""
    animated = isinstance(image, Animation)
    key = rendition_key(source, focal, animated=animated)
    stem = posixpath.splitext(source)[0]
    crops, done = {}, {}
    for crop, ratio in CROPS.items():
        box = crop_box(image.size, ratio, focal)
        if box not in done:  # a 16:9 upload needs its 16:9 files only once
            label = crop.replace(":", "x")
            done[box] = _render_crop(image, box, ratio, f"{stem}.{key}.{label}", storage)
        crops[crop] = done[box]

    ratio = OG_SIZE[0] / OG_SIZE[1]
    box = crop_box(image.size, ratio, focal)
    width = min(OG_SIZE[0], box[2] - box[0])
    height = round(width / ratio)
    og = first_frame(image).resize(
        (width, height), Image.Resampling.LANCZOS, box=box, reducing_gap=2.0
    )
    if og.mode == "RGBA":
        flat = Image.new("RGB", og.size, (255, 255, 255))
        flat.paste(og, mask=og.getchannel("A"))
        og = flat
    data = encode(og, "jpeg")
    name = _save(storage, f"{stem}.{key}.og.jpg", data)
    # Its size too: feeds give it as the enclosure's length without asking the storage.
    og = {"name": name, "format": "jpeg", "width": width, "height": height, "bytes": len(data)}
    done = {"source": source, "key": key, "crops": crops, "og": og}
    if animated:
        done["animated"] = True
    return done


def file_names(renditions):
    """Every stored file the bookkeeping refers to, the original included."""
    if not renditions:
        return set()
    names = {renditions.get("source")}
    for crop in renditions.get("crops", {}).values():
        names.update(item["name"] for item in crop["files"])
    if renditions.get("og"):
        names.add(renditions["og"]["name"])
    names.discard(None)
    return names


def stored_names(image):
    """The names of every file the library image uses now: its original and its renditions."""
    names = file_names(image.renditions)
    if image.file:
        names.add(image.file.name)
    return names


def is_current(image):
    done = image.renditions or {}
    source = image.file.name
    key = rendition_key(source, focal_point(image), animated=done.get("animated", False))
    return done.get("source") == source and done.get("key") == key and image.file._committed


class UnreadableImage(Exception):
    """A stored original that cannot be opened or decoded (missing, damaged, storage down)."""


def read_original(fieldfile):
    try:
        # Read whole: an animation's frames are decoded later, after the file is closed.
        with fieldfile.open("rb"):
            data = fieldfile.read()
        return open_image(io.BytesIO(data), upload=False)
    except (OSError, ValidationError) as exc:
        raise UnreadableImage(f"{fieldfile.name}: {exc}") from exc


def update_renditions(image, *, force=False):
    """Bring a library image's stored file and renditions in line with its file field.

    Called once per save, before the row is written (see articles/signals.py), so the
    bookkeeping is saved with it; ``force`` (regenerate()) remakes renditions that look
    current. Returns the names of files the image no longer uses, to delete once the save
    has committed. Raises UnreadableImage when a stored original cannot be read.
    """
    field = image.file
    if field and not force and is_current(image):
        return []
    if not field and not image.renditions:
        return []
    stored = {}
    if image.pk:
        stored = (
            type(image)
            ._default_manager.filter(pk=image.pk)
            .values_list("renditions", flat=True)
            .first()
        ) or {}
    if not field:
        image.renditions = {}
        return sorted(file_names(stored))

    stale = set()
    pixels = clean_upload(field)
    if pixels is None:
        raw = read_original(field)
        pixels = prepare_upload(raw)
        # What clean_upload() stores: a JPEG or PNG, or an animation in its own format.
        stored_clean = raw.format in ("JPEG", "PNG") or isinstance(pixels, Animation)
        if has_private_data(raw) or not stored_clean:
            stale.add(field.name)  # stored before uploads were cleaned, or by another path
            _store_clean_original(field, pixels)
    image.width, image.height = pixels.size
    image.renditions = make_renditions(pixels, field.name, focal_point(image), field.storage)
    return sorted((file_names(stored) | stale) - file_names(image.renditions))


def regenerate(image):
    """Make a library image's renditions again (after the sizes change, or files were lost).

    The save that follows finds them current and only stores the bookkeeping.
    """
    unused = update_renditions(image, force=True)
    image.save(update_fields=["file", "width", "height", "renditions"])
    transaction.on_commit(partial(delete_files, image.file.storage, unused))


def delete_files(storage, names):
    for name in names:
        try:
            storage.delete(name)
        except OSError:
            logger.warning("Could not delete image file %s", name, exc_info=True)
    # Every upload has a folder of its own (articles/image_files.py): on a local disk, drop the
    # ones left empty. Object stores have no folders (path() is not implemented there).
    # Not a local disk, not empty, or gone already: nothing to do.
    for folder in sorted({posixpath.dirname(name) for name in names} - {""}):
        with contextlib.suppress(NotImplementedError, OSError):
            os.rmdir(storage.path(folder))


# Reading the bookkeeping (templates) ---------------------------------------------------------


@dataclass(frozen=True)
class Source:
    type: str
    srcset: str


@dataclass(frozen=True)
class Picture:
    src: str
    srcset: str
    width: int
    height: int
    sources: tuple


# The view that serves a private file, and what its address carries besides the photo:
# the staff's view by default; an embargoed preview's own while that page renders.
_private_view = ContextVar("private_view", default=("articles:private_image", {}))


@contextlib.contextmanager
def private_files_through(view, **kwargs):
    """Private files' addresses go to ``view`` (with ``kwargs``) while this block runs: an
    embargoed preview's outsider has no login, and gets the photos through their link."""
    token = _private_view.set((view, kwargs))
    try:
        yield
    finally:
        _private_view.reset(token)


def file_url(image, name):
    """The address of one of a library image's stored files, from its name alone (no query,
    no storage call): the storage's own for a public name; for a private one (an image no
    published article uses, see articles/image_files.py) a view that checks who asks."""
    if name.startswith(PRIVATE_PREFIX):
        view, kwargs = _private_view.get()
        return reverse(
            view, kwargs={**kwargs, "pk": image.pk, "name": name.removeprefix(PRIVATE_PREFIX)}
        )
    return image.file.storage.url(name)


def picture(image, crop="16:9"):
    """What a <picture> of a library image needs for one crop, or None before renditions."""
    done = image.renditions or {}
    renditions = done.get("crops", {}).get(crop)
    if not renditions or done.get("source") != image.file.name:
        return None
    url = partial(file_url, image)
    by_format = {}
    for item in renditions["files"]:
        by_format.setdefault(item["format"], []).append(item)
    fallback = by_format.get("png") or by_format.get("jpeg") or []
    if not fallback:
        return None

    def srcset(items):
        return ", ".join(f"{url(item['name'])} {item['width']}w" for item in items)

    # Browsers without srcset get a middle size, not the largest.
    src = max(
        (item for item in fallback if item["width"] <= 960),
        key=lambda item: item["width"],
        default=fallback[0],
    )
    sources = []
    if by_format.get("webp"):
        sources.append(Source(type=MIME_TYPES["webp"], srcset=srcset(by_format["webp"])))
    return Picture(
        src=url(src["name"]),
        srcset=srcset(fallback),
        width=renditions["width"],
        height=renditions["height"],
        sources=tuple(sources),
    )


def social_image(image):
    """The Open Graph rendition: {url, width, height}, or None."""
    done = image.renditions or {}
    if not done.get("og") or done.get("source") != image.file.name:
        return None
    og = done["og"]
    return {
        "name": og["name"],
        "url": file_url(image, og["name"]),
        "width": og["width"],
        "height": og["height"],
        "bytes": og.get("bytes"),
    }


def thumbnail_url(image, crop="original"):
    """The smallest rendition's address (for the library's grid and the chooser), or the
    original's while there are no renditions."""
    done = image.renditions or {}
    files = done.get("crops", {}).get(crop, {}).get("files")
    if files and done.get("source") == image.file.name:
        smallest = min(files, key=lambda item: (item["width"], item["format"] == "webp"))
        return file_url(image, smallest["name"])
    return file_url(image, image.file.name) if image.file else ""
