"""A finished video reaches its lesson when the transcode finishes, not when its author looks:
media announces the asset ready (``app.signals.asset_ready``) in the transaction that marks it,
and the studio points the lesson at it there (issue 25)."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from app.extensions import db
from app.learning.models import Lesson
from app.media import services as media
from app.media.models import MediaAsset
from app.studio import services
from app.studio.models import Upload


@pytest.fixture
def lesson(studio_course):
    course = studio_course()
    return db.session.scalar(select(Lesson).where(Lesson.course_id == course.id))


def _upload_by_form(client, lesson, clip):
    with open(clip, "rb") as f:
        return client.post(
            f"/studio/lessons/{lesson.id}/media?lang=en",
            data={"file": (io.BytesIO(f.read()), "assembly.mp4", "video/mp4")},
            content_type="multipart/form-data",
        )


def _asset_urls(page: str, asset_id: int) -> bool:
    return f"/media/{asset_id}/" in page


def test_a_replaced_video_reaches_leaders_though_its_author_closed_the_page(
    client, login, author, make_user, lesson, tiny_clip
):
    login(author)
    _upload_by_form(client, lesson, tiny_clip)
    first = db.session.scalars(select(Upload)).one()
    media.run_transcode(first.asset_id)  # nobody looks: the job alone sets the video
    services.publish_lesson(db.session.get(Lesson, lesson.id))
    services.publish_course(db.session.get(Lesson, lesson.id).course)

    assert _upload_by_form(client, lesson, tiny_clip).status_code == 303
    second = db.session.scalars(select(Upload).where(Upload.id != first.id)).one()
    client.post("/sign-out")  # the author closes the tab: no studio GET from here on
    media.run_transcode(second.asset_id)

    leader = make_user("leader")
    login(leader)
    lesson = db.session.get(Lesson, lesson.id)
    page = client.get(f"/learn/{lesson.course.slug}/{lesson.slug}")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert _asset_urls(body, second.asset_id), "the leader gets the new video"
    assert not _asset_urls(body, first.asset_id)
    db.session.expire_all()
    assert db.session.get(Upload, second.id).applied


def test_the_lesson_changes_in_the_transaction_that_marks_the_asset_ready(
    app, client, login, author, lesson, tiny_clip, monkeypatch
):
    """Should pointing the lesson at its video fail, the asset is not ready either (the job
    retries): the two are stored together or not at all."""
    login(author)
    _upload_by_form(client, lesson, tiny_clip)
    upload = db.session.scalars(select(Upload)).one()

    def broken(lesson, upload):
        raise RuntimeError("studio write failed")

    monkeypatch.setattr("app.studio.services.uploads._apply", broken)
    media.run_transcode(upload.asset_id)
    db.session.expire_all()
    assert db.session.get(MediaAsset, upload.asset_id).status != "ready"
    assert db.session.get(Lesson, lesson.id).media_asset_id is None
    assert not db.session.get(Upload, upload.id).applied


def test_an_older_upload_finishing_last_does_not_replace_a_newer_one(
    client, login, author, lesson, tiny_clip
):
    login(author)
    _upload_by_form(client, lesson, tiny_clip)
    _upload_by_form(client, lesson, tiny_clip)
    older, newer = db.session.scalars(select(Upload).order_by(Upload.completed_at)).all()
    media.run_transcode(newer.asset_id)
    media.run_transcode(older.asset_id)
    db.session.expire_all()
    assert db.session.get(Lesson, lesson.id).media_asset_id == newer.asset_id
    assert db.session.get(Upload, older.id).applied  # superseded: no longer pending


def test_uploads_made_ready_without_the_announcement_are_applied_by_the_sweep(
    client, login, author, lesson, tiny_clip
):
    """Assets made ready before the job announced it (an upgrade) reach their lessons too."""
    login(author)
    _upload_by_form(client, lesson, tiny_clip)
    upload = db.session.scalars(select(Upload)).one()
    db.session.get(MediaAsset, upload.asset_id).status = "ready"
    db.session.commit()
    assert services.apply_ready_uploads() == 1
    db.session.expire_all()
    assert db.session.get(Lesson, lesson.id).media_asset_id == upload.asset_id
    assert services.apply_ready_uploads() == 0
