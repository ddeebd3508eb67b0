"""A practice's short phone video: sent with a plain form, checked before anything is
kept (a video, at most ``PRACTICES_VIDEO_MAX_SECONDS`` long), then handed to media's
transcoding ladder, so a leader who watches it pays the data saver's rung, never the raw
file. A refused file changes nothing: the practice's text stays as it was."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from flask import current_app

from app.extensions import db
from app.media import services as media
from media_pipeline.errors import MediaRejected, TooLong
from media_pipeline.limits import Limits
from media_pipeline.probe import probe

from ..models import Practice
from ..permissions import can_edit_practice
from ._common import N_, PracticeError

VIDEO_EXTENSIONS = {".mp4", ".m4v", ".mov", ".webm", ".mkv", ".3gp"}


def _check_name(filename: str, content_type: str) -> None:
    extension = PurePosixPath((filename or "").lower()).suffix
    kind = content_type.split("/")[0] if content_type else ""
    if extension not in VIDEO_EXTENSIONS or kind not in ("video", "application", ""):
        raise PracticeError(
            N_(
                "%(name)s is not a video. Choose the video your phone recorded "
                "(%(types)s); your text is kept."
            ),
            "video",
            name=filename or "?",
            types=", ".join(sorted(VIDEO_EXTENSIONS)),
        )


def _checked_copy(stream: BinaryIO, folder: Path) -> Path:
    """The upload copied to ``folder`` and probed: a video of an allowed length."""
    path = folder / "source"
    with path.open("wb") as out:
        shutil.copyfileobj(stream, out, 1 << 20)
    seconds = current_app.config["PRACTICES_VIDEO_MAX_SECONDS"]
    limits = Limits(
        max_duration_s=seconds, max_bytes=current_app.config["PRACTICES_VIDEO_MAX_BYTES"]
    )
    try:
        info = probe(path, limits)
    except TooLong:
        raise PracticeError(
            N_(
                "This video is longer than %(minutes)d minutes. Trim it on your phone and "
                "send it again; your text is kept."
            ),
            "video",
            minutes=seconds // 60,
        ) from None
    except MediaRejected as rejected:
        raise PracticeError(rejected.template, "video", **rejected.params) from None
    if info.video is None:
        raise PracticeError(
            N_("This file has sound but no picture. Send a video; your text is kept."), "video"
        )
    return path


def attach_video(
    practice: Practice, author, stream: BinaryIO, filename: str, content_type: str
) -> Practice:
    """The author's video for ``practice``, in place of any it had, queued for the ladder.
    Commits; a refused file raises :class:`PracticeError` and changes nothing."""
    if not can_edit_practice(author, practice):
        raise PracticeError(N_("This practice is with its reviewer: it cannot be changed now."))
    _check_name(filename, content_type)
    with tempfile.TemporaryDirectory(prefix="practice-video-") as folder:
        path = _checked_copy(stream, Path(folder))
        asset = media.queue_transcode(path, owner=author, original_filename=filename)
        practice.video_asset_id = asset.id
        db.session.commit()
    return practice
