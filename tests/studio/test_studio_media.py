"""A lesson's video in the studio: the live status block, replacing a video without a gap,
captions per language, a failed transcode with its reason and retry."""

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
from tests.media.conftest import CAPTIONS

HX = {"HX-Request": "true"}


@pytest.fixture
def lesson(studio_course):
    course = studio_course()
    return db.session.scalar(select(Lesson).where(Lesson.course_id == course.id))


def _upload_by_form(client, lesson, clip, lang="en"):
    with open(clip, "rb") as f:
        return client.post(
            f"/studio/lessons/{lesson.id}/media?lang={lang}",
            data={"file": (io.BytesIO(f.read()), "assembly.mp4", "video/mp4")},
            content_type="multipart/form-data",
        )


def test_the_status_block_polls_until_the_video_is_ready_then_stops(
    client,
    login,
    author,
    lesson,
    tiny_clip,
):
    login(author)
    assert _upload_by_form(client, lesson, tiny_clip).status_code == 303
    waiting = client.get(f"/studio/lessons/{lesson.id}/media", headers=HX)
    assert waiting.status_code == 200
    assert "Waiting for its turn" in waiting.get_data(as_text=True)
    assert 'hx-trigger="every 3s"' in waiting.get_data(as_text=True)
    upload = db.session.scalars(select(Upload)).one()
    media.run_transcode(upload.asset_id)
    done = client.get(f"/studio/lessons/{lesson.id}/media", headers=HX)
    assert done.status_code == 286
    body = done.get_data(as_text=True)
    assert "Ready." in body and "every 3s" not in body.split("media-status")[0]
    assert 'id="publish" hx-swap-oob="true"' in body
    db.session.expire_all()
    assert db.session.get(Lesson, lesson.id).media_asset_id == upload.asset_id
    # Without htmx the same address is the lesson page.
    assert client.get(f"/studio/lessons/{lesson.id}/media").status_code == 303


def test_replacing_a_video_keeps_the_old_one_playing_until_the_new_one_is_ready(
    client,
    login,
    author,
    lesson,
    tiny_clip,
):
    login(author)
    _upload_by_form(client, lesson, tiny_clip)
    first = db.session.scalars(select(Upload)).one()
    media.run_transcode(first.asset_id)
    services.publish_lesson(db.session.get(Lesson, lesson.id))

    _upload_by_form(client, lesson, tiny_clip)
    second = db.session.scalars(select(Upload).where(Upload.id != first.id)).one()
    page = client.get(f"/studio/lessons/{lesson.id}").get_data(as_text=True)
    assert "Leaders see the current video until the new one is ready." in page
    db.session.expire_all()
    assert db.session.get(Lesson, lesson.id).media_asset_id == first.asset_id
    assert db.session.get(Lesson, lesson.id).published
    media.run_transcode(second.asset_id)
    client.get(f"/studio/lessons/{lesson.id}")
    db.session.expire_all()
    assert db.session.get(Lesson, lesson.id).media_asset_id == second.asset_id


def test_a_failed_video_says_why_and_can_be_tried_again(
    app,
    client,
    login,
    author,
    lesson,
    tiny_clip,
):
    login(author)
    _upload_by_form(client, lesson, tiny_clip)
    upload = db.session.scalars(select(Upload)).one()
    asset = db.session.get(MediaAsset, upload.asset_id)
    asset.status, asset.error_template, asset.error_params = (
        "failed",
        "It broke: %(why)s",
        {"why": "no video stream"},
    )
    db.session.commit()
    response = client.get(f"/studio/lessons/{lesson.id}/media", headers=HX)
    assert response.status_code == 286
    assert "no video stream" in response.get_data(as_text=True)
    assert "Its video is still being uploaded or prepared." in [
        b.template for b in services.lesson_blockers(lesson)
    ]
    client.post(f"/studio/lessons/{lesson.id}/media/retry")
    db.session.expire_all()
    assert db.session.get(MediaAsset, upload.asset_id).status == "uploaded"


def test_captions_per_language_make_the_video_again_with_them(
    client,
    login,
    author,
    lesson,
    tiny_clip,
):
    login(author)
    _upload_by_form(client, lesson, tiny_clip)
    first = db.session.scalars(select(Upload)).one()
    media.run_transcode(first.asset_id)
    client.get(f"/studio/lessons/{lesson.id}")  # the lesson takes the ready video
    response = client.post(
        f"/studio/lessons/{lesson.id}/captions",
        data={"language": "fr", "captions": (io.BytesIO(CAPTIONS), "fr.srt")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    captioned = db.session.scalars(select(Upload).where(Upload.language == "fr")).one()
    assert captioned.asset.captions_language == "fr"
    media.run_transcode(captioned.asset_id)
    client.get(f"/studio/lessons/{lesson.id}?lang=fr")
    db.session.expire_all()
    lesson = db.session.get(Lesson, lesson.id)
    [fr] = lesson.media_translations
    assert fr.media_asset_id == captioned.asset_id and fr.media_source is None
    assert fr.captions_source == f"media/{lesson.slug}.fr.vtt"
    assert lesson.media_asset_id == first.asset_id  # English plays on, as it was

    bad = client.post(
        f"/studio/lessons/{lesson.id}/captions",
        data={"language": "fr", "captions": (io.BytesIO(b"x"), "notes.docx")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "Captions are a .vtt or .srt file." in bad.get_data(as_text=True)


def test_the_form_upload_refuses_what_is_not_media(client, login, author, lesson):
    login(author)
    response = client.post(
        f"/studio/lessons/{lesson.id}/media",
        data={"file": (io.BytesIO(b"%PDF-1.4 hello"), "clip.mp4", "video/mp4")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "clip.mp4 is not a video or audio file." in response.get_data(as_text=True)
    assert db.session.scalars(select(Upload)).all() == []


def test_a_studio_video_exports_with_its_course_and_imports_back_unchanged(
    client,
    login,
    author,
    lesson,
    tiny_clip,
    runner,
    tmp_path,
):
    from app.learning import services as learning
    from app.learning.models import Course

    login(author)
    _upload_by_form(client, lesson, tiny_clip)
    upload = db.session.scalars(select(Upload)).one()
    media.run_transcode(upload.asset_id)
    client.get(f"/studio/lessons/{lesson.id}")
    services.publish_lesson(db.session.get(Lesson, lesson.id))
    course = db.session.get(Course, lesson.course_id)
    services.publish_course(course)
    before = learning.course_to_spec(course)
    assert before.modules[0].lessons[0].media == f"media/{lesson.slug}.mp4"

    out = tmp_path / "export"
    result = runner.invoke(args=["learning", "export", course.slug, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert (out / "media" / f"{lesson.slug}.mp4").read_bytes() == tiny_clip.read_bytes()
    result = runner.invoke(args=["learning", "import", str(out)])
    assert result.exit_code == 0, result.output
    assert "0 lessons added, 0 updated, 0 unpublished" in result.output
    assert "media queued" not in result.output  # the same file: nothing to transcode again
    db.session.expire_all()
    assert learning.course_to_spec(db.session.get(Course, course.id)) == before
    assert db.session.get(Lesson, lesson.id).media_asset_id == upload.asset_id
