"""The transcode job. The handler (:func:`run_transcode`) treats the database as the truth:

1. *claim*: one conditional UPDATE moves the asset to ``probing`` with a fresh ``job_token``
   — only if nobody holds it, or its holder's heartbeat is stale, and only if it is due: an
   attempt left and its backoff (``next_attempt_at``) over. A duplicate or early queue
   message finds nothing to claim and returns; the scheduled message or the sweeper comes.
2. *work* in a private folder (``MEDIA_WORK_DIR/asset-<id>-<token>``), beating the heartbeat
   from ffmpeg's progress; losing the claim (someone else took over) stops ffmpeg.
3. *publish*: every file is saved to storage (atomically) under ``<prefix>/<token>/…``, a key
   no other attempt uses, and only then one transaction — still conditional on the token —
   inserts the renditions and marks the asset ready. The unique (asset, name) constraint
   makes a second set impossible. That transaction announces it (``app.signals.asset_ready``):
   what other areas do then (the studio points a lesson at its new video) is stored with it.
4. whatever happens, the work folder is removed; on failure this attempt's uploads are
   deleted; files left by a killed attempt are removed by the attempt that replaces it.

Failures of the upload itself (``MediaRejected``) fail the asset with the human reason. Our
failures are retried with exponential backoff up to ``MEDIA_MAX_ATTEMPTS``. The reason is kept
in English and as a template with parameters; :func:`error_text` shows it in the reader's
language.

A full disk (no space for the work folder or a rendition, or the SQLite database full) is
no fault of the upload's either: the asset waits, with a reason its author can read, and
the attempt is not counted; it is tried again every ``MEDIA_DISK_FULL_RETRY_S`` until there
is space. If the database cannot take even that write, the log line is the record and the
sweeper retries the attempt once its heartbeat is stale.

Stopping the workers (a deploy, Ctrl-C) *hands back* a running attempt: ffmpeg is stopped, the
asset goes back to the queue as it was, uncounted, and the next worker starts it at once.

The job commits each conditional write as it makes it: the database is how attempts meet.
"""

from __future__ import annotations

import errno
import logging
import os
import shutil
import socket
import time
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import Row, or_, select, update
from sqlalchemy.exc import IntegrityError, OperationalError

from app import jobs
from app.db import utcnow
from app.extensions import db
from app.logs import log_event
from app.signals import asset_ready
from media_pipeline.errors import MediaRejected
from media_pipeline.pipeline import transcode
from media_pipeline.storage import Storage

from ..metrics import TRANSCODE_FAILURES, TRANSCODE_SECONDS
from ..models import MediaAsset, MediaStatus, Rendition
from ._common import DISK_FULL_MESSAGE, GIVE_UP_MESSAGE, NO_ERROR, error_columns
from .heartbeat import HEARTBEAT_EVERY_S, HandBack, Heartbeat, LostClaim, beat, if_ours
from .settings import CONTENT_TYPES, limits, storage
from .uploads import CAPTIONS_SOURCE_NAME, SOURCE_NAME, enqueue_after_commit

log = logging.getLogger(__name__)


def stale_before(now: datetime) -> datetime:
    return now - timedelta(seconds=float(current_app.config["MEDIA_STALE_AFTER_S"]))


def token_is(token: str | None):
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
            & (MediaAsset.heartbeat_at < stale_before(now))
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
        .where(MediaAsset.id == asset_id, claimable, due, token_is(previous_token))
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


def run_transcode(
    asset_id: int, *, clock: Callable[[], float] = time.monotonic, beat_every_s: float | None = None
) -> None:
    """The job handler: reload by id, do nothing if gone or taken, clean up in ``finally``.

    ``clock`` and ``beat_every_s`` pace the heartbeat (tests pass their own)."""
    claim = _claim(asset_id)
    if claim is None:
        log.info("media asset %s: nothing to do (gone, done, or held by a live worker)", asset_id)
        return
    token, row = claim
    store = storage()
    work = _fresh_work_folder(store, asset_id, token, row)
    uploaded: list[str] = []
    started = time.monotonic()
    heartbeat = Heartbeat(
        asset_id,
        token,
        stopping=jobs.stopping(),
        clock=clock,
        every_s=HEARTBEAT_EVERY_S if beat_every_s is None else beat_every_s,
    )
    try:
        source, captions = _fetch_inputs(store, row, work, heartbeat)
        beat(asset_id, token, status=MediaStatus.TRANSCODING)
        manifest = transcode(
            source,
            work / "out",
            limits=limits(asset_id),
            progress=heartbeat.progress,
            captions=captions,
        )
        keys = _upload(
            store, manifest, work / "out", f"{row.key_prefix}/{token}", uploaded, heartbeat
        )
        _publish(asset_id, token, manifest, keys, time.monotonic() - started)
        uploaded.clear()  # published: these are the asset's files now
        TRANSCODE_SECONDS.observe(time.monotonic() - started)
        log_event("media_job_ready", asset=asset_id, seconds=round(time.monotonic() - started, 1))
    except LostClaim:
        db.session.rollback()
        log.warning("media asset %s: another attempt took over; dropping this one", asset_id)
    except HandBack:
        db.session.rollback()
        _hand_back(asset_id, token)
    except MediaRejected as rejected:
        _refuse(asset_id, token, rejected)
    except Exception as failure:
        db.session.rollback()
        if out_of_space(failure):
            _wait_for_space(asset_id, token, detail=str(failure))
            return
        TRANSCODE_FAILURES.labels("error").inc()
        _schedule_retry_or_fail(asset_id, token, detail=str(failure))
    finally:
        for key in uploaded:
            try:
                store.delete(key)
            except Exception:
                log.exception("could not remove %s", key)
        shutil.rmtree(work, ignore_errors=True)


def _fresh_work_folder(store: Storage, asset_id: int, token: str, row: Row) -> Path:
    """This attempt's private folder. The attempt we replace is dead (its heartbeat went stale,
    or it was handed back): first remove what it left behind, here and in storage."""
    work_root = Path(current_app.config["MEDIA_WORK_DIR"])
    work_root.mkdir(parents=True, exist_ok=True)
    for stale in work_root.glob(f"asset-{asset_id}-*"):
        shutil.rmtree(stale, ignore_errors=True)
    if row.job_token:
        store.delete_prefix(f"{row.key_prefix}/{row.job_token}")
    work = work_root / f"asset-{asset_id}-{token}"
    work.mkdir()
    return work


def _fetch_inputs(
    store: Storage, row: Row, work: Path, heartbeat: Heartbeat
) -> tuple[Path, bytes | None]:
    """The source as a local file (copied in from S3, beating meanwhile), and the captions."""
    source = store.local_path(row.source_key)
    if source is None:
        source = work / SOURCE_NAME
        with source.open("wb") as out:
            for chunk in store.open(row.source_key):
                out.write(chunk)
                heartbeat.alive()
    captions = None
    if row.captions_key and row.captions_key.endswith(CAPTIONS_SOURCE_NAME):
        captions = b"".join(store.open(row.captions_key))
    return source, captions


def _upload(
    store: Storage, manifest, out: Path, prefix: str, uploaded: list[str], heartbeat: Heartbeat
) -> dict[str, str]:
    """Every output file into storage under this attempt's own prefix; its keys by file name.
    Each key goes into ``uploaded`` first, so a failure removes it again."""
    keys = {}
    for name in manifest.filenames:
        key = f"{prefix}/{name}"
        uploaded.append(key)
        with heartbeat.meanwhile():  # one upload to S3 can outlast the stale limit
            store.save(key, out / name, CONTENT_TYPES.get(Path(name).suffix))
        keys[name] = key
    return keys


def _publish(asset_id: int, token: str, manifest, keys: dict[str, str], seconds: float) -> None:
    """One transaction: still ours? then renditions in, status ready, and what other areas
    registered for a ready asset (``asset_ready`` receivers write, this commits)."""
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
                    playlist_key=keys[entry.segments.playlist] if entry.segments else None,
                    segments_bytes=entry.segments.bytes if entry.segments else None,
                )
            )
        asset_ready.send(current_app._get_current_object(), asset_id=asset_id)
        db.session.commit()
    except IntegrityError as duplicate:
        db.session.rollback()
        raise LostClaim(asset_id) from duplicate


def _refuse(asset_id: int, token: str, rejected: MediaRejected) -> None:
    """The upload itself is unusable: failed for good, with the reason a person can act on."""
    db.session.rollback()
    TRANSCODE_FAILURES.labels("rejected").inc()
    log_event("media_job_rejected", asset=asset_id, reason=rejected.code)
    _finish(
        asset_id,
        token,
        status=MediaStatus.FAILED,
        error_detail=None,
        **error_columns(rejected.template, rejected.params),
    )


def _finish(asset_id: int, token: str, **values) -> bool:
    return if_ours(asset_id, token, finished_at=utcnow(), **values)


def backoff_s(attempts: int) -> float:
    return float(current_app.config["MEDIA_RETRY_BACKOFF_S"]) * 2 ** max(0, attempts - 1)


def _schedule_retry_or_fail(asset_id: int, token: str, detail: str) -> None:
    asset = db.session.get(MediaAsset, asset_id)
    if asset is None or asset.job_token != token:
        return
    detail = detail[-4000:]
    # One line for the attempt, with the exception being handled (its traceback).
    outcome = dict(asset=asset_id, attempts=asset.attempts, level=logging.ERROR, exc_info=True)
    if asset.attempts >= int(current_app.config["MEDIA_MAX_ATTEMPTS"]):
        log_event("media_job_failed", **outcome)
        _finish(
            asset_id,
            token,
            status=MediaStatus.FAILED,
            error_detail=detail,
            **error_columns(GIVE_UP_MESSAGE, {"attempts": asset.attempts}),
        )
        return
    delay = backoff_s(asset.attempts)
    log_event("media_job_retry", retry_in_s=delay, **outcome)
    enqueue_after_commit(asset_id, delay)
    if_ours(
        asset_id,
        token,
        status=MediaStatus.UPLOADED,
        error_detail=detail,
        progress=0.0,
        next_attempt_at=utcnow() + timedelta(seconds=delay),
        queued_at=utcnow(),
    )


def out_of_space(failure: BaseException) -> bool:
    """Whether ``failure`` is a full disk: ours (the work folder, local media), ffmpeg's
    (its stderr says so), or SQLite's (the database or the queue's)."""
    if isinstance(failure, OSError) and failure.errno == errno.ENOSPC:
        return True
    text = str(failure)
    return "No space left on device" in text or "database or disk is full" in text


def _wait_for_space(asset_id: int, token: str, detail: str) -> None:
    """Back to waiting, uncounted, with the reason for its author; tried again later."""
    TRANSCODE_FAILURES.labels("disk_full").inc()
    delay = float(current_app.config["MEDIA_DISK_FULL_RETRY_S"])
    log_event(
        "media_job_disk_full",
        logging.WARNING,
        asset=asset_id,
        retry_in_s=delay,
        detail=detail[-300:],
    )
    enqueue_after_commit(asset_id, delay)
    try:
        if_ours(
            asset_id,
            token,
            status=MediaStatus.UPLOADED,
            attempts=MediaAsset.attempts - 1,
            progress=0.0,
            next_attempt_at=utcnow() + timedelta(seconds=delay),
            queued_at=utcnow(),
            error_detail=detail[-4000:],
            **error_columns(DISK_FULL_MESSAGE, {}),
        )
    except OperationalError as error:  # the database's own disk is full as well
        db.session.rollback()
        log_event(
            "media_job_not_recorded",
            logging.WARNING,
            asset=asset_id,
            error=str(error.orig)[:200],
            then="the sweeper retries it once its heartbeat is stale",
        )


def _hand_back(asset_id: int, token: str) -> None:
    """Back in the queue as before this attempt, which is not counted: stopping the workers
    is no fault of the upload's. The next claim removes whatever this attempt stored."""
    enqueue_after_commit(asset_id)
    if if_ours(
        asset_id,
        token,
        status=MediaStatus.UPLOADED,
        attempts=MediaAsset.attempts - 1,
        progress=0.0,
        next_attempt_at=None,
        queued_at=utcnow(),
    ):
        log.info("media asset %s: handed back to the queue as the workers stop", asset_id)
