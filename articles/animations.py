"""Animated uploads (GIF, WebP, animated PNG and AVIF): every frame read, its timing kept,
and written back.

``articles/images.py`` decides what is made of an animation (which files, which sizes) and
refuses one too large to process; this module only knows how to read the frames of an
animated file with Pillow and how to write a sequence of frames as an animated file.

Other multi-frame files stay stills (their first frame): an MPO's second frame is another
picture (a stereo pair, a preview), not a moment later.
"""

import io
from dataclasses import dataclass

from PIL import Image

# Upload format -> the stored original's format. A GIF stays a GIF: its frames have at most
# 256 colours already, so re-encoding them loses nothing, and it opens everywhere an editor
# may take it (a social network, a chat, an email), as WordPress serves it. A WebP stays a
# WebP (at quality 90, as a still photo's JPEG original): as a GIF it would lose colours (256
# at most) and its soft transparency. An animated PNG stays one (lossless, as a still PNG's
# original); an AVIF sequence becomes a WebP, which every browser and editor's tool opens.
ORIGINAL_FORMATS = {"GIF": "gif", "WEBP": "webp", "PNG": "png", "AVIF": "webp"}
PILLOW_FORMATS = {"gif": "GIF", "webp": "WEBP", "png": "PNG"}
MAX_FRAMES = 300
FOREVER = 0
MAX_LOOP = 65535  # GIF and WebP store the count in 16 bits


@dataclass
class Animation:
    """An animation's frames, prepared (same size and mode), with their timing."""

    frames: list
    durations: list  # milliseconds, one per frame
    plays: int  # how many times it plays: FOREVER (0) or a count
    format: str  # the upload's Pillow format

    @property
    def size(self):
        return self.frames[0].size

    @property
    def still(self):
        """The first frame: what a still-only use (the Open Graph image, a fallback) shows."""
        return self.frames[0]


def is_animated(image):
    """True for an opened GIF, WebP, PNG or AVIF upload with more than one frame."""
    return image.format in ORIGINAL_FORMATS and getattr(image, "n_frames", 1) > 1


def _plays(image):
    loop = image.info.get("loop")
    if image.format == "GIF":
        # A GIF's loop count is the repeats after the first play, and a GIF without one
        # plays once; a WebP's is the number of plays (as gif2webp converts them).
        return 1 if loop is None else FOREVER if loop == 0 else min(loop + 1, MAX_LOOP)
    # A WebP's or animated PNG's is the number of plays, 0 for ever (as gif2webp and APNG
    # write them); an AVIF sequence as Pillow reads it has none: it plays for ever.
    return min(loop or FOREVER, MAX_LOOP)


def _duration(image):
    duration = image.info.get("duration") or 0
    # Browsers show a GIF frame of 10 ms or less for 100 ms; the stored files say so plainly.
    if image.format == "GIF" and duration <= 10:
        return 100
    return int(duration)


def read(image, prepare):
    """Every frame of an animated image (at most MAX_FRAMES), each through ``prepare``."""
    plays = _plays(image)
    frames, durations = [], []
    for index in range(min(image.n_frames, MAX_FRAMES)):
        image.seek(index)
        image.load()  # a WebP frame's duration is known once it is decoded
        durations.append(_duration(image))
        frames.append(prepare(image))
    image.seek(0)
    # One frame with transparency makes them all RGBA: an encoder needs one mode throughout.
    if any(frame.mode == "RGBA" for frame in frames):
        frames = [frame if frame.mode == "RGBA" else frame.convert("RGBA") for frame in frames]
    return Animation(frames, durations, plays, image.format)


def _palette_frame(frame):
    """An RGB frame of at most 256 colours as a palette image of exactly those colours.

    Pillow would find a palette by median cut, three times slower (two thirds of a GIF's
    processing time); a GIF's frames have no more colours than that, so nothing changes.
    """
    colours = frame.getcolors(256) if frame.mode == "RGB" else None
    if colours is None:
        return frame  # more colours, or transparency: Pillow's own conversion
    palette = Image.new("P", (1, 1))
    palette.putpalette([channel for _, rgb in colours for channel in rgb])
    return frame.quantize(palette=palette, dither=Image.Dither.NONE)


def encode(frames, fmt, durations, plays, **options):
    """The frames as one animated GIF, WebP or PNG file, with their durations and loop count."""
    if fmt == "gif":
        # GIF counts repeats, and no count at all means once.
        if plays != 1:
            options["loop"] = FOREVER if plays == FOREVER else plays - 1
        if frames[0].mode == "RGBA":
            # Each frame is whole: clear the last before drawing the next, so nothing shows
            # through its transparent pixels.
            options["disposal"] = 2
        frames = [_palette_frame(frame) for frame in frames]
    else:
        options["loop"] = plays
    buffer = io.BytesIO()
    frames[0].save(
        buffer,
        PILLOW_FORMATS[fmt],
        save_all=True,
        append_images=frames[1:],
        duration=durations,
        **options,
    )
    return buffer.getvalue()
