"""Accepting an upload: store the source, create its asset, queue the job; retry and delete."""

from __future__ import annotations

import io
import logging
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import update

from app import jobs
from app.db import utcnow
from app.extensions import db
from app.units import building_block
from media_pipeline.storage import new_key

from ..models import MediaAsset, MediaStatus
from ._common import NO_ERROR
from .settings import storage

log = logging.getLogger(__name__)

SOURCE_NAME = "source"
CAPTIONS_SOURCE_NAME = "captions-source"
#: ``session.info`` key: the assets whose message the queue refused, and why.


def get_asset(asset_id: int) -> MediaAsset | None:
    return db.session.get(MediaAsset, asset_id)


def accept_upload(source: Path | str | BinaryIO, **options) -> MediaAsset:
    """One upload as its own unit of work: :func:`queue_transcode`, committed (the job is
    queued as it commits)."""
    asset = queue_transcode(source, **options)
    db.session.commit()
    return asset


@building_block
def queue_transcode(
    source: Path | str | BinaryIO,
    *,
    owner=None,
    original_filename: str | None = None,
    captions: Path | str | bytes | None = None,
    captions_language: str = "en",
    title: str | None = None,
) -> MediaAsset:
    """Copy ``source`` into storage under a generated key, create its asset, and queue it
    (a building block: part of the caller's transaction, which commits).

    The job is queued when the caller's transaction commits (so a worker can never look for
    an asset that is not there yet); the sweeper requeues it should that message be lost.
    """
    prefix = new_key()
    source_key = f"{prefix}/{SOURCE_NAME}"
    if isinstance(source, (str, Path)):
        original_filename = original_filename or Path(source).name
    storage().save(source_key, Path(source) if isinstance(source, str) else source)
    return queue_stored_source(
        source_key,
        owner=owner,
        original_filename=original_filename or title,
        captions=captions,
        captions_language=captions_language,
    )


def source_key_for_new_asset() -> str:
    """Where a source that will become an asset is stored: :func:`queue_stored_source`
    takes it from there (the studio writes resumable uploads straight to it)."""
    return f"{new_key()}/{SOURCE_NAME}"


@building_block
def queue_stored_source(
    source_key: str,
    *,
    owner=None,
    original_filename: str | None = None,
    captions: Path | str | bytes | None = None,
    captions_language: str = "en",
) -> MediaAsset:
    """Create and queue the asset of a source already in storage at ``source_key`` (made
    by :func:`source_key_for_new_asset`), so a large upload is never copied again (a
    building block: the caller commits)."""
    prefix = source_key.rsplit("/", 1)[0]
    asset = MediaAsset(
        owner_id=getattr(owner, "id", owner),
        key_prefix=prefix,
        source_key=source_key,
        source_bytes=storage().size(source_key),
        original_filename=(original_filename or "")[:255],
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
    """Send the transcode's message once the current transaction commits. Should the queue
    be unreachable then, the asset is safe in the database, waiting: the sweeper sends its
    message again once it has waited ``MEDIA_STALE_AFTER_S``; :func:`queue_refused` tells
    the caller meanwhile."""
    jobs.enqueue_after_commit("media.transcode", asset_id, delay_s=delay_s)


def queue_refused(asset_id: int) -> Exception | None:
    """Why the queue refused the asset's message at its last commit, or None if it took it."""
    return jobs.refused("media.transcode", asset_id)


def retry(asset: MediaAsset, *, by=None, stuck_too: bool = False) -> bool:
    """Queue a failed asset again, with its attempts counted afresh, and commit.

    A person may retry what failed; an operator (``flask media retry``) may also requeue a job
    that seems stuck (``stuck_too``). A ready asset is never retried. Conditional on the row as
    it is now, not as the caller read it: an attempt may have published meanwhile, and a ready
    asset put back in the queue would have its files removed by the next attempt. Returns
    whether the asset was queued.
    """
    retryable = (
        MediaAsset.status != MediaStatus.READY
        if stuck_too
        else MediaAsset.status == MediaStatus.FAILED
    )
    result = db.session.execute(
        update(MediaAsset)
        .where(MediaAsset.id == asset.id, retryable)
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
        db.session.rollback()
        return False
    enqueue_after_commit(asset.id)
    db.session.commit()
    log.info("media asset %s queued again by %s", asset.id, getattr(by, "id", "an operator"))
    return True


@building_block
def delete_asset(asset: MediaAsset) -> None:
    """Remove an asset's files and rows (a building block: the caller commits)."""
    storage().delete_prefix(asset.key_prefix)
    db.session.delete(asset)
