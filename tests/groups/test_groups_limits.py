"""Posting is limited per person (threads, replies, photos): over the limit, the form comes
back with everything typed and a 429 that says to wait; nobody else is slowed."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from sqlalchemy import func, select

from app.extensions import db
from app.groups.models import Post, Thread
from tests.conftest import sign_in
from tests.groups.conftest import new_key

HX = {"HX-Request": "true"}
TOO_FAST = "You are posting faster than Headway allows."


@pytest.fixture
def tight_limits(app):
    saved = {k: app.config[k] for k in ("GROUPS_POST_LIMIT", "GROUPS_PHOTO_LIMIT")}
    app.config.update(GROUPS_POST_LIMIT="3/minute", GROUPS_PHOTO_LIMIT="1/minute")
    yield
    app.config.update(saved)


def _posts() -> int:
    return db.session.scalar(select(func.count()).select_from(Post))


def _photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "teal").save(out, "PNG")
    return out.getvalue()


def test_replies_past_the_limit_come_back_with_what_was_typed(
    app, client, login, circle, thread, tight_limits
):
    login(circle.amani)
    url = f"/groups/threads/{thread.id}/posts"
    key = new_key()
    assert client.post(url, data={"body": "Reply 0", "key": key}).status_code == 303
    # The same key again finds the post it stored: a retry does not count.
    assert client.post(url, data={"body": "Reply 0", "key": key}).status_code == 303
    for n in (1, 2):
        assert client.post(url, data={"body": f"Reply {n}", "key": new_key()}).status_code == 303
    before = _posts()
    response = client.post(url, data={"body": "One thought too many", "key": new_key()})
    assert response.status_code == 429
    assert TOO_FAST in response.text and "One thought too many" in response.text
    fragment = client.post(url, data={"body": "Again, by HTMX", "key": new_key()}, headers=HX)
    assert fragment.status_code == 429
    assert TOO_FAST in fragment.text and "Again, by HTMX" in fragment.text
    assert _posts() == before
    # In French, and nobody else is slowed.
    french = client.post(
        url,
        data={"body": "Encore", "key": new_key()},
        headers={"Accept-Language": "fr"},
    )
    assert french.status_code == 429 and "Vous publiez plus vite" in french.text
    grace = app.test_client()
    sign_in(grace, circle.grace)
    assert grace.post(url, data={"body": "Mine", "key": new_key()}).status_code == 303


def test_a_new_thread_past_the_limit_keeps_its_title_and_text(
    client, login, circle, thread, tight_limits
):
    login(circle.grace)
    url = f"/groups/{circle.group.id}/threads/new"
    for n in range(3):
        data = {"title": f"Question {n}", "body": "How?", "key": new_key()}
        assert client.post(url, data=data).status_code == 303
    data = {"title": "Timetables", "body": "How do you share them?", "key": new_key()}
    response = client.post(url, data=data)
    assert response.status_code == 429
    assert TOO_FAST in response.text
    assert "Timetables" in response.text and "How do you share them?" in response.text
    assert db.session.scalar(select(func.count()).select_from(Thread)) == 4  # with `thread`


def test_photos_have_a_tighter_limit(client, login, circle, thread, tight_limits):
    login(circle.amani)
    url = f"/groups/threads/{thread.id}/posts"

    def send(body):
        return client.post(
            url,
            data={"body": body, "key": new_key(), "photo": (io.BytesIO(_photo()), "a.png")},
            content_type="multipart/form-data",
        )

    assert send("Our timetable").status_code == 303
    refused = send("And the other one")
    assert refused.status_code == 429 and "And the other one" in refused.text
    # Words alone still go.
    assert client.post(url, data={"body": "In words", "key": new_key()}).status_code == 303
