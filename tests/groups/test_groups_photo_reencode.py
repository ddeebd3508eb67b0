"""What the photo re-encode keeps (pixels only) and what it costs: decodes and encodes are
counted, never timed."""

from __future__ import annotations

import io
from types import SimpleNamespace

import pytest
from PIL import Image, ImageFile

from app.groups.services import photos
from app.groups.services._common import GroupError
from app.groups.services.photos import MAX_DECODED_PIXELS, MAX_PHOTO_BYTES, reencode
from tests.groups.conftest import new_key


def _jpeg(size=(600, 400), **save) -> bytes:
    out = io.BytesIO()
    Image.effect_noise(size, 40).convert("RGB").save(out, "JPEG", quality=90, **save)
    return out.getvalue()


@pytest.fixture
def work(monkeypatch):
    """Counts what Pillow is asked to do: files opened, decodes (with the size decoded) and
    encodes."""
    seen = SimpleNamespace(opened=0, decoded=[], encoded=0)
    open_, load, save = Image.open, ImageFile.ImageFile.load, Image.Image.save

    def counting_open(*args, **kwargs):
        seen.opened += 1
        return open_(*args, **kwargs)

    def counting_load(image):
        if image.tile:  # pixels still to decode (a second load() decodes nothing)
            seen.decoded.append(image.size)
        return load(image)

    def counting_save(image, *args, **kwargs):
        seen.encoded += 1
        return save(image, *args, **kwargs)

    monkeypatch.setattr(Image, "open", counting_open)
    monkeypatch.setattr(ImageFile.ImageFile, "load", counting_load)
    monkeypatch.setattr(Image.Image, "save", counting_save)
    return seen


def test_a_jpeg_comment_does_not_survive():
    source = _jpeg(comment=b"Taken at 12 Uhuru Street, Amani's house")
    assert b"Uhuru Street" in source
    with Image.open(io.BytesIO(source)) as image:
        assert "comment" in image.info
    stored = reencode(io.BytesIO(source))
    assert b"Uhuru Street" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert "comment" not in image.info


@pytest.fixture(scope="module")
def phone_photo_40mp() -> bytes:
    """A 7728 × 5152 JPEG (40 megapixels, as some phones take), smooth so it is quick to make."""
    picture = Image.linear_gradient("L").resize((7728, 5152)).convert("RGB")
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=90)
    return out.getvalue()


def test_a_40_megapixel_jpeg_is_accepted_decoding_a_sixteenth(work, phone_photo_40mp):
    stored = reencode(io.BytesIO(phone_photo_40mp))
    assert work.opened == 1
    [(width, height)] = work.decoded
    assert (width, height) == (7728 // 4, 5152 // 4)  # the DCT decoded at 1/4 scale
    assert width * height <= MAX_DECODED_PIXELS and work.encoded == 1
    assert len(stored) <= MAX_PHOTO_BYTES
    with Image.open(io.BytesIO(stored)) as image:
        assert image.size == (1280, 853)


def _huge_png() -> bytes:
    """6,320 × 6,320 pixels in a small file (one bit a pixel: quick to make)."""
    out = io.BytesIO()
    Image.new("1", (6320, 6320), 1).save(out, "PNG")
    return out.getvalue()


def test_a_huge_png_is_refused_before_a_pixel_is_decoded(work):
    source = _huge_png()
    assert len(source) < 200_000
    work.encoded = 0  # (making it)
    with pytest.raises(GroupError) as refused:
        reencode(io.BytesIO(source))
    assert "too many pixels to send (40 million)" in str(refused.value)
    assert refused.value.field == "photo"
    assert work.decoded == [] and work.encoded == 0


def test_a_huge_png_brings_the_form_back_with_the_text(client, login, circle, thread):
    login(circle.amani)
    response = client.post(
        f"/groups/threads/{thread.id}/posts",
        data={
            "body": "Our new timetable",
            "key": new_key(),
            "photo": (io.BytesIO(_huge_png()), "t.png"),
        },
        content_type="multipart/form-data",
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "too many pixels to send" in html and "Our new timetable" in html


def test_a_hard_to_compress_photo_fits_in_a_few_encodes(work):
    source = _jpeg((3000, 2000))
    work.encoded = 0  # (making it)
    stored = reencode(io.BytesIO(source))
    assert len(stored) <= MAX_PHOTO_BYTES
    assert work.opened == 1 and work.decoded == [(1500, 1000)]  # half scale
    assert 1 <= work.encoded <= 5


def test_noise_too_big_even_at_the_lowest_quality_is_made_smaller_in_a_few_encodes(work):
    out = io.BytesIO()
    Image.effect_noise((1600, 1200), 120).convert("RGB").save(out, "PNG")
    source = out.getvalue()
    work.encoded = 0  # (making it)
    stored = reencode(io.BytesIO(source))
    assert len(stored) <= MAX_PHOTO_BYTES
    assert work.decoded == [(1600, 1200)] and work.encoded <= 4
    with Image.open(io.BytesIO(stored)) as image:
        assert max(image.size) < 1280


def test_a_sideways_photo_comes_out_upright():
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to view
    out = io.BytesIO()
    Image.new("RGB", (2600, 1300), "teal").save(out, "JPEG", exif=exif)
    with Image.open(io.BytesIO(reencode(io.BytesIO(out.getvalue())))) as image:
        assert image.size == (640, 1280)


def test_the_decoding_and_encoding_run_off_the_request_loop(monkeypatch):
    calls = []

    def recording(function, *args):
        calls.append(function)
        return function(*args)

    monkeypatch.setattr(photos, "off_the_loop", recording)
    reencode(io.BytesIO(_jpeg()))
    assert calls == [photos.reencode_bytes]
