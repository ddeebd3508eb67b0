"""A practice's short phone video, by media's resumable upload (tus, from the practice's
page with JavaScript: :class:`PracticeVideos`, at ``/practices/uploads/``) or, without
JavaScript, one plain form post (:func:`attach_video`); either way through media's
transcoding ladder, so a leader who watches it pays the data saver's rung, never the raw
file.

What a request checks is what costs it nothing more as the file grows: the name, the
type, the size and the first bytes. How long the video is (ffprobe) is the transcode
job's to find out, as for the studio's videos: the practices answer media's
``asset_limits`` with ``PRACTICES_VIDEO_MAX_SECONDS`` for a practice's video, and a longer
one fails there with its reason, which the practice's page shows its author
(:func:`video_refusal`). A refused file never touches the practice's text.
"""

from __future__ import annotations

import io
import secrets
from datetime import timedelta
from typing import BinaryIO

from flask import current_app
from flask_babel import gettext
from sqlalchemy import select

from app.db import utcnow
from app.extensions import db
from app.media import services as media
from app.media.models import MediaAsset, UploadStatus
from app.media.services import resumable
from app.signals import AssetLimits, asset_limits
from app.units import building_block
from media_pipeline.errors import render

from ..models import Practice, PracticeUpload
from ..permissions import can_edit_practice
from ._common import N_, PracticeError

VIDEO_EXTENSIONS = {".mp4", ".m4v", ".mov", ".webm", ".mkv", ".3gp"}
NOT_A_VIDEO = N_(
    "%(name)s is not a video. Choose the video your phone recorded (%(types)s); your text is kept."
)
TOO_LONG = N_(
    "This video is %(length)s long; a practice's video can be at most %(limit)s. "
    "Trim it on your phone and send it again; your text is kept."
)
NOT_PREPARED = N_("This video could not be prepared: %(reason)s Send another; your text is kept.")


class PracticeVideos(resumable.UploadKind):
    """A practice's video, sent by its author while they may still change the practice;
    once all of it is in, it is the practice's video (being prepared)."""

    model = PracticeUpload
    extensions = frozenset(VIDEO_EXTENSIONS)
    # Some phones call a video ``application/octet-stream``; the first bytes decide.
    kinds = ("video", "application")
    not_media = NOT_A_VIDEO
    arrived_not_media = N_(
        "%(name)s arrived, but it is not a video. Choose the video your phone recorded; "
        "your text is kept."
    )

    def max_bytes(self) -> int:
        return int(current_app.config["PRACTICES_VIDEO_MAX_BYTES"])

    def in_flight_limit(self) -> int:
        return 2  # a leader sends one video at a time; a second tab may start another

    def target(self, person, metadata):
        practice_id = metadata.get("practice", "")
        if not practice_id.isdigit() or len(practice_id) > 12:
            return None
        practice = db.session.get(Practice, int(practice_id))
        if practice is None or not can_edit_practice(person, practice):
            return None  # someone else's practice, or one with its reviewer: as if absent
        return {"practice_id": practice.id}

    def may_use(self, person, upload) -> bool:
        practice = db.session.get(Practice, upload.practice_id)
        return practice is not None and can_edit_practice(person, practice)

    @building_block
    def on_complete(self, upload) -> None:
        practice = db.session.get(Practice, upload.practice_id)
        if practice is not None and practice.author_id == upload.owner_id:
            practice.video_asset_id = upload.asset_id
            practice.updated_at = utcnow()


PRACTICE_VIDEOS = PracticeVideos()


def expire_uploads() -> int:
    """Remove the practices' uploads left unfinished past their expiry, and their bytes;
    gives how many (a periodic job, ``app/practices/tasks.py``)."""
    return resumable.expire_uploads(PRACTICE_VIDEOS)


def practice_video_limit(sender=None, *, asset_id: int) -> AssetLimits | None:
    """``asset_limits``: a practice's video may last ``PRACTICES_VIDEO_MAX_SECONDS``, and
    shows something (a recording of sound alone is refused)."""
    found = db.session.scalar(
        select(PracticeUpload.id).where(PracticeUpload.asset_id == asset_id).limit(1)
    )
    if found is None:
        return None
    seconds = float(current_app.config["PRACTICES_VIDEO_MAX_SECONDS"])
    return AssetLimits(max_seconds=seconds, needs_picture=True)


asset_limits.connect(practice_video_limit)


def _check_name(filename: str, content_type: str) -> None:
    try:
        resumable.check_file(PRACTICE_VIDEOS, filename, content_type)
    except resumable.UploadError as error:
        raise PracticeError(error.template, "video", **error.params) from None


def attach_video(
    practice: Practice, author, stream: BinaryIO, filename: str, content_type: str
) -> Practice:
    """The author's video for ``practice`` sent with a plain form, in place of any it had,
    queued for the ladder. Commits; a refused file raises :class:`PracticeError` and
    changes nothing."""
    if not can_edit_practice(author, practice):
        raise PracticeError(N_("This practice is with its reviewer: it cannot be changed now."))
    _check_name(filename, content_type)
    if not resumable.looks_like_media(stream.read(64)):
        raise PracticeError(
            NOT_A_VIDEO, "video", name=filename, types=PRACTICE_VIDEOS.extensions_text()
        )
    stream.seek(0, io.SEEK_END)
    size = stream.tell()
    stream.seek(0)
    asset = media.queue_transcode(stream, owner=author, original_filename=filename)
    db.session.add(
        PracticeUpload(
            id=secrets.token_hex(16),
            owner_id=author.id,
            practice_id=practice.id,
            filename=filename[:255],
            content_type=content_type[:100],
            length=size,
            offset=size,
            status=UploadStatus.COMPLETE,
            storage_key=asset.source_key,
            asset_id=asset.id,
            expires_at=utcnow() + timedelta(days=1),
            completed_at=utcnow(),
        )
    )
    practice.video_asset_id = asset.id
    practice.updated_at = utcnow()
    db.session.commit()
    return practice


def video_refusal(practice: Practice) -> str | None:
    """Why the practice's video was refused, for its author, in their language, saying
    what to do (None: it was not). A video too long says the practice's limit."""
    asset = db.session.get(MediaAsset, practice.video_asset_id) if practice.video_asset_id else None
    if asset is None or asset.status != "failed":
        return None
    params = asset.error_params or {}
    if set(params) == {"length", "limit"}:  # media_pipeline's TooLong, by its parameters
        return render(TOO_LONG, params, gettext)
    return render(NOT_PREPARED, {"reason": media.error_text(asset) or ""}, gettext)
