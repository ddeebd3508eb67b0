"""Photos are re-encoded small and stripped of metadata, and shown only to those who may
read the post; the daily digest goes out by SMTP (a real server on 127.0.0.1) once."""

from __future__ import annotations

import io
import socket
import threading

import pytest
from PIL import Image
from sqlalchemy import select

from app.extensions import db
from app.groups.models import Post
from app.groups.services.digest import send_digests
from app.groups.services.photos import MAX_PHOTO_BYTES
from app.media import services as media
from app.notifications.models import Notification
from tests.groups.conftest import new_key, reply


def _photo_with_gps(size=(3000, 2000)) -> bytes:
    """A noisy (hard to compress) JPEG carrying EXIF with a GPS position."""
    image = Image.effect_noise(size, 90).convert("RGB")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {1: "S", 2: (1.0, 17.0, 0.0)}  # GPSInfo: a position
    out = io.BytesIO()
    image.save(out, "JPEG", quality=95, exif=exif)
    return out.getvalue()


def test_a_photo_is_reencoded_small_without_metadata(client, login, circle, thread):
    source = _photo_with_gps()
    assert b"PhoneMaker" in source and len(source) > 1_000_000
    login(circle.amani)
    response = client.post(
        f"/groups/threads/{thread.id}/posts",
        data={"body": "Our timetable", "key": new_key(), "photo": (io.BytesIO(source), "t.jpg")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    post = db.session.scalar(select(Post).where(Post.author_id == circle.amani.id))
    stored = b"".join(media.storage().open(post.photo_key))
    assert len(stored) == post.photo_bytes <= MAX_PHOTO_BYTES
    assert b"PhoneMaker" not in stored and b"Exif" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert image.format == "JPEG" and max(image.size) <= 1280 and not image.getexif()

    # The thread shows a tap-to-load preview: the image is inside a closed <details>.
    html = client.get(f"/groups/threads/{thread.id}").get_data(as_text=True)
    assert "<details><summary>Photo (" in html and 'loading="lazy"' in html
    # Members get the photo itself, which only their own browser may keep (for good).
    photo = client.get(f"/groups/posts/{post.id}/photo")
    assert photo.status_code == 200 and photo.data == stored
    assert photo.mimetype == "image/jpeg"
    cache = photo.headers["Cache-Control"]
    assert "private" in cache and "public" not in cache and "immutable" in cache
    assert photo.cache_control.max_age >= 30 * 24 * 3600
    assert "Set-Cookie" not in photo.headers and "Cookie" not in photo.headers.get("Vary", "")
    again = client.get(
        f"/groups/posts/{post.id}/photo", headers={"If-None-Match": photo.headers["ETag"]}
    )
    assert again.status_code == 304


def test_a_photo_is_not_for_outsiders(app, client, login, circle, thread):
    from tests.conftest import sign_in

    login(circle.amani)
    client.post(
        f"/groups/threads/{thread.id}/posts",
        data={
            "body": "",
            "key": new_key(),
            "photo": (io.BytesIO(_photo_with_gps((40, 30))), "a.png"),
        },
        content_type="multipart/form-data",
    )
    post = db.session.scalar(select(Post).where(Post.author_id == circle.amani.id))
    outsider = app.test_client()
    sign_in(outsider, circle.outsider)
    refused = outsider.get(f"/groups/posts/{post.id}/photo")
    assert refused.status_code == 404 and refused.mimetype != "image/jpeg"
    assert "public" not in refused.headers.get("Cache-Control", "")


def test_a_file_that_is_not_a_photo_is_refused_keeping_the_text(client, login, circle, thread):
    login(circle.amani)
    response = client.post(
        f"/groups/threads/{thread.id}/posts",
        data={
            "body": "See attached",
            "key": new_key(),
            "photo": (io.BytesIO(b"%PDF-1.4"), "x.jpg"),
        },
        content_type="multipart/form-data",
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "not a photo Headway can read" in html and "See attached" in html


@pytest.fixture
def smtp_server():
    """aiosmtpd on 127.0.0.1 on a free port, keeping what it receives."""
    from aiosmtpd.controller import Controller

    class Inbox:
        def __init__(self):
            self.messages = []
            self.received = threading.Event()

        async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
            self.messages.append(envelope)
            self.received.set()
            return "250 OK"

    with socket.socket() as probe:  # a free port (the controller checks it can connect)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = Inbox()
    inbox.port = port
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox
    controller.stop()


def test_the_daily_digest_goes_out_once(app, runner, circle, thread, smtp_server):
    reply(thread, circle.amani, "Grace, see this @Grace")
    assert runner.invoke(args=["groups", "digest"]).output.startswith("No digest sent")
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=smtp_server.port)
    try:
        result = runner.invoke(args=["groups", "digest"])
        assert result.exit_code == 0, result.output
        assert "1 digest(s) sent." in result.output
        [envelope] = smtp_server.messages
        assert envelope.rcpt_tos == [circle.grace.email]
        text = envelope.content.decode()
        assert "Amani Mutesi mentioned you in" in text and "/groups/threads/" in text
        emailed = db.session.scalars(select(Notification.emailed_at)).all()
        assert emailed and all(emailed)
        # Sent once: the next run has nothing new to send.
        assert "0 digest(s) sent." in runner.invoke(args=["groups", "digest"]).output
        assert len(smtp_server.messages) == 1
    finally:
        app.config.update(SMTP_HOST=None, SMTP_PORT=25)  # the defaults again


def test_a_digest_is_in_the_readers_language(app, circle, thread, smtp_server):
    circle.grace.locale = "fr"
    db.session.commit()
    reply(thread, circle.amani, "Merci")
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=smtp_server.port)
    try:
        assert len(send_digests().sent) == 1
    finally:
        app.config.update(SMTP_HOST=None, SMTP_PORT=25)  # the defaults again
    message = smtp_server.messages[0].content.decode("utf-8", "replace")
    assert "Amani Mutesi a répondu dans" in message or "a r=C3=A9pondu" in message


def test_many_pending_notifications_go_out_one_digest_each(
    app, runner, circle, thread, smtp_server
):
    """People loaded by the digest are not signed in: telling them apart must not ask for a
    sign-in (it crashed on the second notification, so no digest ever went out)."""
    for n in range(6):
        reply(thread, circle.amani, f"Reply {n} for @Grace")
        reply(thread, circle.coach, f"Note {n} for @Amani and @Grace")
    reply(thread, circle.grace, "Thanks @Amani @Joseph")
    pending = db.session.scalars(select(Notification.user_id)).all()
    assert pending.count(circle.grace.id) > 2 and len(set(pending)) == 3
    db.session.expire_all()
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=smtp_server.port)
    try:
        result = runner.invoke(args=["groups", "digest"])
        assert result.exit_code == 0, result.output
        assert "3 digest(s) sent." in result.output
        assert sorted(e.rcpt_tos[0] for e in smtp_server.messages) == sorted(
            [circle.grace.email, circle.amani.email, circle.coach.email]
        )
        assert all(db.session.scalars(select(Notification.emailed_at)).all())
        assert "0 digest(s) sent." in runner.invoke(args=["groups", "digest"]).output
    finally:
        app.config.update(SMTP_HOST=None, SMTP_PORT=25)  # the defaults again


def test_the_digest_runs_daily_on_the_job_queue(app, circle, thread, smtp_server):
    from datetime import datetime

    reply(thread, circle.amani, "Grace, see this @Grace")
    task = app.extensions["jobs"].jobs["groups.digest"]
    huey = app.extensions["jobs"].huey
    assert "groups.digest" in [t.name for t in huey.read_periodic(datetime(2030, 1, 1, 6, 0))]
    assert "groups.digest" not in [t.name for t in huey.read_periodic(datetime(2030, 1, 1, 7, 0))]
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=smtp_server.port)
    try:
        task.call_local()
        task.call_local()  # every consumer enqueues it: a second run sends nothing more
    finally:
        app.config.update(SMTP_HOST=None, SMTP_PORT=25)  # the defaults again
    assert [e.rcpt_tos for e in smtp_server.messages] == [[circle.grace.email]]
