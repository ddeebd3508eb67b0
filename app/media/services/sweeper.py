"""The sweeper: finds jobs whose worker died or whose queue message was lost, and requeues them."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import Row, func, or_, select, update

from app.db import utcnow
from app.extensions import db

from ..models import MediaAsset, MediaStatus
from ._common import GIVE_UP_MESSAGE, error_columns
from .jobs import backoff_s, stale_before, token_is
from .uploads import enqueue_after_commit


def sweep_stale_jobs() -> list[int]:
    """Requeue assets whose worker died (stale heartbeat) or whose queue message was lost.

    Returns the ids requeued. Safe to run anywhere, any number of times at once: the claim in
    :func:`run_transcode` decides who actually runs each job, and each write here is
    conditional on the row still being as the sweep read it (same token, still stale or still
    waiting), so a claim, heartbeat or retry landing meanwhile is never overwritten.
    """
    now = utcnow()
    cutoff = stale_before(now)
    max_attempts = int(current_app.config["MEDIA_MAX_ATTEMPTS"])
    # Not already requeued (unless that message too seems lost).
    not_requeued = or_(MediaAsset.next_attempt_at.is_(None), MediaAsset.next_attempt_at < cutoff)
    dead_now = (
        MediaAsset.status.in_([MediaStatus.PROBING, MediaStatus.TRANSCODING]),
        MediaAsset.heartbeat_at < cutoff,
        not_requeued,
    )
    # Waiting jobs whose time has come but that nobody claimed: the message may be lost.
    forgotten_now = (
        MediaAsset.status == MediaStatus.UPLOADED,
        not_requeued,
        func.coalesce(MediaAsset.queued_at, MediaAsset.created_at) < cutoff,
    )
    seen = (MediaAsset.id, MediaAsset.job_token, MediaAsset.attempts, MediaAsset.worker)
    dead = db.session.execute(select(*seen).where(*dead_now)).all()
    forgotten = db.session.execute(select(*seen).where(*forgotten_now)).all()
    db.session.rollback()  # end the read: each write below checks the row as it is now

    requeued: list[int] = []
    for row in dead:
        detail = f"worker {row.worker} stopped sending heartbeats"
        if row.attempts >= max_attempts:
            _give_up(row, dead_now, detail, now)
            continue
        # Left in its active status with its old token: the claim takes it over as stale once
        # the backoff is over.
        delay = backoff_s(row.attempts)
        if _write_if_unchanged(
            row,
            dead_now,
            next_attempt_at=now + timedelta(seconds=delay),
            error_detail=f"{detail}; retrying",
        ):
            enqueue_after_commit(row.id, delay)
            requeued.append(row.id)
    for row in forgotten:
        if row.attempts >= max_attempts:  # MEDIA_MAX_ATTEMPTS was lowered: no claim takes it
            _give_up(row, forgotten_now, "no attempts left", now)
            continue
        if _write_if_unchanged(row, forgotten_now, queued_at=now):
            enqueue_after_commit(row.id)
            requeued.append(row.id)
    db.session.commit()
    return requeued


def _write_if_unchanged(row: Row, still, **values) -> bool:
    """Update the row only if it is still as read: same attempt, still dead or waiting."""
    result = db.session.execute(
        update(MediaAsset)
        .where(
            MediaAsset.id == row.id,
            token_is(row.job_token),
            MediaAsset.attempts == row.attempts,
            *still,
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def _give_up(row: Row, still, detail: str, now: datetime) -> None:
    _write_if_unchanged(
        row,
        still,
        status=MediaStatus.FAILED,
        error_detail=detail,
        finished_at=now,
        **error_columns(GIVE_UP_MESSAGE, {"attempts": row.attempts}),
    )
