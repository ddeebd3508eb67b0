"""A practice's video by media's resumable upload at /practices/uploads/ (tus, the studio's
one implementation): in pieces, cut off and resumed from HEAD's offset, then through the
real transcoding ladder; its author's alone, never attachable to another's practice;
refused with a message that says what to do when it is not a video or too long, the
practice's text kept; the last piece sent twice attaches it once."""

from __future__ import annotations

import hashlib
import io

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.media import services as media
from app.media.models import MediaAsset
from app.practices.models import Practice, PracticeUpload, Status
from tests.media_pipeline.conftest import lavfi_clip
from tests.practices.conftest import make_practice
from tests.services import require_ffmpeg
from tests.studio.conftest import tus_metadata

TUS = {"Tus-Resumable": "1.0.0"}
PATCH = {**TUS, "Content-Type": "application/offset+octet-stream"}


@pytest.fixture(scope="module")
def clip(tmp_path_factory):
    require_ffmpeg()
    folder = tmp_path_factory.mktemp("practice-tus")
    return lavfi_clip(folder / "huddle.mp4", size="320x240", seconds=3, rate=15).read_bytes()


def create(client, practice_id, data: bytes, name="huddle.mp4", filetype="video/mp4", **meta):
    meta = {"filename": name, "filetype": filetype, "practice": practice_id, **meta}
    return client.post(
        "/practices/uploads/",
        headers={**TUS, "Upload-Length": str(len(data)), "Upload-Metadata": tus_metadata(**meta)},
    )


def patch(client, location, offset, data, **headers):
    return client.patch(
        location, data=data, headers={**PATCH, "Upload-Offset": str(offset), **headers}
    )


def offset_of(client, location) -> int:
    head = client.head(location, headers=TUS)
    assert head.status_code == 200
    return int(head.headers["Upload-Offset"])


def _practice(practice_id) -> Practice:
    db.session.expire_all()
    return db.session.get(Practice, practice_id)


def test_in_pieces_cut_off_resumed_from_head_and_transcoded(w, client, login, clip):
    practice = make_practice(w, Status.DRAFT)
    login(w.amina)
    created = create(client, practice.id, clip)
    assert created.status_code == 201
    location = created.headers["Location"]
    assert location.startswith("/practices/uploads/")
    assert patch(client, location, 0, clip[:10_000]).status_code == 204

    # The link drops mid-piece: the body ends before its Content-Length. What arrived is
    # kept, and HEAD says where to go on from.
    cut = client.patch(
        location,
        input_stream=io.BytesIO(clip[10_000:15_000]),
        headers={**PATCH, "Upload-Offset": "10000", "Content-Length": str(len(clip) - 10_000)},
    )
    assert cut.status_code in (204, 400)
    offset = offset_of(client, location)
    assert offset == 15_000
    assert _practice(practice.id).video_asset_id is None  # nothing attached half-way

    while offset < len(clip):
        piece = clip[offset : offset + 20_000]
        assert patch(client, location, offset, piece).status_code == 204
        offset = offset_of(client, location)

    kept = _practice(practice.id)
    upload = db.session.scalars(select(PracticeUpload)).one()
    assert upload.status == "complete" and kept.video_asset_id == upload.asset_id
    assert upload.sha256 == hashlib.sha256(clip).hexdigest()
    assert kept.steps.startswith("Each class")

    media.run_transcode(upload.asset_id)  # the real job and ladder, as a worker runs it
    asset = db.session.get(MediaAsset, upload.asset_id)
    db.session.refresh(asset)
    assert asset.status == "ready", (asset.error, asset.error_detail)
    assert any(r.kind == "video" for r in asset.renditions)
    page = client.get(f"/practices/{practice.id}").get_data(as_text=True)
    assert "<video" in page and "Data saver" in page


def test_only_its_author_uploads_to_it_and_no_guessed_id_attaches_elsewhere(w, client, login, clip):
    mine = make_practice(w, Status.DRAFT)
    theirs = make_practice(w, Status.DRAFT, author=w.baraka, title="Baraka's")
    with_reviewer = make_practice(w, Status.SUBMITTED, title="Sent")

    login(w.baraka)  # in Amina's group, yet not her practice's author
    assert create(client, mine.id, clip).status_code == 404
    client.post("/sign-out")
    login(w.coach)  # not a leader: no practices of his own to upload to
    assert create(client, mine.id, clip).status_code == 403
    client.post("/sign-out")

    login(w.amina)
    assert create(client, theirs.id, clip).status_code == 404  # a guessed practice id
    assert create(client, with_reviewer.id, clip).status_code == 404  # not hers to change
    assert create(client, 10**9, clip).status_code == 404
    assert create(client, "x", clip).status_code == 404
    location = create(client, mine.id, clip).headers["Location"]
    assert patch(client, location, 0, clip[:5000]).status_code == 204
    client.post("/sign-out")

    # Baraka knows the upload's URL: it is not his (404), and HEAD tells him nothing.
    login(w.baraka)
    assert client.head(location, headers=TUS).status_code == 404
    assert patch(client, location, 5000, clip[5000:]).status_code == 404
    assert client.delete(location, headers=TUS).status_code == 404
    # The studio's endpoint does not know a practice's upload either.
    studio = location.replace("/practices/uploads/", "/studio/uploads/")
    client.post("/sign-out")
    login(w.amina)
    assert client.head(studio, headers=TUS).status_code in (403, 404)

    # Sent for review meanwhile: her own upload stops taking bytes.
    from app.practices import services

    services.submit_practice(_practice(mine.id), w.amina)
    assert patch(client, location, 5000, clip[5000:]).status_code == 404
    assert _practice(mine.id).video_asset_id is None
    assert _practice(theirs.id).video_asset_id is None


def test_what_is_not_a_video_is_refused_with_what_to_do_and_the_text_kept(w, client, login):
    practice = make_practice(w, Status.DRAFT)
    login(w.amina)
    refused = create(client, practice.id, b"notes" * 100, name="notes.txt", filetype="text/plain")
    assert refused.status_code == 415
    assert "is not a video. Choose the video your phone recorded" in refused.text
    assert "your text is kept" in refused.text

    # Named .mp4 but not one: refused when its last byte arrives.
    fake = b"\x00" * 4000
    location = create(client, practice.id, fake, name="fake.mp4").headers["Location"]
    last = patch(client, location, 0, fake)
    assert last.status_code == 415 and "it is not a video" in last.text
    kept = _practice(practice.id)
    assert kept.video_asset_id is None and kept.steps.startswith("Each class")
    assert db.session.scalar(select(func.count(MediaAsset.id))) == 0


def test_refusals_are_in_the_leaders_language(w, client, login):
    practice = make_practice(w, Status.DRAFT)
    w.amina.locale = "fr"
    db.session.commit()
    login(w.amina)
    refused = create(client, practice.id, b"notes", name="notes.txt", filetype="text/plain")
    assert "votre texte est gardé" in refused.text


def test_a_video_too_long_is_refused_by_the_job_and_the_page_says_what_to_do(
    app, w, client, login, clip
):
    practice = make_practice(w, Status.DRAFT)
    login(w.amina)
    location = create(client, practice.id, clip).headers["Location"]
    assert patch(client, location, 0, clip).status_code == 204  # no ffprobe on the request
    asset_id = _practice(practice.id).video_asset_id
    app.config["PRACTICES_VIDEO_MAX_SECONDS"] = 2  # the clip is 3 s
    try:
        media.run_transcode(asset_id)
    finally:
        app.config["PRACTICES_VIDEO_MAX_SECONDS"] = 180
    db.session.expire_all()
    assert db.session.get(MediaAsset, asset_id).status == "failed"
    page = client.get(f"/practices/{practice.id}").get_data(as_text=True)
    assert 'id="video-refusal"' in page
    assert "a practice&#39;s video can be at most 2 seconds" in page
    assert "Trim it on your phone and send it again; your text is kept." in page
    assert "Each class builds a corner" in page  # the text, as it was
    assert 'id="upload-form"' in page  # and she can send another
    w.amina.locale = "fr"  # and in her language
    db.session.commit()
    page = client.get(f"/practices/{practice.id}").get_data(as_text=True)
    assert "la vidéo d’une pratique ne peut pas dépasser 2 secondes" in page


def test_the_last_piece_sent_twice_attaches_once(w, client, login, clip):
    practice = make_practice(w, Status.DRAFT)
    login(w.amina)
    location = create(client, practice.id, clip).headers["Location"]
    assert patch(client, location, 0, clip[:-1000]).status_code == 204
    first = patch(client, location, len(clip) - 1000, clip[-1000:])
    again = patch(client, location, len(clip) - 1000, clip[-1000:])  # the double tap
    assert first.status_code == 204 and again.status_code == 409
    assert offset_of(client, location) == len(clip)
    assert db.session.scalar(select(func.count(MediaAsset.id))) == 1
    upload = db.session.scalars(select(PracticeUpload)).one()
    assert _practice(practice.id).video_asset_id == upload.asset_id


def test_expired_uploads_are_swept(w, client, login, clip):
    from datetime import timedelta

    from sqlalchemy import update

    from app.db import utcnow
    from app.practices import services

    practice = make_practice(w, Status.DRAFT)
    login(w.amina)
    location = create(client, practice.id, clip).headers["Location"]
    patch(client, location, 0, clip[:1000])
    db.session.execute(update(PracticeUpload).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert client.head(location, headers=TUS).status_code == 410
    assert services.expire_uploads() == 1
    assert client.head(location, headers=TUS).status_code == 404


def test_her_uploads_are_in_her_data_and_go_with_her_erasure(app, w, client, login, clip):
    from pathlib import Path

    from app.programmes.services import privacy

    draft = make_practice(w, Status.DRAFT)
    login(w.amina)
    location = create(client, draft.id, clip, name="assembly-day.mp4").headers["Location"]
    assert patch(client, location, 0, clip[:1000]).status_code == 204
    [row] = privacy.personal_data(w.amina)["practice_uploads"]
    assert row["filename"] == "assembly-day.mp4" and row["offset"] == 1000
    part = Path(app.config["STUDIO_UPLOAD_DIR"]) / f"{location.rsplit('/', 1)[1]}.part"
    assert part.exists()

    request = privacy.request_erasure(w.amina)
    assert privacy.complete_erasure(request, by=w.admin)
    assert db.session.scalar(select(func.count(PracticeUpload.id))) == 0
    assert not part.exists()  # the bytes of what was still arriving go too
