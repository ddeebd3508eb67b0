"""A photo on a post (a timetable, a classroom display): re-encoded here, whatever was sent,
into a JPEG of at most 100 KB with no metadata, and kept in the media storage.

Re-encoding from pixels drops EXIF (a phone's GPS position), XMP, ICC profiles, a JPEG's
comment and anything hidden in the file; only an image Pillow can decode gets through at all.
"""

from __future__ import annotations

import io
from typing import BinaryIO

from PIL import Image, ImageOps, UnidentifiedImageError

from app.media import services as media
from media_pipeline.storage import new_key

from ._common import N_, GroupError

MAX_PHOTO_BYTES = 100 * 1024
MAX_UPLOAD_BYTES = 15 * 1024 * 1024
MAX_SOURCE_PIXELS = 40_000_000  # refuses decompression bombs before decoding
LONGEST_SIDES = (1280, 960, 720, 540, 400)
QUALITIES = (78, 66, 54, 42)


def reencode(source: BinaryIO) -> bytes:
    """The photo as a JPEG of at most ``MAX_PHOTO_BYTES``, upright, without metadata."""
    data = source.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise GroupError(N_("This photo is too large. Choose one under 15 MB."), "photo")
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.width * image.height > MAX_SOURCE_PIXELS:
                raise GroupError(N_("This photo has too many pixels to send."), "photo")
            image.load()
            picture = ImageOps.exif_transpose(image).convert("RGB")
            # Pillow writes back what the source's info holds (a JPEG comment, a DPI): only
            # the pixels may pass.
            picture.info.clear()
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        raise GroupError(
            N_("This file is not a photo Headway can read (JPEG or PNG)."), "photo"
        ) from None
    for side in LONGEST_SIDES:
        scaled = picture.copy()
        scaled.thumbnail((side, side))
        for quality in QUALITIES:
            out = io.BytesIO()
            # No exif=, no icc_profile=: nothing but pixels is written.
            scaled.save(out, "JPEG", quality=quality, optimize=True, progressive=True)
            if out.tell() <= MAX_PHOTO_BYTES:
                return out.getvalue()
    raise GroupError(N_("This photo could not be made small enough to send."), "photo")


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
