"""A practice's photos: up to three, re-encoded by the groups' pipeline, sent once however
often the form is, shown only to whoever may read the practice, removed by its author."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from sqlalchemy import func, select

from app.extensions import db
from app.practices.models import PracticePhoto, Status
from tests.learning.test_double_taps import TAPS, Phone
from tests.practices.conftest import make_practice, new_key


def _jpeg(colour="red") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (800, 600), colour).save(out, "JPEG")
    return out.getvalue()


def _send(client, practice, data: bytes, key=None, name="board.jpg"):
    return client.post(
        f"/practices/{practice.id}/photos",
        data={"photo": (io.BytesIO(data), name, "image/jpeg"), "key": key or new_key()},
        content_type="multipart/form-data",
    )


def _count() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(PracticePhoto))


def test_three_photos_at_most_seen_by_readers_only(w, client, login):
    practice = make_practice(w, Status.DRAFT)
    login(w.amina)
    for colour in ("red", "green", "blue", "white"):
        assert _send(client, practice, _jpeg(colour)).status_code == 303
    assert _count() == 3
    page = client.get(f"/practices/{practice.id}").get_data(as_text=True)
    assert "at most 3 photos" in page
    photo = db.session.scalars(select(PracticePhoto)).first()
    url = f"/practices/{practice.id}/photos/{photo.id}"
    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "image/jpeg"
    assert len(response.data) <= 100 * 1024
    client.post("/sign-out")
    login(w.chen)  # a draft is its author's alone
    assert client.get(url).status_code == 404
    client.post("/sign-out")
    login(w.amina)
    assert client.post(f"{url}/removal").status_code == 303
    assert _count() == 2


def test_a_file_that_is_not_a_photo_is_refused(w, client, login):
    practice = make_practice(w, Status.DRAFT)
    login(w.amina)
    response = _send(client, practice, b"not a picture at all")
    assert response.status_code == 303 and _count() == 0


@pytest.mark.usefixtures("live_server")
def test_a_photo_sent_at_once_is_one_photo(live_server, w):
    practice = make_practice(w, Status.DRAFT)
    phone = Phone(live_server, w.amina)
    answers = phone.answers(
        "POST",
        f"/practices/{practice.id}/photos",
        {"key": new_key()},
        files={"photo": ("a.jpg", _jpeg(), "image/jpeg")},
    )
    statuses = [answer.status for answer in answers]
    assert statuses == [303] * TAPS
    assert _count() == 1
