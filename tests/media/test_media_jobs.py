"""The transcode job against the database: claim, publish once, fail with a reason, retry."""

from __future__ import annotations

import os
import shutil
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import event, func, select, update

from app.db import utcnow
from app.extensions import db
from app.media import services
from app.media.models import MediaAsset, Rendition
from media_pipeline.storage import LocalStorage


def _files_under(app, prefix: str) -> list[str]:
    root = Path(app.config["MEDIA_ROOT"]) / prefix
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def _reload(asset_id: int) -> MediaAsset:
    db.session.expire_all()
    return db.session.get(MediaAsset, asset_id)


def test_upload_is_stored_under_a_generated_key_and_transcoded(app, tiny_clip, make_user):
    author = make_user("author")
    asset = services.queue_transcode(
        tiny_clip, owner=author, captions=b"1\n00:00:00,000 --> 00:00:01,000\nHi\n"
    )
    db.session.commit()
    assert asset.status == "uploaded" and asset.source_key == f"{asset.key_prefix}/source"
    assert asset.original_filename == "tiny.mp4" and "tiny" not in asset.source_key
    assert asset.source_bytes == tiny_clip.stat().st_size

    services.run_transcode(asset.id)
    asset = _reload(asset.id)
    assert (asset.status, asset.progress, asset.attempts, asset.error) == ("ready", 100.0, 1, None)
    assert asset.duration_s == 2.0 and (asset.width, asset.height) == (320, 180)
    assert asset.poster_bytes and asset.poster_bytes <= 15_000
    assert asset.placeholder_data_uri.startswith("data:image/jpeg;base64,")
    assert asset.transcode_seconds > 0 and asset.finished_at >= asset.started_at
    names = [r.name for r in asset.renditions]
    assert names == ["144p", "audio", "audio-aac"]
    token = asset.job_token
    for rendition in asset.renditions:
        assert (
            rendition.storage_key
            == f"{asset.key_prefix}/{token}/{Path(rendition.storage_key).name}"
        )
        assert services.storage().size(rendition.storage_key) == rendition.bytes
        assert rendition.bitrate_kbps > 0 and abs(rendition.duration_s - 2.0) < 0.1
    assert asset.captions_key == f"{asset.key_prefix}/{token}/captions.vtt"
    assert b"".join(services.storage().open(asset.captions_key)).startswith(b"WEBVTT")
    # The video rung and the AAC audio also as fragmented MP4: a playlist, an init segment
    # and one 2 s segment per keyframe; the Opus file plays progressively only.
    segmented = {r.name: r for r in asset.renditions if r.playlist_key}
    assert sorted(segmented) == ["144p", "audio-aac"]
    assert segmented["144p"].playlist_key == f"{asset.key_prefix}/{token}/144p/index.m3u8"
    assert 0 < segmented["144p"].segments_bytes < segmented["144p"].bytes * 1.1
    segments = []
    for name, rendition in segmented.items():
        playlist = b"".join(services.storage().open(rendition.playlist_key)).decode()
        listed = [line for line in playlist.splitlines() if line and not line.startswith("#")]
        assert '#EXT-X-MAP:URI="init.mp4"' in playlist and listed[0] == "0000.m4s"
        segments += [f"{name}/{part}" for part in ("index.m3u8", "init.mp4", *listed)]
    assert _files_under(app, asset.key_prefix) == sorted(
        ["captions-source", "source"]
        + [
            f"{token}/{name}"
            for name in (
                *segments,
                "144p.mp4",
                "audio.webm",
                "audio-aac.m4a",
                "poster.jpg",
                "placeholder.jpg",
                "captions.vtt",
            )
        ]
    )
    assert list(Path(app.config["MEDIA_WORK_DIR"]).iterdir()) == [], "work folder cleaned"


def test_a_second_message_for_a_finished_job_does_nothing(app, ready_asset):
    asset = ready_asset()
    before = (asset.job_token, asset.attempts, [r.id for r in asset.renditions])
    services.run_transcode(asset.id)
    asset = _reload(asset.id)
    assert (asset.job_token, asset.attempts, [r.id for r in asset.renditions]) == before


def test_a_job_for_a_deleted_asset_does_nothing(app):
    services.run_transcode(987654)  # no error, nothing written
    assert db.session.scalar(select(func.count()).select_from(MediaAsset)) == 0


def test_a_rejected_upload_fails_with_the_human_reason_and_is_not_retried(app, tmp_path):
    text = tmp_path / "lesson.mp4"
    text.write_text("not a video\n")
    asset = services.queue_transcode(text)
    db.session.commit()
    services.run_transcode(asset.id)
    asset = _reload(asset.id)
    assert asset.status == "failed" and asset.attempts == 1
    assert asset.error == (
        "This is a text file, not a video or audio recording. Upload the video "
        "or audio file itself, for example an .mp4 from a phone."
    )
    assert asset.renditions == [] and _files_under(app, asset.key_prefix) == ["source"]


def test_our_failures_are_retried_with_backoff_then_given_up(app, tiny_clip):
    app.config.update(MEDIA_MAX_ATTEMPTS=2, MEDIA_RETRY_BACKOFF_S=10)
    try:
        asset = services.queue_transcode(tiny_clip)
        db.session.commit()
        # Storage lost the source: not the author's fault, so it counts as our failure.
        services.storage().delete(asset.source_key)
        services.run_transcode(asset.id)
        asset = _reload(asset.id)
        assert asset.status == "uploaded" and asset.attempts == 1 and asset.error is None
        assert "No such file" in asset.error_detail
        wait = (asset.next_attempt_at - utcnow()).total_seconds()
        assert 8 < wait <= 10

        services.run_transcode(asset.id)  # too early: the backoff is not over
        assert (_reload(asset.id).status, _reload(asset.id).attempts) == ("uploaded", 1)
        asset.next_attempt_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
        services.run_transcode(asset.id)
        asset = _reload(asset.id)
        assert asset.status == "failed" and asset.attempts == 2
        assert asset.error.startswith("We could not prepare this video after 2 attempts.")
        assert db.session.scalar(select(func.count()).select_from(Rendition)) == 0
    finally:
        app.config.update(MEDIA_MAX_ATTEMPTS=3, MEDIA_RETRY_BACKOFF_S=30)


def test_a_live_job_is_left_alone_and_a_dead_one_is_taken_over(app, tiny_clip):
    asset = services.queue_transcode(tiny_clip)
    db.session.commit()
    # Pretend a worker claimed it and is alive (fresh heartbeat).
    asset.status, asset.job_token, asset.attempts = "transcoding", "a" * 32, 1
    asset.heartbeat_at = utcnow()
    db.session.commit()
    services.run_transcode(asset.id)
    assert _reload(asset.id).job_token == "a" * 32, "a live holder keeps its job"
    assert services.sweep_stale_jobs() == []

    # It dies: leftovers in its work folder and half an upload under its token.
    work = Path(app.config["MEDIA_WORK_DIR"]) / f"asset-{asset.id}-{'a' * 32}"
    work.mkdir(parents=True)
    (work / "240p.mp4").write_bytes(b"half")
    services.storage().save(f"{asset.key_prefix}/{'a' * 32}/240p.mp4", Path(work / "240p.mp4"))
    asset = _reload(asset.id)
    asset.heartbeat_at = utcnow() - timedelta(seconds=app.config["MEDIA_STALE_AFTER_S"] + 5)
    db.session.commit()
    assert services.sweep_stale_jobs() == [asset.id]
    assert services.sweep_stale_jobs() == [], "already requeued; not again"
    asset = _reload(asset.id)
    assert asset.next_attempt_at > utcnow(), "after a backoff"
    asset.next_attempt_at = utcnow() - timedelta(seconds=1)  # the scheduled message is due
    db.session.commit()

    services.run_transcode(asset.id)
    asset = _reload(asset.id)
    assert asset.status == "ready" and asset.attempts == 2 and asset.job_token != "a" * 32
    assert not work.exists()
    assert not any(name.startswith("a" * 32) for name in _files_under(app, asset.key_prefix))
    assert [r.name for r in asset.renditions] == ["144p", "audio", "audio-aac"]


def test_retry_and_delete(app, tmp_path, ready_asset):
    text = tmp_path / "notes.mp4"
    text.write_text("notes\n")
    failed = services.queue_transcode(text)
    db.session.commit()
    services.run_transcode(failed.id)
    failed = _reload(failed.id)
    services.retry(failed)
    db.session.commit()
    failed = _reload(failed.id)
    assert (failed.status, failed.attempts, failed.error) == ("uploaded", 0, None)

    asset = ready_asset()
    prefix = asset.key_prefix
    services.delete_asset(asset)
    db.session.commit()
    assert _files_under(app, prefix) == [] and db.session.get(MediaAsset, asset.id) is None
    assert db.session.scalar(select(func.count()).select_from(Rendition)) == 0


def test_playback_lists_stable_sources_chosen_first_with_sizes_and_choices(app, ready_asset):
    asset = ready_asset()
    with app.test_request_context():
        _check_playback(asset)


def _check_playback(asset):
    playback = services.playback_for(asset.id)
    assert playback.status == "ready" and playback.kind == "video"
    assert [s.name for s in playback.sources] == ["144p", "audio", "audio-aac"]
    first = playback.sources[0]
    assert first.mimetype.startswith('video/mp4; codecs="avc1.4d40')
    assert first.size_bytes == asset.renditions[0].bytes and first.label == "144p video"
    # One URL per file for good: access is checked on each request, not carried in the URL.
    assert first.url == f"/media/{asset.id}/files/{asset.renditions[0].storage_key}"
    assert first.playlist.endswith("/144p/index.m3u8")
    # Every choice, with its cost; a clip smaller than 240p plays its one rung for all three.
    choices = {c.name: (c.source.name, c.size_bytes) for c in playback.choices}
    assert list(choices) == ["audio", "lowest", "low", "medium", "auto"]
    assert choices["audio"][0] == "audio-aac" and choices["low"][0] == "144p"
    assert playback.chosen == "low"
    listening = services.playback_for(asset.id, choice="audio")
    assert listening.chosen == "audio" and listening.sources[0].name == "audio-aac"
    storage = services.storage()
    assert isinstance(storage, LocalStorage)
    assert playback.poster and playback.placeholder and playback.captions[0].language == "en"
    assert services.playback_for(123456) is None


def test_playback_while_processing_and_after_failure(app, tiny_clip, tmp_path):
    waiting = services.queue_transcode(tiny_clip)
    db.session.commit()
    assert services.playback_for(waiting.id).status == "processing"
    broken = tmp_path / "broken.mp4"
    shutil.copy(tiny_clip, broken)
    os.truncate(broken, 0)
    failed = services.queue_transcode(broken)
    db.session.commit()
    services.run_transcode(failed.id)
    playback = services.playback_for(failed.id)
    assert playback.status == "failed" and playback.error.startswith("The file is empty")


def test_a_retry_decided_on_a_stale_read_never_undoes_a_published_asset(app, ready_asset):
    """The author saw 'failed' and pressed retry while a slow attempt was publishing."""
    from sqlalchemy.orm.attributes import set_committed_value

    asset = ready_asset()
    keys = [r.storage_key for r in asset.renditions]
    set_committed_value(asset, "status", "failed")  # what this request read a moment ago
    assert services.retry(asset) is False
    db.session.commit()
    services.run_transcode(asset.id)  # the message, had one been sent
    asset = _reload(asset.id)
    assert asset.status == "ready" and [r.storage_key for r in asset.renditions] == keys
    assert all(services.storage().exists(key) for key in keys), "published files kept"


class Ticking:
    """A clock that moves on a minute each time it is read: the job beats at every chance it
    has, so a test counts beats instead of sleeping and timing them."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        self.now += 60.0
        return self.now


def _heartbeat_of(asset_id: int, fresh: bool = False):
    if fresh:
        db.session.rollback()  # a new snapshot, to see another thread's commits
    return db.session.scalar(select(MediaAsset.heartbeat_at).where(MediaAsset.id == asset_id))


def test_a_slow_source_download_keeps_the_heartbeat_going(app, tiny_clip, monkeypatch):
    """With S3 the source is copied to the worker first; a big one takes longer than the
    stale limit, and a job without heartbeats meanwhile would be taken for dead."""
    asset = services.queue_transcode(tiny_clip)
    db.session.commit()
    store = services.storage()
    real_open = store.open
    beats = []

    def slow_open(key, *args, **kwargs):
        data = b"".join(real_open(key, *args, **kwargs))
        piece = len(data) // 10 + 1
        for start in range(0, len(data), piece):
            beats.append(_heartbeat_of(asset.id))
            yield data[start : start + piece]

    monkeypatch.setattr(store, "local_path", lambda key: None)
    monkeypatch.setattr(store, "open", slow_open)
    services.run_transcode(asset.id, clock=Ticking())
    assert len(beats) == 10 and len(set(beats)) == 10, "a beat between every two pieces"
    assert _reload(asset.id).status == "ready"


def test_only_a_due_asset_is_claimed(app, tiny_clip, monkeypatch):
    """Duplicate and early messages: never an attempt past the last, never before the backoff."""
    monkeypatch.setitem(app.config, "MEDIA_MAX_ATTEMPTS", 2)
    stale = utcnow() - timedelta(seconds=app.config["MEDIA_STALE_AFTER_S"] + 5)
    asset = services.queue_transcode(tiny_clip)
    db.session.commit()

    # A failed attempt is waiting out its backoff; a message arrives early.
    asset.attempts, asset.next_attempt_at = 1, utcnow() + timedelta(seconds=60)
    db.session.commit()
    services.run_transcode(asset.id)
    asset = _reload(asset.id)
    assert (asset.status, asset.attempts, asset.job_token) == ("uploaded", 1, None)

    # The last attempt's worker died; the sweeper requeued it, with a backoff. A duplicate
    # message in the meantime does not take it over early.
    asset.status, asset.job_token, asset.heartbeat_at = "transcoding", "a" * 32, stale
    asset.attempts, asset.next_attempt_at = 1, utcnow() + timedelta(seconds=60)
    db.session.commit()
    services.run_transcode(asset.id)
    asset = _reload(asset.id)
    assert (asset.status, asset.attempts, asset.job_token) == ("transcoding", 1, "a" * 32)

    # Its last attempt died: no message starts a third; the sweeper gives it up.
    asset.attempts, asset.next_attempt_at = 2, None
    db.session.commit()
    services.run_transcode(asset.id)
    asset = _reload(asset.id)
    assert (asset.status, asset.attempts, asset.job_token) == ("transcoding", 2, "a" * 32)
    assert services.sweep_stale_jobs() == []
    asset = _reload(asset.id)
    assert asset.status == "failed" and asset.error.startswith(
        "We could not prepare this video after 2 attempts."
    )

    # Retry (the button, `flask media retry`) counts attempts afresh: it runs at once.
    assert services.retry(asset)
    db.session.commit()
    services.run_transcode(asset.id)
    asset = _reload(asset.id)
    assert (asset.status, asset.attempts) == ("ready", 1)


@pytest.mark.parametrize("meanwhile", ["claim", "heartbeat", "retry"])
def test_the_sweeper_never_overwrites_what_changed_after_it_looked(app, tiny_clip, meanwhile):
    """Between the sweeper's read and its write, a new claim takes the job over, the slow but
    living worker beats, or the author presses retry: the sweeper's requeue or give-up,
    decided on what it read, must not land."""
    stale = utcnow() - timedelta(seconds=app.config["MEDIA_STALE_AFTER_S"] + 5)
    asset = services.queue_transcode(tiny_clip)
    db.session.commit()
    # Dead as far as the sweeper can tell; its last attempt unless a claim follows.
    last = app.config["MEDIA_MAX_ATTEMPTS"] - (1 if meanwhile == "claim" else 0)
    asset.status, asset.job_token, asset.attempts = "transcoding", "a" * 32, last
    asset.heartbeat_at = stale
    db.session.commit()
    now = utcnow()
    change = {
        "claim": dict(
            status="probing",
            job_token="b" * 32,
            attempts=last + 1,
            heartbeat_at=now,
            started_at=now,
            next_attempt_at=None,
        ),
        "heartbeat": dict(heartbeat_at=now, progress=50.0),
        "retry": dict(status="uploaded", attempts=0, next_attempt_at=None, queued_at=now),
    }[meanwhile]

    seen = []

    @event.listens_for(db.session, "do_orm_execute")
    def interleave(state):
        """Right after the sweeper's first read, another process writes the row."""
        if seen or not state.is_select:
            return None
        seen.append(state.statement)
        result = state.invoke_statement().freeze()
        with db.engine.begin() as other:
            other.execute(update(MediaAsset).where(MediaAsset.id == asset.id).values(**change))
        return result()

    try:
        assert services.sweep_stale_jobs() == []
    finally:
        event.remove(db.session, "do_orm_execute", interleave)
    assert seen, "the sweeper read"
    asset = _reload(asset.id)
    assert {column: getattr(asset, column) for column in change} == change
    assert asset.error is None and asset.error_detail is None


def test_a_waiting_asset_with_no_attempts_left_is_given_up_not_requeued_for_ever(
    app, tiny_clip, monkeypatch
):
    """MEDIA_MAX_ATTEMPTS lowered while it waited: no claim would take it."""
    asset = services.queue_transcode(tiny_clip)
    db.session.commit()
    asset.attempts = 2
    asset.queued_at = utcnow() - timedelta(seconds=app.config["MEDIA_STALE_AFTER_S"] + 5)
    db.session.commit()
    monkeypatch.setitem(app.config, "MEDIA_MAX_ATTEMPTS", 2)
    assert services.sweep_stale_jobs() == []
    asset = _reload(asset.id)
    assert asset.status == "failed" and asset.error.startswith(
        "We could not prepare this video after 2 attempts."
    )


def test_the_runs_after_the_ladder_keep_the_heartbeat_going(app, tiny_clip, monkeypatch):
    """Measuring each rendition, up to eight poster runs and the placeholder: on a slow
    machine with a 4K source these add up past the stale limit, so each is preceded by a
    beat."""
    from media_pipeline import pipeline

    asset = services.queue_transcode(tiny_clip)
    db.session.commit()
    beats = []

    def counted(step):
        def run(*args, **kwargs):
            if kwargs.get("duration_s", 0) == 0:  # not the ladder
                beats.append(_heartbeat_of(asset.id))
            return step(*args, **kwargs)

        return run

    monkeypatch.setattr(pipeline, "_measure", counted(pipeline._measure))
    monkeypatch.setattr(pipeline, "run_ffmpeg", counted(pipeline.run_ffmpeg))
    services.run_transcode(asset.id, clock=Ticking())
    # 3 measures, poster(s), placeholder: each found a heartbeat newer than the last run's.
    assert len(beats) >= 5 and len(set(beats)) == len(beats), beats
    assert _reload(asset.id).status == "ready"


def test_a_slow_upload_to_storage_keeps_the_heartbeat_going(app, tiny_clip, monkeypatch):
    """One big rendition going up to S3 over a slow link can take longer than the stale
    limit; the job beats from a thread of its own meanwhile. Each upload here lasts until
    three more beats have landed (or, if none come, 30 s, and the test fails)."""
    asset = services.queue_transcode(tiny_clip)
    db.session.commit()
    store = services.storage()
    real_save = store.save
    beats_per_upload = []

    def slow_save(key, source, *args, **kwargs):
        if key.endswith("/144p.mp4"):  # the progressive rendition, not the source
            seen = {_heartbeat_of(asset.id, fresh=True)}
            give_up = time.monotonic() + 30
            while len(seen) < 4 and time.monotonic() < give_up:
                time.sleep(0.01)
                seen.add(_heartbeat_of(asset.id, fresh=True))
            beats_per_upload.append(len(seen) - 1)
        return real_save(key, source, *args, **kwargs)

    monkeypatch.setattr(store, "save", slow_save)
    services.run_transcode(asset.id, beat_every_s=0.05)
    assert beats_per_upload == [3], beats_per_upload  # one video rung, three beats during it
    assert _reload(asset.id).status == "ready"
