"""An author's videos have a quota on disk, checked before an upload starts; failed
uploads nobody retried are removed after their retention, by the job queue."""

from __future__ import annotations

import io
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from app.db import utcnow
from app.extensions import db
from app.learning.models import Lesson
from app.media import services as media
from app.media.models import MediaAsset, MediaStatus
from app.studio import services
from app.studio.models import Upload
from tests.studio.test_tus import CLIP, create

FULL = "is left. Remove videos and failed uploads you no longer need"


@pytest.fixture
def lesson(studio_course):
    course = studio_course()
    return db.session.scalar(select(Lesson).where(Lesson.course_id == course.id))


@pytest.fixture
def small_quota(app):
    saved = app.config["STUDIO_AUTHOR_QUOTA_BYTES"]
    app.config["STUDIO_AUTHOR_QUOTA_BYTES"] = int(2.5 * len(CLIP))
    yield
    app.config["STUDIO_AUTHOR_QUOTA_BYTES"] = saved


def test_an_upload_past_the_authors_quota_is_refused_before_it_starts(
    app, client, login, author, other_author, lesson, studio_course, small_quota
):
    login(author)
    assert create(client, lesson).status_code == 201
    assert create(client, lesson).status_code == 201  # both announced lengths are counted
    refused = create(client, lesson)
    assert refused.status_code == 413 and FULL in refused.text
    assert db.session.scalar(select(db.func.count()).select_from(Upload)) == 2
    # Without JavaScript, the same answer, and nothing is stored.
    response = client.post(
        f"/studio/lessons/{lesson.id}/media",
        data={"file": (io.BytesIO(CLIP), "assembly.mp4", "video/mp4")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert FULL in response.text
    assert db.session.scalar(select(db.func.count()).select_from(MediaAsset)) == 0
    # Another author's room is their own.
    client.post("/sign-out")
    course = studio_course(other_author, title="Theirs")
    theirs = db.session.scalar(select(Lesson).where(Lesson.course_id == course.id))
    login(other_author)
    assert create(client, theirs).status_code == 201


def _failed_upload(owner, lesson, finished_at: datetime) -> MediaAsset:
    asset = media.queue_transcode(io.BytesIO(CLIP), owner=owner, original_filename="x.mp4")
    db.session.flush()
    asset.status, asset.finished_at = MediaStatus.FAILED, finished_at
    db.session.add(
        Upload(
            id=f"u{asset.id:031d}",
            owner_id=owner.id,
            lesson_id=lesson.id,
            language="en",
            length=len(CLIP),
            offset=len(CLIP),
            status="complete",
            storage_key=asset.source_key,
            asset_id=asset.id,
            applied=False,
            expires_at=utcnow(),
        )
    )
    db.session.commit()
    return asset


def test_failed_uploads_are_removed_after_their_retention_by_the_job_queue(app, author, lesson):
    retention = timedelta(seconds=app.config["STUDIO_FAILED_SOURCE_RETENTION_S"])
    old = _failed_upload(author, lesson, utcnow() - retention - timedelta(hours=1))
    recent = _failed_upload(author, lesson, utcnow() - retention + timedelta(hours=1))
    played = _failed_upload(author, lesson, utcnow() - retention - timedelta(hours=1))
    lesson.media_asset_id = played.id
    db.session.commit()
    old, recent, played = ((asset.id, asset.source_key) for asset in (old, recent, played))
    used = services.bytes_used(author)

    task = app.extensions["jobs"].jobs["studio.remove_failed_uploads"]
    huey = app.extensions["jobs"].huey
    due = [t.name for t in huey.read_periodic(datetime(2030, 1, 1, 9, 41))]
    assert "studio.remove_failed_uploads" in due
    task.call_local()
    task.call_local()  # every consumer enqueues it: a second run finds nothing

    db.session.expire_all()
    assert db.session.get(MediaAsset, old[0]) is None
    assert not media.storage().exists(old[1])
    assert old[0] not in db.session.scalars(select(Upload.asset_id)).all()
    for asset_id, source_key in (recent, played):
        assert db.session.get(MediaAsset, asset_id) is not None
        assert media.storage().size(source_key) == len(CLIP)
    assert services.bytes_used(author) == used - len(CLIP)
