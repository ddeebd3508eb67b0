"""A practice's video: sent with a plain form, refused with a message that says what to do
when it is not a video or longer than the limit (the text is kept), queued for media's
ladder otherwise, and played only to those who may read the practice."""

from __future__ import annotations

import io

import pytest

from app.extensions import db
from app.media import services as media
from app.media.models import MediaAsset
from app.media.permissions import can_view_media
from app.practices.models import Practice, Status
from tests.media_pipeline.conftest import lavfi_clip
from tests.practices.conftest import make_practice


@pytest.fixture(scope="module")
def clip(tmp_path_factory):
    return lavfi_clip(tmp_path_factory.mktemp("practice") / "huddle.mp4", size="160x90", seconds=2)


def _send(client, practice, data: bytes, name: str, mimetype: str = "video/mp4"):
    return client.post(
        f"/practices/{practice.id}/video",
        data={"video": (io.BytesIO(data), name, mimetype)},
        content_type="multipart/form-data",
        follow_redirects=True,
    )


def test_a_video_goes_to_the_ladder(w, client, login, clip):
    practice = make_practice(w, Status.DRAFT)
    login(w.amina)
    page = _send(client, practice, clip.read_bytes(), "huddle.mp4")
    assert "The video is being prepared" in page.get_data(as_text=True)
    db.session.expire_all()
    asset = db.session.get(MediaAsset, db.session.get(Practice, practice.id).video_asset_id)
    assert asset is not None and asset.owner_id == w.amina.id
    # Who may play it follows who may read the practice: its author now, not Chen.
    assert can_view_media(w.amina, asset) and not can_view_media(w.chen, asset)


def test_not_a_video_is_refused_and_the_text_kept(w, client, login):
    practice = make_practice(w, Status.DRAFT)
    login(w.amina)
    page = _send(client, practice, b"hello, not a video", "notes.txt", "text/plain")
    assert "is not a video" in page.get_data(as_text=True)
    page = _send(client, practice, b"\x00" * 4000, "fake.mp4")
    assert page.status_code == 200
    db.session.expire_all()
    kept = db.session.get(Practice, practice.id)
    assert kept.video_asset_id is None and kept.steps.startswith("Each class")
    assert db.session.query(MediaAsset).count() == 0


def test_a_video_too_long_is_refused_by_the_job_not_the_request(app, w, client, login, clip):
    """The form post does not wait on ffprobe: the transcode job finds the length, refuses
    what is longer than a practice's limit, and the page tells the author what to do."""
    practice = make_practice(w, Status.DRAFT)
    login(w.amina)
    page = _send(client, practice, clip.read_bytes(), "long.mp4").get_data(as_text=True)
    assert "The video is being prepared" in page
    asset_id = db.session.get(Practice, practice.id).video_asset_id
    app.config["PRACTICES_VIDEO_MAX_SECONDS"] = 1  # the clip is 2 s
    try:
        media.run_transcode(asset_id)
    finally:
        app.config["PRACTICES_VIDEO_MAX_SECONDS"] = 180
    page = client.get(f"/practices/{practice.id}").get_data(as_text=True)
    assert "Trim it on your phone and send it again; your text is kept." in page
    assert "Each class builds a corner" in page


def test_only_its_author_sends_a_video_while_it_is_theirs(w, client, login, clip):
    practice = make_practice(w, Status.SUBMITTED)
    login(w.amina)
    assert _send(client, practice, clip.read_bytes(), "late.mp4").status_code == 403
    client.post("/sign-out")
    login(w.baraka)
    assert _send(client, practice, clip.read_bytes(), "theirs.mp4").status_code == 403


def test_sound_without_a_picture_is_refused_by_the_job(app, w, client, login, tmp_path):
    """An .mp4 that holds only sound is no practice video: the job refuses it and the page
    says what to send instead, the text kept. A lesson may still be sound alone."""
    import subprocess

    sound = tmp_path / "voice-note.mp4"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "sine=frequency=440:duration=2",
         "-c:a", "aac", str(sound)],
        check=True,
    )  # fmt: skip
    practice = make_practice(w, Status.DRAFT)
    login(w.amina)
    page = _send(client, practice, sound.read_bytes(), "voice-note.mp4").get_data(as_text=True)
    assert "The video is being prepared" in page
    media.run_transcode(db.session.get(Practice, practice.id).video_asset_id)
    page = client.get(f"/practices/{practice.id}").get_data(as_text=True)
    assert "sound but no picture" in page and "your text is kept" in page
    assert "Each class builds a corner" in page
