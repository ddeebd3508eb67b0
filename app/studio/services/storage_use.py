"""What an author's videos take on disk: a quota checked before an upload starts, and the
sources of failed uploads removed once nobody has retried them for a while.

``STUDIO_AUTHOR_QUOTA_BYTES`` (app/config.py) bounds each author's sources: every asset
they own (ready, waiting or failed) and the announced length of each upload still
arriving. A tus upload is refused before its first byte, a plain form upload before it is
stored, captions (a new copy of the video) likewise. Renditions are not counted: they
are a fraction of their source and go with it.

A failed transcode keeps its source so that the author can retry it; an upload nobody
retries for ``STUDIO_FAILED_SOURCE_RETENTION_S`` (and that no lesson plays) is removed,
source and row, by :func:`remove_failed_uploads`, a periodic task on the job queue
(``app/studio/tasks.py``) that is harmless twice.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import exists, func, select

from app.db import utcnow
from app.extensions import db
from app.learning.models import Lesson, LessonMedia
from app.media import services as media
from app.media.models import MediaAsset, MediaStatus

from ..models import Upload, UploadStatus
from ._common import N_, UploadError


def bytes_used(owner) -> int:
    """The bytes ``owner``'s sources take, and those their unfinished uploads will."""
    stored = db.session.scalar(
        select(func.coalesce(func.sum(MediaAsset.source_bytes), 0)).where(
            MediaAsset.owner_id == owner.id
        )
    )
    arriving = db.session.scalar(
        select(func.coalesce(func.sum(Upload.length), 0)).where(
            Upload.owner_id == owner.id,
            Upload.status == UploadStatus.RECEIVING,
            Upload.expires_at > utcnow(),
        )
    )
    return int(stored) + int(arriving)


def check_quota(owner, length: int) -> None:
    """Refuse (413) an upload of ``length`` bytes that would take ``owner`` past their quota."""
    quota = int(current_app.config["STUDIO_AUTHOR_QUOTA_BYTES"])
    used = bytes_used(owner)
    if used + length > quota:
        raise UploadError(
            N_(
                "This video needs %(size)s MB, and %(free)s MB of your %(quota)s MB for "
                "videos is left. Remove videos and failed uploads you no longer need, or "
                "ask your admin for more room."
            ),
            status=413,
            size=f"{length / 1e6:.0f}",
            free=f"{max(quota - used, 0) / 1e6:.0f}",
            quota=f"{quota / 1e6:.0f}",
        )


def remove_failed_uploads(now: datetime | None = None) -> int:
    """Remove the uploads whose video failed more than the retention ago, their source and
    asset with them, unless a lesson plays that asset; gives how many. Commits."""
    retention = timedelta(seconds=current_app.config["STUDIO_FAILED_SOURCE_RETENTION_S"])
    cutoff = (now or utcnow()) - retention
    played = exists().where(Lesson.media_asset_id == MediaAsset.id) | exists().where(
        LessonMedia.media_asset_id == MediaAsset.id
    )
    assets = db.session.scalars(
        select(MediaAsset)
        .where(
            MediaAsset.status == MediaStatus.FAILED,
            MediaAsset.finished_at <= cutoff,
            exists().where(Upload.asset_id == MediaAsset.id, Upload.applied.is_(False)),
            ~played,
        )
        .order_by(MediaAsset.id)
    ).all()
    for asset in assets:
        for upload in db.session.scalars(select(Upload).where(Upload.asset_id == asset.id)):
            db.session.delete(upload)
        media.delete_asset(asset)
    db.session.commit()
    return len(assets)
