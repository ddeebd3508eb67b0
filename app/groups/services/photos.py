"""A photo on a post (a timetable, a classroom display): re-encoded here, whatever was sent,
into a JPEG of at most 100 KB with no metadata, and kept in the media storage.

Re-encoding from pixels drops EXIF (a phone's GPS position), XMP, ICC profiles, a JPEG's
comment and anything hidden in the file; only an image Pillow can decode gets through at all.

The work is bounded before it starts, because it shares a process with every other request.
A JPEG is decoded straight from its DCT at 1/2, 1/4 or 1/8 scale (``Image.draft``), so a
40-megapixel phone photo costs a 2.5-megapixel decode; a PNG or WebP can only be decoded
whole, so one over ``MAX_DECODED_PIXELS`` is refused from its header, before any pixel. The
JPEG quality is found in at most five encodes of the 1280-pixel picture, and the decoding
and encoding run in one of gevent's native threads (``app/offload.py``: Pillow lets go of
Python's lock meanwhile), so other requests go on. ``benchmarks/photos.py`` measures it.
"""

from __future__ import annotations

import io
import math
from typing import BinaryIO

from PIL import Image, ImageOps, UnidentifiedImageError

from app.media import services as media
from app.offload import off_the_loop
from media_pipeline.storage import new_key

from ._common import N_, GroupError

MAX_PHOTO_BYTES = 100 * 1024
MAX_UPLOAD_BYTES = 15 * 1024 * 1024
#: Pixels decoded at most (after a JPEG's reduced-scale decoding). 16 megapixels lets
#: through a phone's full-size photo (12-16 megapixels, 4032 × 3024 or 4608 × 3456) saved as
#: a PNG: some 48 MB in memory and ~300 ms of CPU to decode (measured), off the request
#: loop. The 6,320² PNG (40 megapixels, 120 MB decoded) that held up every request for
#: seconds is refused. A JPEG passes up to Pillow's own limit (about 179 megapixels), since
#: a 1/8-scale decode of it is under 3 megapixels.
MAX_DECODED_PIXELS = 16_000_000
LONGEST_SIDE = 1280
#: The first quality tried (most photos fit at once) and the lowest; between them a binary
#: search of at most ``QUALITY_STEPS`` encodes keeps the best that fits.
QUALITY, MIN_QUALITY, QUALITY_STEPS = 78, 40, 3
#: A picture that does not fit even at ``MIN_QUALITY`` is scaled down by the square root of
#: how far over it is, with this margin (a JPEG's size goes roughly with its pixel count).
SHRINK_MARGIN = 0.9
SHRINK_TRIES = 2


def reencode(source: BinaryIO) -> bytes:
    """The photo as a JPEG of at most ``MAX_PHOTO_BYTES``, upright, without metadata."""
    data = source.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise GroupError(N_("This photo is too large. Choose one under 15 MB."), "photo")
    return off_the_loop(reencode_bytes, data)


def reencode_bytes(data: bytes) -> bytes:
    """``reencode`` of bytes already read: CPU only, no Flask (it runs in another thread)."""
    return _fit(_decode_small(data), MAX_PHOTO_BYTES)


def _decode_small(data: bytes) -> Image.Image:
    """The picture, upright, in RGB, at most ``LONGEST_SIDE`` pixels long, with no info."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            if max(image.size) > LONGEST_SIDE:
                image.draft(None, _within(image.size, LONGEST_SIDE))  # only JPEG does it
            pixels = image.width * image.height
            if pixels > MAX_DECODED_PIXELS:
                raise _too_many_pixels(pixels)
            image.load()
            picture = ImageOps.exif_transpose(image).convert("RGB")
    except GroupError:
        raise
    except Image.DecompressionBombError:
        raise _too_many_pixels(2 * Image.MAX_IMAGE_PIXELS) from None  # Pillow's own limit
    except (UnidentifiedImageError, OSError, ValueError):
        raise GroupError(
            N_("This file is not a photo Headway can read (JPEG or PNG)."), "photo"
        ) from None
    # reducing_gap: a fast box reduction to twice the size, then Lanczos for the rest.
    picture.thumbnail((LONGEST_SIDE, LONGEST_SIDE), reducing_gap=2.0)
    # Pillow writes back what the source's info holds (a JPEG comment, a DPI): only the
    # pixels may pass.
    picture.info.clear()
    return picture


def _within(size: tuple[int, int], longest: int) -> tuple[int, int]:
    """``size`` scaled down so that its longest side is ``longest``, keeping its shape."""
    scale = longest / max(size)
    return max(1, math.ceil(size[0] * scale)), max(1, math.ceil(size[1] * scale))


def _too_many_pixels(pixels: int) -> GroupError:
    return GroupError(
        N_(
            "This picture has too many pixels to send (%(megapixels)s million). Make it"
            " smaller or save it as a JPEG photo, then send it again: what you wrote is still"
            " here."
        ),
        "photo",
        megapixels=round(pixels / 1_000_000),
    )


def _fit(picture: Image.Image, limit: int) -> bytes:
    """``picture`` as a JPEG of at most ``limit`` bytes, at the best quality found in at
    most 2 + ``QUALITY_STEPS`` encodes (or 2 + ``SHRINK_TRIES`` if it must be smaller)."""
    first = _jpeg(picture, QUALITY)
    if len(first) <= limit:
        return first
    best = _jpeg(picture, MIN_QUALITY)
    if len(best) > limit:
        return _shrunk(picture, len(best), limit)
    fits, too_big = MIN_QUALITY, QUALITY
    for _ in range(QUALITY_STEPS):
        if too_big - fits <= 2:
            break
        quality = (fits + too_big) // 2
        attempt = _jpeg(picture, quality)
        if len(attempt) <= limit:
            best, fits = attempt, quality
        else:
            too_big = quality
    return best


def _shrunk(picture: Image.Image, size: int, limit: int) -> bytes:
    """``picture`` smaller, at ``MIN_QUALITY``, where it was ``size`` bytes at full size."""
    for _ in range(SHRINK_TRIES):
        side = int(max(picture.size) * math.sqrt(limit / size) * SHRINK_MARGIN)
        picture = picture.resize(_within(picture.size, side), reducing_gap=2.0)
        out = _jpeg(picture, MIN_QUALITY)
        if len(out) <= limit:
            return out
        size = len(out)
    raise GroupError(N_("This photo could not be made small enough to send."), "photo")


def _jpeg(picture: Image.Image, quality: int) -> bytes:
    out = io.BytesIO()
    # No exif=, no icc_profile=, no comment=: nothing but pixels is written.
    picture.save(out, "JPEG", quality=quality, optimize=True, progressive=True)
    return out.getvalue()


def store_photo(jpeg: bytes) -> tuple[str, int]:
    """Save a re-encoded photo; its storage key and size."""
    key = new_key("photo.jpg")
    size = media.storage().save(key, io.BytesIO(jpeg), content_type="image/jpeg")
    return key, size


def delete_photo(key: str | None) -> None:
    if key:
        media.storage().delete(key)


def read_photo(key: str) -> bytes:
    """A stored photo's bytes (at most ``MAX_PHOTO_BYTES``): the caller has checked who may
    see it. Raises ``FileNotFoundError`` if it is gone."""
    return b"".join(media.storage().open(key))
