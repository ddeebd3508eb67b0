"""The tus 1.0 protocol at /studio/uploads/: creation, offsets, conflicts, content type,
expiry, termination, limits, concurrency, and whose upload is whose."""

from __future__ import annotations

import hashlib
import http.client
import io
import threading
from datetime import datetime, timedelta
from urllib.parse import urlencode, urlsplit

import pytest
from sqlalchemy import select, update

from app.db import utcnow
from app.extensions import db
from app.learning.models import Lesson
from app.media import services as media
from app.media.models import MediaAsset
from app.studio.models import Upload
from tests.conftest import PASSWORD
from tests.studio.conftest import tus_metadata

TUS = {"Tus-Resumable": "1.0.0"}
PATCH = {**TUS, "Content-Type": "application/offset+octet-stream"}
# An ISO BMFF header, then filler: enough for the end-of-upload check on the first bytes.
CLIP = b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 40


@pytest.fixture
def lesson(studio_course):
    course = studio_course()
    return db.session.scalar(select(Lesson).where(Lesson.course_id == course.id))


def create(client, lesson, length=None, **meta):
    length = len(CLIP) if length is None else length
    meta = {"filename": "clip.mp4", "filetype": "video/mp4", "lesson": lesson.id, **meta}
    return client.post(
        "/studio/uploads/",
        headers={**TUS, "Upload-Length": str(length), "Upload-Metadata": tus_metadata(**meta)},
    )


def patch(client, location, offset, data, **headers):
    return client.patch(
        location, data=data, headers={**PATCH, "Upload-Offset": str(offset), **headers}
    )


def test_options_says_what_the_server_speaks(client):
    response = client.options("/studio/uploads/")
    assert response.status_code == 204
    assert response.headers["Tus-Version"] == "1.0.0"
    assert set(response.headers["Tus-Extension"].split(",")) == {
        "creation",
        "termination",
        "expiration",
    }
    assert int(response.headers["Tus-Max-Size"]) > 0


def test_an_upload_in_pieces_arrives_byte_identical_and_is_queued(client, login, author, lesson):
    login(author)
    created = create(client, lesson)
    assert created.status_code == 201
    location = created.headers["Location"]
    assert location.startswith("/studio/uploads/") and "Upload-Expires" in created.headers
    head = client.head(location, headers=TUS)
    assert head.headers["Upload-Offset"] == "0"
    assert head.headers["Upload-Length"] == str(len(CLIP))
    assert head.headers["Cache-Control"] == "no-store"

    first = patch(client, location, 0, CLIP[:5000])
    assert first.status_code == 204 and first.headers["Upload-Offset"] == "5000"
    assert client.head(location, headers=TUS).headers["Upload-Offset"] == "5000"
    last = patch(client, location, 5000, CLIP[5000:])
    assert last.status_code == 204 and last.headers["Upload-Offset"] == str(len(CLIP))

    upload = db.session.scalars(select(Upload)).one()
    assert upload.status == "complete" and upload.asset_id is not None
    assert upload.sha256 == hashlib.sha256(CLIP).hexdigest()
    asset = db.session.get(MediaAsset, upload.asset_id)
    stored = b"".join(media.storage().open(asset.source_key))
    assert hashlib.sha256(stored).hexdigest() == hashlib.sha256(CLIP).hexdigest()
    assert asset.status == "uploaded" and asset.source_bytes == len(CLIP)


def test_a_wrong_offset_is_a_conflict_and_changes_nothing(client, login, author, lesson):
    login(author)
    location = create(client, lesson).headers["Location"]
    patch(client, location, 0, CLIP[:100])
    for offset in (0, 50, 200):
        response = patch(client, location, offset, CLIP[offset : offset + 10])
        assert response.status_code == 409
        assert "100" in response.get_data(as_text=True)
    assert client.head(location, headers=TUS).headers["Upload-Offset"] == "100"


def test_a_wrong_content_type_is_415(client, login, author, lesson):
    login(author)
    location = create(client, lesson).headers["Location"]
    response = client.patch(
        location,
        data=CLIP[:10],
        headers={**TUS, "Upload-Offset": "0", "Content-Type": "application/octet-stream"},
    )
    assert response.status_code == 415
    assert client.head(location, headers=TUS).headers["Upload-Offset"] == "0"


def test_a_missing_or_other_protocol_version_is_412(client, login, author, lesson):
    login(author)
    location = create(client, lesson).headers["Location"]
    response = client.head(location, headers={"Tus-Resumable": "0.2.2"})
    assert response.status_code == 412 and response.headers["Tus-Version"] == "1.0.0"


def test_an_expired_upload_is_gone_and_swept(client, login, author, lesson, runner):
    login(author)
    location = create(client, lesson).headers["Location"]
    patch(client, location, 0, CLIP[:100])
    db.session.execute(update(Upload).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert client.head(location, headers=TUS).status_code == 410
    assert patch(client, location, 100, CLIP[100:200]).status_code == 410
    result = runner.invoke(args=["studio", "expire-uploads"])
    assert "Removed 1 expired uploads" in result.output
    assert client.head(location, headers=TUS).status_code == 404


def test_an_abandoned_upload_no_longer_counts_once_expired(app, client, login, author, lesson):
    login(author)
    app.config["STUDIO_UPLOADS_IN_FLIGHT"] = 1
    try:
        old = create(client, lesson).headers["Location"]
        patch(client, old, 0, CLIP[:100])
        assert create(client, lesson).status_code == 429
        db.session.execute(update(Upload).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
        assert create(client, lesson).status_code == 201
        assert client.head(old, headers=TUS).status_code == 404  # removed, bytes and all
    finally:
        app.config["STUDIO_UPLOADS_IN_FLIGHT"] = 3  # the default again


def test_termination_removes_the_upload(client, login, author, lesson):
    login(author)
    location = create(client, lesson).headers["Location"]
    patch(client, location, 0, CLIP[:100])
    assert client.delete(location, headers=TUS).status_code == 204
    assert client.head(location, headers=TUS).status_code == 404
    assert patch(client, location, 100, CLIP[100:]).status_code == 404
    assert db.session.scalars(select(Upload)).all() == []


def test_oversize_is_refused_before_the_first_byte_with_a_reason(
    app, client, login, author, lesson
):
    login(author)
    app.config["STUDIO_UPLOAD_MAX_BYTES"] = 1000
    try:
        response = create(client, lesson, length=5000)
        assert response.status_code == 413
        assert "the most Headway takes is 0 MB" in response.get_data(as_text=True)
        assert db.session.scalars(select(Upload)).all() == []
        app.config["STUDIO_UPLOAD_MAX_BYTES"] = 10_000_000
        location = create(client, lesson, length=100).headers["Location"]
        # More bytes than the upload announced.
        assert patch(client, location, 0, CLIP[:200]).status_code == 413
    finally:
        app.config["STUDIO_UPLOAD_MAX_BYTES"] = app.config["MEDIA_MAX_BYTES"]  # the default


def test_refusals_are_in_the_authors_language(client, login, make_user, lesson):
    french = make_user("author", locale="fr")
    from app.studio.models import CourseAuthor

    db.session.add(CourseAuthor(course_id=lesson.course_id, user_id=french.id))
    db.session.commit()
    login(french)
    response = create(client, lesson, filename="notes.pdf", filetype="application/pdf")
    assert response.status_code == 415
    assert "n’est pas" in response.get_data(as_text=True) or "n'est pas" in response.get_data(
        as_text=True
    )


def test_what_is_not_media_is_refused_at_the_start_and_at_the_end(client, login, author, lesson):
    login(author)
    assert create(client, lesson, filename="notes.pdf").status_code == 415
    fake = b"%PDF-1.4 " + b"x" * 300
    location = create(client, lesson, length=len(fake)).headers["Location"]
    response = patch(client, location, 0, fake)
    assert response.status_code == 415
    assert "not a video or audio file" in response.get_data(as_text=True)
    assert db.session.scalars(select(MediaAsset)).all() == []


def test_uploads_in_flight_per_author_are_limited(app, client, login, author, lesson):
    login(author)
    app.config["STUDIO_UPLOADS_IN_FLIGHT"] = 2
    try:
        assert create(client, lesson).status_code == 201
        assert create(client, lesson).status_code == 201
        third = create(client, lesson)
        assert third.status_code == 429
        assert "2 uploads under way" in third.get_data(as_text=True)
    finally:
        app.config["STUDIO_UPLOADS_IN_FLIGHT"] = 3  # the default again


def test_another_authors_upload_is_404(client, login, author, other_author, lesson):
    login(author)
    location = create(client, lesson).headers["Location"]
    client.post("/sign-out")
    login(other_author)
    assert client.head(location, headers=TUS).status_code == 404
    assert patch(client, location, 0, CLIP[:10]).status_code == 404
    assert client.delete(location, headers=TUS).status_code == 404
    # Nor may they upload into a lesson of a course they do not edit.
    assert create(client, lesson).status_code == 404
    assert db.session.scalars(select(Upload)).one().offset == 0


def test_a_patch_while_another_holds_the_upload_is_a_conflict(client, login, author, lesson):
    """The lease: a second PATCH at the same offset while the first is writing gets 409."""
    login(author)
    location = create(client, lesson).headers["Location"]
    db.session.execute(
        update(Upload).values(lock_token="someone", locked_until=utcnow() + timedelta(minutes=1))
    )
    db.session.commit()
    assert patch(client, location, 0, CLIP[:10]).status_code == 409
    # A lease left by a request that died expires, and the upload goes on.
    db.session.execute(update(Upload).values(locked_until=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert patch(client, location, 0, CLIP[:10]).status_code == 204


def _signed_in_connection(base_url: str, user):
    """An HTTP connection to the live server and the session cookie of ``user``."""
    parts = urlsplit(base_url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    body = urlencode({"identifier": user.email, "password": PASSWORD})
    connection.request(
        "POST", "/sign-in", body, {"Content-Type": "application/x-www-form-urlencoded"}
    )
    response = connection.getresponse()
    response.read()
    cookies = [c.split(";", 1)[0] for c in response.headers.get_all("Set-Cookie")]
    connection.close()
    return parts, next(c for c in cookies if c.startswith("session="))


def test_concurrent_patches_to_one_upload_leave_it_whole(app, live_server, author, lesson):
    """A PATCH is half-way through its body when a second PATCH at the same offset arrives
    on another connection: the second gets 409 (the first holds the lease), the first
    completes, and the stored file is exactly the original."""
    parts, cookie = _signed_in_connection(live_server, author)
    headers = {**TUS, "Cookie": cookie}
    first = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    first.request(
        "POST",
        "/studio/uploads/",
        headers={
            **headers,
            "Upload-Length": str(len(CLIP)),
            "Upload-Metadata": tus_metadata(filename="clip.mp4", lesson=lesson.id),
        },
    )
    created = first.getresponse()
    created.read()
    location = created.headers["Location"]
    first.putrequest("PATCH", location)
    for name, value in {
        **PATCH,
        "Cookie": cookie,
        "Upload-Offset": "0",
        "Content-Length": str(len(CLIP)),
    }.items():
        first.putheader(name, value)
    first.endheaders()
    half = len(CLIP) // 2
    first.send(CLIP[:half])
    # Wait until the first PATCH holds the lease and has written some bytes.
    second = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    for _attempt in range(200):
        db.session.expire_all()
        if db.session.scalars(select(Upload)).one().lock_token:
            break
        threading.Event().wait(0.05)
    second.request("PATCH", location, CLIP, {**PATCH, "Cookie": cookie, "Upload-Offset": "0"})
    conflict = second.getresponse()
    conflict.read()
    first.send(CLIP[half:])
    done = first.getresponse()
    done.read()
    assert conflict.status == 409
    assert done.status == 204 and done.headers["Upload-Offset"] == str(len(CLIP))
    db.session.expire_all()
    upload = db.session.scalars(select(Upload)).one()
    assert upload.status == "complete" and upload.lock_token is None
    asset = db.session.get(MediaAsset, upload.asset_id)
    assert b"".join(media.storage().open(asset.source_key)) == CLIP


def test_a_dropped_connection_keeps_the_bytes_that_arrived(client, login, author, lesson):
    """The body ends before its Content-Length: what came is kept; HEAD says where to resume."""
    login(author)
    location = create(client, lesson).headers["Location"]
    response = client.patch(
        location,
        input_stream=io.BytesIO(CLIP[:3000]),
        headers={**PATCH, "Upload-Offset": "0", "Content-Length": str(len(CLIP))},
    )
    assert response.status_code in (204, 400)
    offset = int(client.head(location, headers=TUS).headers["Upload-Offset"])
    assert offset == 3000
    assert patch(client, location, offset, CLIP[offset:]).status_code == 204
    upload = db.session.scalars(select(Upload)).one()
    assert upload.sha256 == hashlib.sha256(CLIP).hexdigest()


def test_a_coauthor_removed_from_the_course_can_no_longer_add_to_their_upload(
    client, login, author, other_author, lesson
):
    from app.studio import services

    services.add_coauthor(lesson.course, other_author.email)
    login(other_author)
    location = create(client, lesson).headers["Location"]
    services.remove_coauthor(lesson.course, other_author.id)
    assert patch(client, location, 0, CLIP[:10]).status_code == 404


def test_tus_writes_and_the_form_upload_need_the_pages_csrf_token(make_app, author, lesson):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    with app.app_context():
        html = client.get("/sign-in").get_data(as_text=True)
        token = html.split('name="csrf_token" value="')[1].split('"')[0]
        client.post(
            "/sign-in",
            data={"identifier": author.email, "password": PASSWORD, "csrf_token": token},
        )
        page = client.get(f"/studio/lessons/{lesson.id}").get_data(as_text=True)
        token = page.split('"X-CSRFToken":"')[1].split('"')[0]
        refused = create(client, lesson)
        assert refused.status_code == 403 and "reload" in refused.get_data(as_text=True)
        created = client.post(
            "/studio/uploads/",
            headers={
                **TUS,
                "X-CSRFToken": token,
                "Upload-Length": str(len(CLIP)),
                "Upload-Metadata": tus_metadata(filename="clip.mp4", lesson=lesson.id),
            },
        )
        assert created.status_code == 201
        location = created.headers["Location"]
        assert patch(client, location, 0, CLIP[:10]).status_code == 403
        assert patch(client, location, 0, CLIP[:10], **{"X-CSRFToken": token}).status_code == 204
        assert client.delete(location, headers=TUS).status_code == 403
        form = client.post(
            f"/studio/lessons/{lesson.id}/media",
            data={"file": (io.BytesIO(CLIP), "clip.mp4", "video/mp4")},
            content_type="multipart/form-data",
            follow_redirects=True,
        )
        assert "The page was out of date" in form.get_data(as_text=True)


def test_expired_uploads_are_swept_every_hour_by_the_job_queue(app, client, login, author, lesson):
    login(author)
    location = create(client, lesson).headers["Location"]
    patch(client, location, 0, CLIP[:100])
    kept = create(client, lesson).headers["Location"]
    db.session.execute(
        update(Upload)
        .where(Upload.id == location.rsplit("/", 1)[1])
        .values(expires_at=utcnow() - timedelta(seconds=1))
    )
    db.session.commit()
    task = app.extensions["jobs"].jobs["studio.expire_uploads"]
    huey = app.extensions["jobs"].huey
    assert "studio.expire_uploads" in [
        t.name for t in huey.read_periodic(datetime(2030, 1, 1, 9, 23))
    ]
    assert "studio.expire_uploads" not in [
        t.name for t in huey.read_periodic(datetime(2030, 1, 1, 9, 24))
    ]
    task.call_local()
    assert client.head(location, headers=TUS).status_code == 404
    assert client.head(kept, headers=TUS).status_code == 200
