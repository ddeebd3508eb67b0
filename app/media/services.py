"""Media operations: accept an upload, run its transcode job, publish, and play it back.

The job handler (:func:`run_transcode`) treats the database as the truth:

1. *claim*: one conditional UPDATE moves the asset to ``probing`` with a fresh ``job_token``
   — only if nobody holds it, or its holder's heartbeat is stale, and only if it is due: an
   attempt left and its backoff (``next_attempt_at``) over. A duplicate or early queue
   message finds nothing to claim and returns; the scheduled message or the sweeper comes.
2. *work* in a private folder (``MEDIA_WORK_DIR/asset-<id>-<token>``), beating the heartbeat
   from ffmpeg's progress; losing the claim (someone else took over) stops ffmpeg.
3. *publish*: every file is saved to storage (atomically) under ``<prefix>/<token>/…``, a key
   no other attempt uses, and only then one transaction — still conditional on the token —
   inserts the renditions and marks the asset ready. The unique (asset, name) constraint
   makes a second set impossible.
4. whatever happens, the work folder is removed; on failure this attempt's uploads are
   deleted; files left by a killed attempt are removed by the attempt that replaces it.

Failures of the upload itself (``MediaRejected``) fail the asset with the human reason. Our
failures are retried with exponential backoff up to ``MEDIA_MAX_ATTEMPTS``. The reason is kept
in English and as a template with parameters; :func:`error_text` shows it in the reader's
language.

Services never commit, except the job functions, which own their transactions.
"""

from __future__ import annotations

import io
import logging
import os
import shutil
import socket
import threading
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import BinaryIO

from flask import current_app, has_request_context
from flask_babel import gettext
from sqlalchemy import Row, event, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from app.db import utcnow
from app.extensions import db
from media_pipeline.errors import N_, MediaRejected, render
from media_pipeline.limits import Limits
from media_pipeline.pipeline import transcode
from media_pipeline.storage import LocalStorage, S3Storage, Storage, new_key

from .models import MediaAsset, MediaStatus, Rendition

log = logging.getLogger(__name__)

SOURCE_NAME = "source"
CAPTIONS_SOURCE_NAME = "captions-source"
HEARTBEAT_EVERY_S = 2.0
GIVE_UP_MESSAGE = N_(
    "We could not prepare this video after %(attempts)s attempts. Try uploading it again; "
    "if it keeps failing, tell your programme's support contact."
)
NO_ERROR = {"error": None, "error_template": None, "error_params": None}
CONTENT_TYPES = {
    ".mp4": "video/mp4",
    ".webm": "audio/webm",
    ".m4a": "audio/mp4",
    ".jpg": "image/jpeg",
    ".vtt": "text/vtt",
    ".json": "application/json",
}


class LostClaim(Exception):
    """Another attempt took this asset over (our heartbeat was judged stale)."""


def _error(template: str, params: dict) -> dict:
    """The asset columns for an error: the English sentence, and its template and parameters."""
    return {"error": render(template, params), "error_template": template, "error_params": params}


def error_text(asset: MediaAsset) -> str | None:
    """The asset's error for a person, in the language of the current request.

    Errors stored before templates were kept, or a translation whose placeholders do not fit,
    fall back to the English sentence in ``asset.error``.
    """
    if asset.error_template is None or not has_request_context():
        return asset.error
    try:
        return render(asset.error_template, asset.error_params, gettext)
    except (KeyError, TypeError, ValueError):
        log.exception("media asset %s: cannot translate its error", asset.id)
        return asset.error


# --- configuration ------------------------------------------------------------------------------


def configure(app) -> None:
    """Media settings with embedded defaults; each can be overridden (``HEADWAY_MEDIA_…``)."""
    instance = Path(app.instance_path)
    defaults = {
        "MEDIA_ROOT": str(instance / "media"),
        "MEDIA_WORK_DIR": str(instance / "media-work"),
        "MEDIA_QUEUE_PATH": str(instance / "media-queue.db"),
        "MEDIA_WORKERS": 1,
        "MEDIA_MAX_ATTEMPTS": 3,
        "MEDIA_STALE_AFTER_S": 90,
        "MEDIA_SWEEP_INTERVAL_S": 30,
        "MEDIA_RETRY_BACKOFF_S": 30,
        "MEDIA_URL_EXPIRES_S": 6 * 3600,
        "MEDIA_URL_BUCKET_S": 3600,
        "MEDIA_MAX_MINUTES": 30,
        "MEDIA_MAX_BYTES": 4 * 1024**3,
        "INPROCESS_WORKER": False,
    }
    for key, value in defaults.items():
        app.config.setdefault(key, value)
    for key in (
        "S3_BUCKET",
        "S3_ENDPOINT_URL",
        "S3_REGION",
        "S3_ACCESS_KEY_ID",
        "S3_SECRET_ACCESS_KEY",
        "S3_PUBLIC_ENDPOINT_URL",
        "S3_PREFIX",
    ):
        app.config.setdefault(key, os.environ.get(key))


def create_storage(app) -> Storage:
    config = app.config
    if config.get("S3_BUCKET"):
        return S3Storage(
            config["S3_BUCKET"],
            endpoint_url=config.get("S3_ENDPOINT_URL"),
            region=config.get("S3_REGION"),
            access_key=config.get("S3_ACCESS_KEY_ID"),
            secret_key=config.get("S3_SECRET_ACCESS_KEY"),
            public_endpoint_url=config.get("S3_PUBLIC_ENDPOINT_URL"),
            prefix=config.get("S3_PREFIX") or "",
            bucket_s=int(config["MEDIA_URL_BUCKET_S"]),
        )
    return LocalStorage(
        Path(config["MEDIA_ROOT"]),
        base_url="/media/files",
        # A key of its own, derived so it changes whenever SECRET_KEY does.
        secret=f"media-url:{config['SECRET_KEY']}",
        bucket_s=int(config["MEDIA_URL_BUCKET_S"]),
    )


def storage() -> Storage:
    return current_app.extensions["media_storage"]


def limits() -> Limits:
    config = current_app.config
    return Limits(
        max_duration_s=float(config["MEDIA_MAX_MINUTES"]) * 60,
        max_bytes=int(config["MEDIA_MAX_BYTES"]),
    )


# --- accepting an upload --------------------------------------------------------------------------


def queue_transcode(
    source: Path | str | BinaryIO,
    *,
    owner=None,
    original_filename: str | None = None,
    captions: Path | str | bytes | None = None,
    captions_language: str = "en",
    title: str | None = None,
) -> MediaAsset:
    """Copy ``source`` into storage under a generated key, create its asset, and queue it.

    The job is queued when the caller's transaction commits (so a worker can never look for
    an asset that is not there yet); the sweeper requeues it should that message be lost.
    """
    prefix = new_key()
    source_key = f"{prefix}/{SOURCE_NAME}"
    if isinstance(source, (str, Path)):
        original_filename = original_filename or Path(source).name
    size = storage().save(source_key, Path(source) if isinstance(source, str) else source)
    asset = MediaAsset(
        owner_id=getattr(owner, "id", owner),
        key_prefix=prefix,
        source_key=source_key,
        source_bytes=size,
        original_filename=(original_filename or title or "")[:255],
        status=MediaStatus.UPLOADED,
        queued_at=utcnow(),
    )
    if captions is not None:
        data = Path(captions).read_bytes() if isinstance(captions, (str, Path)) else captions
        asset.captions_key = f"{prefix}/{CAPTIONS_SOURCE_NAME}"
        asset.captions_language = captions_language
        storage().save(asset.captions_key, io.BytesIO(data))
    db.session.add(asset)
    db.session.flush()
    enqueue_after_commit(asset.id)
    return asset


def enqueue_after_commit(asset_id: int, delay_s: float = 0) -> None:
    from app.media.tasks import queue

    media_queue = queue()
    session = db.session()

    @event.listens_for(session, "after_commit", once=True)
    def _enqueue(_session) -> None:
        try:
            media_queue.enqueue_transcode(asset_id, delay_s)
        except Exception:  # the sweeper will find it; the upload itself is safe
            log.exception("could not queue media asset %s", asset_id)


def retry(asset: MediaAsset) -> bool:
    """Queue a failed (or stuck) asset again, with its attempts counted afresh.

    Conditional on the row as it is now, not as the caller read it: an attempt may have
    published meanwhile, and a ready asset put back in the queue would have its files removed
    by the next attempt. Returns whether the asset was queued.
    """
    result = db.session.execute(
        update(MediaAsset)
        .where(MediaAsset.id == asset.id, MediaAsset.status != MediaStatus.READY)
        .values(
            status=MediaStatus.UPLOADED,
            attempts=0,
            **NO_ERROR,
            error_detail=None,
            progress=0.0,
            next_attempt_at=None,
            queued_at=utcnow(),
        )
        .execution_options(synchronize_session=False)
    )
    db.session.expire(asset)
    if result.rowcount != 1:
        return False
    enqueue_after_commit(asset.id)
    return True


# --- the job ---------------------------------------------------------------------------------------


def _stale_before(now: datetime) -> datetime:
    return now - timedelta(seconds=float(current_app.config["MEDIA_STALE_AFTER_S"]))


def _token_is(token: str | None):
    return MediaAsset.job_token.is_(None) if token is None else MediaAsset.job_token == token


def _claim(asset_id: int) -> tuple[str, Row] | None:
    """Take the asset for this attempt; return (token, the row as read before: the previous
    attempt's ``job_token`` and the asset's storage keys)."""
    now = utcnow()
    current = db.session.execute(
        select(
            MediaAsset.job_token,
            MediaAsset.key_prefix,
            MediaAsset.source_key,
            MediaAsset.captions_key,
        ).where(MediaAsset.id == asset_id)
    ).first()
    db.session.rollback()  # end the read transaction before the conditional write
    if current is None:
        return None
    previous_token = current.job_token
    token = uuid.uuid4().hex
    claimable = or_(
        MediaAsset.status == MediaStatus.UPLOADED,
        (
            MediaAsset.status.in_([MediaStatus.PROBING, MediaStatus.TRANSCODING])
            & (MediaAsset.heartbeat_at < _stale_before(now))
        ),
    )
    # Due: attempts left, and its backoff over. A message that comes early (a duplicate, or
    # one sent before a retry was scheduled) takes nothing; the scheduled message or the
    # sweeper comes back for it. Out of attempts, the sweeper gives it up.
    due = (MediaAsset.attempts < int(current_app.config["MEDIA_MAX_ATTEMPTS"])) & or_(
        MediaAsset.next_attempt_at.is_(None), MediaAsset.next_attempt_at <= now
    )
    result = db.session.execute(
        update(MediaAsset)
        .where(MediaAsset.id == asset_id, claimable, due, _token_is(previous_token))
        .values(
            status=MediaStatus.PROBING,
            job_token=token,
            attempts=MediaAsset.attempts + 1,
            heartbeat_at=now,
            started_at=now,
            progress=0.0,
            next_attempt_at=None,
            worker=f"{socket.gethostname()}:{os.getpid()}"[:120],
        )
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return (token, current) if result.rowcount == 1 else None


def _if_ours(asset_id: int, token: str, **values) -> bool:
    """Update the asset only while ``token`` holds it, and commit; say whether it did."""
    result = db.session.execute(
        update(MediaAsset)
        .where(MediaAsset.id == asset_id, MediaAsset.job_token == token)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount == 1


def _beat(asset_id: int, token: str, **values) -> None:
    """Heartbeat (and progress/status) for the holder of ``token``; raise if we lost it."""
    if not _if_ours(asset_id, token, heartbeat_at=utcnow(), **values):
        raise LostClaim(asset_id)


@dataclass
class _Heartbeat:
    asset_id: int
    token: str
    last: float = field(default_factory=time.monotonic)

    def progress(self, percent: float) -> None:
        if time.monotonic() - self.last >= HEARTBEAT_EVERY_S or percent >= 100:
            self.last = time.monotonic()
            _beat(
                self.asset_id,
                self.token,
                progress=round(min(percent, 99.0), 1),
                status=MediaStatus.TRANSCODING,
            )

    def alive(self) -> None:
        """Beat when due, for long work that is not ffmpeg's (copying the source in)."""
        if time.monotonic() - self.last >= HEARTBEAT_EVERY_S:
            self.last = time.monotonic()
            _beat(self.asset_id, self.token)

    @contextmanager
    def meanwhile(self):
        """Beat from a thread of its own while one blocking call (an upload) runs here."""
        app = current_app._get_current_object()
        done = threading.Event()

        def beat() -> None:
            with app.app_context():
                while not done.wait(HEARTBEAT_EVERY_S):
                    try:
                        _beat(self.asset_id, self.token)
                    except LostClaim:
                        return  # the beat after the upload raises it where it is handled

        thread = threading.Thread(target=beat, name=f"media-beat-{self.asset_id}", daemon=True)
        thread.start()
        try:
            yield
        finally:
            done.set()
            thread.join()
        _beat(self.asset_id, self.token)
        self.last = time.monotonic()


def run_transcode(asset_id: int) -> None:
    """The job handler: reload by id, do nothing if gone or taken, clean up in ``finally``."""
    claim = _claim(asset_id)
    if claim is None:
        log.info("media asset %s: nothing to do (gone, done, or held by a live worker)", asset_id)
        return
    token, row = claim
    prefix, source_key, captions_key = row.key_prefix, row.source_key, row.captions_key
    previous_token = row.job_token
    store = storage()

    # The attempt we replace is dead (its heartbeat went stale): remove what it left behind.
    work_root = Path(current_app.config["MEDIA_WORK_DIR"])
    work_root.mkdir(parents=True, exist_ok=True)
    for stale in work_root.glob(f"asset-{asset_id}-*"):
        shutil.rmtree(stale, ignore_errors=True)
    if previous_token:
        store.delete_prefix(f"{prefix}/{previous_token}")

    work = work_root / f"asset-{asset_id}-{token}"
    work.mkdir()
    uploaded: list[str] = []
    started = time.monotonic()
    heartbeat = _Heartbeat(asset_id, token)
    try:
        source = store.local_path(source_key)
        if source is None:
            source = work / SOURCE_NAME
            with source.open("wb") as out:
                for chunk in store.open(source_key):
                    out.write(chunk)
                    heartbeat.alive()
        captions = None
        if captions_key and captions_key.endswith(CAPTIONS_SOURCE_NAME):
            captions = b"".join(store.open(captions_key))

        _beat(asset_id, token, status=MediaStatus.TRANSCODING)
        manifest = transcode(
            source, work / "out", limits=limits(), progress=heartbeat.progress, captions=captions
        )

        keys = {}
        for name in manifest.filenames:
            key = f"{prefix}/{token}/{name}"
            uploaded.append(key)  # (removed again if anything below fails)
            with heartbeat.meanwhile():  # one upload to S3 can outlast the stale limit
                store.save(key, work / "out" / name, CONTENT_TYPES.get(Path(name).suffix))
            keys[name] = key
        _publish(asset_id, token, manifest, keys, time.monotonic() - started)
        uploaded.clear()  # published: these are the asset's files now
        log.info("media asset %s ready in %.1f s", asset_id, time.monotonic() - started)
    except LostClaim:
        db.session.rollback()
        log.warning("media asset %s: another attempt took over; dropping this one", asset_id)
    except MediaRejected as rejected:
        db.session.rollback()
        _finish(
            asset_id,
            token,
            status=MediaStatus.FAILED,
            error_detail=None,
            **_error(rejected.template, rejected.params),
        )
    except Exception as failure:
        db.session.rollback()
        log.exception("media asset %s: transcode attempt failed", asset_id)
        _schedule_retry_or_fail(asset_id, token, detail=str(failure))
    finally:
        for key in uploaded:
            try:
                store.delete(key)
            except Exception:
                log.exception("could not remove %s", key)
        shutil.rmtree(work, ignore_errors=True)


def _publish(asset_id: int, token: str, manifest, keys: dict[str, str], seconds: float) -> None:
    """One transaction: still ours? then renditions in, status ready."""
    now = utcnow()
    values = dict(
        status=MediaStatus.READY,
        progress=100.0,
        finished_at=now,
        heartbeat_at=now,
        **NO_ERROR,
        error_detail=None,
        transcode_seconds=round(seconds, 2),
        duration_s=manifest.source.duration_s,
        width=manifest.source.width,
        height=manifest.source.height,
        poster_key=keys.get(manifest.poster.filename) if manifest.poster else None,
        poster_bytes=manifest.poster.bytes if manifest.poster else None,
        placeholder_key=keys.get(manifest.placeholder.filename) if manifest.placeholder else None,
        placeholder_data_uri=manifest.placeholder_data_uri,
    )
    if manifest.captions:
        values["captions_key"] = keys[manifest.captions]
    try:
        result = db.session.execute(
            update(MediaAsset)
            .where(
                MediaAsset.id == asset_id,
                MediaAsset.job_token == token,
                MediaAsset.status == MediaStatus.TRANSCODING,
            )
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:
            raise LostClaim(asset_id)
        for entry in manifest.renditions:
            db.session.add(
                Rendition(
                    asset_id=asset_id,
                    name=entry.name,
                    kind=entry.kind,
                    storage_key=keys[entry.filename],
                    content_type=entry.content_type,
                    codecs=entry.codecs,
                    width=entry.width,
                    height=entry.height,
                    bytes=entry.bytes,
                    duration_s=entry.duration_s,
                    bitrate_kbps=entry.bitrate_kbps,
                )
            )
        db.session.commit()
    except IntegrityError as duplicate:
        db.session.rollback()
        raise LostClaim(asset_id) from duplicate


def _finish(asset_id: int, token: str, **values) -> bool:
    return _if_ours(asset_id, token, finished_at=utcnow(), **values)


def _backoff_s(attempts: int) -> float:
    return float(current_app.config["MEDIA_RETRY_BACKOFF_S"]) * 2 ** max(0, attempts - 1)


def _schedule_retry_or_fail(asset_id: int, token: str, detail: str) -> None:
    asset = db.session.get(MediaAsset, asset_id)
    if asset is None or asset.job_token != token:
        return
    detail = detail[-4000:]
    if asset.attempts >= int(current_app.config["MEDIA_MAX_ATTEMPTS"]):
        _finish(
            asset_id,
            token,
            status=MediaStatus.FAILED,
            error_detail=detail,
            **_error(GIVE_UP_MESSAGE, {"attempts": asset.attempts}),
        )
        return
    delay = _backoff_s(asset.attempts)
    enqueue_after_commit(asset_id, delay)
    _if_ours(
        asset_id,
        token,
        status=MediaStatus.UPLOADED,
        error_detail=detail,
        progress=0.0,
        next_attempt_at=utcnow() + timedelta(seconds=delay),
        queued_at=utcnow(),
    )


def sweep_stale_jobs() -> list[int]:
    """Requeue assets whose worker died (stale heartbeat) or whose queue message was lost.

    Returns the ids requeued. Safe to run anywhere, any number of times at once: the claim in
    :func:`run_transcode` decides who actually runs each job, and each write here is
    conditional on the row still being as the sweep read it (same token, still stale or still
    waiting), so a claim, heartbeat or retry landing meanwhile is never overwritten.
    """
    now = utcnow()
    stale_before = _stale_before(now)
    max_attempts = int(current_app.config["MEDIA_MAX_ATTEMPTS"])
    # Not already requeued (unless that message too seems lost).
    not_requeued = or_(
        MediaAsset.next_attempt_at.is_(None), MediaAsset.next_attempt_at < stale_before
    )
    dead_now = (
        MediaAsset.status.in_([MediaStatus.PROBING, MediaStatus.TRANSCODING]),
        MediaAsset.heartbeat_at < stale_before,
        not_requeued,
    )
    # Waiting jobs whose time has come but that nobody claimed: the message may be lost.
    forgotten_now = (
        MediaAsset.status == MediaStatus.UPLOADED,
        not_requeued,
        func.coalesce(MediaAsset.queued_at, MediaAsset.created_at) < stale_before,
    )
    seen = (MediaAsset.id, MediaAsset.job_token, MediaAsset.attempts, MediaAsset.worker)
    dead = db.session.execute(select(*seen).where(*dead_now)).all()
    forgotten = db.session.execute(select(*seen).where(*forgotten_now)).all()
    db.session.rollback()  # end the read: each write below checks the row as it is now

    def write(row, still, **values) -> bool:
        """Update the row only if it is still as read: same attempt, still dead or waiting."""
        result = db.session.execute(
            update(MediaAsset)
            .where(
                MediaAsset.id == row.id,
                _token_is(row.job_token),
                MediaAsset.attempts == row.attempts,
                *still,
            )
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        return result.rowcount == 1

    def give_up(row, still, detail: str) -> None:
        write(
            row,
            still,
            status=MediaStatus.FAILED,
            error_detail=detail,
            finished_at=now,
            **_error(GIVE_UP_MESSAGE, {"attempts": row.attempts}),
        )

    requeued: list[int] = []
    for row in dead:
        detail = f"worker {row.worker} stopped sending heartbeats"
        if row.attempts >= max_attempts:
            give_up(row, dead_now, detail)
            continue
        # Left in its active status with its old token: the claim takes it over as stale once
        # the backoff is over.
        delay = _backoff_s(row.attempts)
        if write(
            row,
            dead_now,
            next_attempt_at=now + timedelta(seconds=delay),
            error_detail=f"{detail}; retrying",
        ):
            enqueue_after_commit(row.id, delay)
            requeued.append(row.id)
    for row in forgotten:
        if row.attempts >= max_attempts:  # MEDIA_MAX_ATTEMPTS was lowered: no claim takes it
            give_up(row, forgotten_now, "no attempts left")
            continue
        if write(row, forgotten_now, queued_at=now):
            enqueue_after_commit(row.id)
            requeued.append(row.id)
    db.session.commit()
    return requeued


def delete_asset(asset: MediaAsset) -> None:
    """Remove an asset's files and rows (caller commits)."""
    storage().delete_prefix(asset.key_prefix)
    db.session.delete(asset)


# --- playback ---------------------------------------------------------------------------------------


@dataclass
class PlaybackSource:
    url: str
    mimetype: str
    label: str
    size_bytes: int
    height: int | None = None
    name: str = ""


@dataclass
class PlaybackCaptions:
    url: str
    language: str
    label: str


@dataclass
class Playback:
    """What a lesson page needs to play an asset (the learning area renders it)."""

    kind: str  # "video" or "audio"
    status: str  # "ready", "processing" or "failed"
    sources: list[PlaybackSource] = field(default_factory=list)
    poster: str | None = None
    placeholder: str | None = None  # a data: URI, shown while the poster loads
    captions: list[PlaybackCaptions] = field(default_factory=list)
    progress: int = 0
    error: str | None = None


RENDITION_LABELS = {"audio": "Audio only", "audio-aac": "Audio only (AAC)"}


def _order(renditions: list[Rendition], data_saver: bool) -> list[Rendition]:
    """The browser plays the first source it can: lead with the rung the person should get."""
    video = sorted((r for r in renditions if r.kind == "video"), key=lambda r: r.height or 0)
    audio = [r for r in renditions if r.kind == "audio"]
    if not data_saver:
        preferred = [r for r in video if r.name == "240p"]
        video = preferred + [r for r in video if r not in preferred]
    return video + audio if video else audio


def signed_url(key: str) -> str:
    return storage().url(key, expires_in=int(current_app.config["MEDIA_URL_EXPIRES_S"]))


def playback_for(asset_id: int, *, data_saver: bool = True) -> Playback | None:
    """The renditions of an asset with signed URLs and their sizes, lowest cost first.

    The caller has already decided the person may see the lesson; the signed URLs carry that
    decision to the file server (or S3) for a limited time.
    """
    asset = db.session.get(MediaAsset, asset_id)
    if asset is None:
        return None
    if asset.status == MediaStatus.FAILED:
        return Playback(kind="video", status="failed", error=error_text(asset))
    if asset.status != MediaStatus.READY:
        return Playback(kind="video", status="processing", progress=int(asset.progress))
    renditions = _order(list(asset.renditions), data_saver)
    kind = "video" if any(r.kind == "video" for r in renditions) else "audio"
    sources = [
        PlaybackSource(
            url=signed_url(r.storage_key),
            mimetype=r.mime_type,
            size_bytes=r.bytes,
            height=r.height,
            name=r.name,
            label=f"{r.name} video" if r.kind == "video" else RENDITION_LABELS.get(r.name, r.name),
        )
        for r in renditions
    ]
    captions = []
    if asset.captions_key and asset.captions_key.endswith(".vtt"):
        language = asset.captions_language or "en"
        captions.append(
            PlaybackCaptions(
                url=signed_url(asset.captions_key), language=language, label=language.upper()
            )
        )
    return Playback(
        kind=kind,
        status="ready",
        sources=sources,
        poster=signed_url(asset.poster_key) if asset.poster_key else None,
        placeholder=asset.placeholder_data_uri,
        captions=captions,
        progress=100,
    )
