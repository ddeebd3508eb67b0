"""A lesson's resumable uploads: the studio's kind of media's one tus implementation
(``app/media/services/resumable.py``: create, append at an offset, finish, terminate,
expire), for a lesson its author may edit; and a finished upload's video taking over its
lesson once ready (when the transcode job announces it, ``app.signals.asset_ready``).
"""

from __future__ import annotations

from pathlib import PurePosixPath

from flask import current_app
from sqlalchemy import select

from app.extensions import db
from app.learning.models import Lesson, LessonMedia
from app.media import services as media
from app.media.models import MediaAsset, MediaStatus
from app.media.services import resumable
from app.media.services.resumable import looks_like_media
from app.signals import asset_ready
from app.units import building_block

from ..models import Upload
from ..permissions import can_edit_course
from ._common import UploadError
from .courses import get_lesson
from .storage_use import check_quota

EXTENSIONS = {".mp4", ".m4v", ".mov", ".webm", ".mkv", ".mp3", ".m4a", ".wav", ".ogg", ".opus"}

__all__ = ["looks_like_media"]


class LessonUploads(resumable.UploadKind):
    """A lesson's video (or audio) in one language, by an author who may edit its course;
    it plays in the lesson once its renditions are ready (:func:`apply_ready_asset`)."""

    model = Upload
    extensions = frozenset(EXTENSIONS)
    kinds = ("audio", "video")

    def max_bytes(self) -> int:
        return int(current_app.config["STUDIO_UPLOAD_MAX_BYTES"])

    def target(self, person, metadata):
        lesson_id = metadata.get("lesson", "")
        lesson = get_lesson(int(lesson_id)) if lesson_id.isdigit() and len(lesson_id) < 12 else None
        if lesson is None or not can_edit_course(person, lesson.course):
            return None
        language = metadata.get("language") or lesson.course.language
        if language not in lesson.languages and language not in current_app.config["LANGUAGES"]:
            raise resumable.UploadError("Unknown language.", status=400)
        return {"lesson_id": lesson.id, "language": language, "applied": False}

    def may_use(self, person, upload) -> bool:
        return can_edit_course(person, upload.lesson.course)

    def before_start(self, owner, length: int) -> None:
        check_quota(owner, length)

    @building_block
    def on_terminate(self, upload) -> None:
        if upload.status != "receiving" and upload.asset is not None and not upload.applied:
            media.delete_asset(upload.asset)


LESSON_UPLOADS = LessonUploads()


def check_file(filename: str, content_type: str) -> None:
    """Only audio and video, by name and by the type the browser gave (for the plain form
    too, whose page shows a ``StudioError``)."""
    try:
        resumable.check_file(LESSON_UPLOADS, filename, content_type)
    except resumable.UploadError as error:
        raise UploadError(error.template, error.status, **error.params) from None


def check_size(length: int) -> None:
    try:
        resumable.check_size(LESSON_UPLOADS, length)
    except resumable.UploadError as error:
        raise UploadError(error.template, error.status, **error.params) from None


def create_upload(owner, lesson: Lesson, language: str, length: int, filename: str, ctype: str):
    """An empty upload of ``length`` bytes for ``lesson``'s video in ``language``; every
    limit is checked before the first byte."""
    target = {"lesson_id": lesson.id, "language": language, "applied": False}
    return resumable.create_upload(LESSON_UPLOADS, owner, target, length, filename, ctype)


def find_upload(owner, upload_id: str) -> Upload | None:
    """``owner``'s upload, or None: another author's is as good as absent."""
    return resumable.find_upload(LESSON_UPLOADS, owner, upload_id)


is_expired = resumable.is_expired


def append(upload: Upload, offset: int, stream, content_length: int | None) -> Upload:
    """Write the request's bytes at ``offset``; finish the upload with its last byte."""
    return resumable.append(LESSON_UPLOADS, upload, offset, stream, content_length)


def terminate(upload: Upload) -> None:
    """Cancel: its bytes go, and so does its asset if no lesson plays it yet."""
    resumable.terminate(LESSON_UPLOADS, upload)


def expire_uploads(owner=None) -> int:
    """Remove the uploads (``owner``'s, or everyone's) left unfinished past their expiry,
    and their bytes; gives how many."""
    return resumable.expire_uploads(LESSON_UPLOADS, owner)


@building_block
def apply_ready_asset(sender=None, *, asset_id: int) -> None:
    """Once an upload's video is ready, its lesson plays it: the ``asset_ready`` receiver,
    inside the transcode job's transaction that marks the asset ready (the author need not
    be looking). Until then the lesson keeps playing the old one."""
    uploads = db.session.scalars(
        select(Upload).where(Upload.asset_id == asset_id, Upload.applied.is_(False))
    ).all()
    for upload in uploads:
        if not _superseded(upload):
            _apply(upload.lesson, upload)
        upload.applied = True


asset_ready.connect(apply_ready_asset)


def _superseded(upload: Upload) -> bool:
    """Whether a video finished after this one already plays in its lesson and language
    (two uploads transcoded out of order: the newer stays)."""
    return (
        db.session.scalar(
            select(Upload.id)
            .where(
                Upload.lesson_id == upload.lesson_id,
                Upload.language == upload.language,
                Upload.applied.is_(True),
                Upload.completed_at > upload.completed_at,
            )
            .limit(1)
        )
        is not None
    )


def apply_ready_uploads() -> int:
    """Apply the finished uploads whose asset is ready but that no lesson plays yet: those
    made ready before the job announced it (an upgrade). A sweep on the job queue; gives
    how many."""
    ready = db.session.scalars(
        select(Upload)
        .join(MediaAsset, MediaAsset.id == Upload.asset_id)
        .where(Upload.applied.is_(False), MediaAsset.status == MediaStatus.READY)
        .order_by(Upload.completed_at)
        .limit(500)
    ).all()
    for upload in ready:
        apply_ready_asset(asset_id=upload.asset_id)
    db.session.commit()
    return len(ready)


def _apply(lesson: Lesson, upload: Upload) -> None:
    """Point the lesson (or its translation) at the upload's asset, and name its files as
    an export writes them."""
    captions_only = upload.content_type == "text/vtt"
    extension = PurePosixPath(upload.filename.lower()).suffix
    if upload.language == lesson.course.language:
        target = lesson
        media_name = f"media/{lesson.slug}{extension}"
    else:
        target = next((r for r in lesson.media_translations if r.language == upload.language), None)
        if target is None:
            target = LessonMedia(language=upload.language)
            lesson.media_translations.append(target)
        media_name = None if captions_only else f"media/{lesson.slug}.{upload.language}{extension}"
    target.media_asset_id = upload.asset_id
    target.media_sha256 = None if captions_only else upload.sha256
    # A new video comes without the old one's captions; captions come with the same video.
    target.captions_source = f"media/{lesson.slug}.{upload.language}.vtt" if captions_only else None
    if media_name:
        target.media_source = media_name
