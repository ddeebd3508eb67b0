"""What the photo re-encode keeps (pixels only) and what it costs: decodes and encodes are
counted, never timed."""

from __future__ import annotations

import io

from PIL import Image

from app.groups.services.photos import reencode


def _jpeg(size=(600, 400), **save) -> bytes:
    out = io.BytesIO()
    Image.effect_noise(size, 40).convert("RGB").save(out, "JPEG", quality=90, **save)
    return out.getvalue()


def test_a_jpeg_comment_does_not_survive():
    source = _jpeg(comment=b"Taken at 12 Uhuru Street, Amani's house")
    assert b"Uhuru Street" in source
    with Image.open(io.BytesIO(source)) as image:
        assert "comment" in image.info
    stored = reencode(io.BytesIO(source))
    assert b"Uhuru Street" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert "comment" not in image.info
