"""Resumable uploads (the tus protocol's state): create, append at an offset, finish,
terminate, expire; and a finished upload's video taking over its lesson once ready (when
the transcode job announces it, ``app.signals.asset_ready``).

One PATCH at a time writes to an upload: it first takes a lease with a conditional
update (``offset`` as the client says and no live lease), commits it, writes, then moves
the offset on and drops the lease, again conditionally. A second PATCH racing it finds the
lease taken or the offset moved and gets 409, and resumes from ``HEAD``.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from pathlib import Path, PurePosixPath

from flask import current_app
from sqlalchemy import func, or_, select, update

from app.db import utcnow
from app.extensions import db
from app.learning.models import Lesson, LessonMedia
from app.media import services as media
from app.media.models import MediaAsset, MediaStatus
from app.signals import asset_ready
from app.units import building_block

from ..models import Upload, UploadStatus
from ._common import N_, UploadError
from .sinks import Written, sink_for
from .storage_use import check_quota

EXTENSIONS = {".mp4", ".m4v", ".mov", ".webm", ".mkv", ".mp3", ".m4a", ".wav", ".ogg", ".opus"}
LEASE_REFRESH_BYTES = 4 * 1024 * 1024


def _sink():
    return sink_for(media.storage(), Path(current_app.config["STUDIO_UPLOAD_DIR"]))


def check_file(filename: str, content_type: str) -> None:
    """Only audio and video, by name and by the type the browser gave."""
    extension = PurePosixPath(filename.lower()).suffix
    kind = content_type.split("/")[0] if content_type else ""
    if extension not in EXTENSIONS or kind not in ("audio", "video", ""):
        raise UploadError(
            N_("%(name)s is not a video or audio file Headway can use (%(types)s)."),
            status=415,
            name=filename or "?",
            types=", ".join(sorted(EXTENSIONS)),
        )


def check_size(length: int) -> None:
    limit = current_app.config["STUDIO_UPLOAD_MAX_BYTES"]
    if length > limit:
        raise UploadError(
            N_("The file is %(size)s MB; the most Headway takes is %(limit)s MB."),
            status=413,
            size=f"{length / 1e6:.1f}",
            limit=f"{limit / 1e6:.0f}",
        )


def in_flight(owner) -> int:
    return db.session.scalar(
        select(func.count(Upload.id)).where(
            Upload.owner_id == owner.id,
            Upload.status == UploadStatus.RECEIVING,
            Upload.expires_at > utcnow(),
        )
    )


def create_upload(owner, lesson: Lesson, language: str, length: int, filename: str, ctype: str):
    """An empty upload of ``length`` bytes for ``lesson``'s video in ``language``; every
    limit is checked before the first byte."""
    if length < 0:
        raise UploadError(N_("The upload's length is missing."), status=400)
    check_size(length)
    check_file(filename, ctype)
    expire_uploads(owner)  # the author's abandoned uploads no longer count, nor take space
    check_quota(owner, length)
    if in_flight(owner) >= current_app.config["STUDIO_UPLOADS_IN_FLIGHT"]:
        raise UploadError(
            N_("You have %(count)d uploads under way: let one finish, or cancel one, first."),
            status=429,
            count=current_app.config["STUDIO_UPLOADS_IN_FLIGHT"],
        )
    upload = Upload(
        id=secrets.token_hex(16),
        owner_id=owner.id,
        lesson_id=lesson.id,
        language=language,
        filename=filename[:255],
        content_type=ctype[:100],
        length=length,
        offset=0,
        status=UploadStatus.RECEIVING,
        storage_key=media.source_key_for_new_asset(),
        expires_at=utcnow() + timedelta(seconds=current_app.config["STUDIO_UPLOAD_EXPIRES_S"]),
        applied=False,
    )
    _sink().create(upload)
    db.session.add(upload)
    db.session.commit()
    return upload


def find_upload(owner, upload_id: str) -> Upload | None:
    """``owner``'s upload, or None: another author's is as good as absent."""
    upload = db.session.get(Upload, upload_id) if len(upload_id) <= 32 else None
    if upload is None or upload.owner_id != owner.id:
        return None
    return upload


def is_expired(upload: Upload) -> bool:
    return upload.status == UploadStatus.RECEIVING and upload.expires_at <= utcnow()


def append(upload: Upload, offset: int, stream, content_length: int | None) -> Upload:
    """Write the request's bytes at ``offset``; finish the upload with its last byte."""
    if is_expired(upload):
        raise UploadError(N_("This upload expired. Start it again."), status=410)
    if offset != upload.offset or upload.status != UploadStatus.RECEIVING:
        raise UploadError(
            N_("The server holds %(offset)d bytes."), status=409, offset=upload.offset
        )
    if content_length is not None and offset + content_length > upload.length:
        raise UploadError(N_("That is more than the file's announced length."), status=413)
    token = _take_lease(upload, offset)
    written = Written()
    try:
        _sink().write(
            upload,
            offset,
            stream,
            upload.length - offset,
            written,
            lambda total: _renew_lease(upload, token, total),
        )
    finally:
        _release_lease(upload, token, written.bytes)
    db.session.refresh(upload)
    if upload.offset == upload.length:
        finish(upload)
    return upload


def _take_lease(upload: Upload, offset: int) -> str:
    token, now = secrets.token_hex(16), utcnow()
    taken = db.session.execute(
        update(Upload)
        .where(
            Upload.id == upload.id,
            Upload.offset == offset,
            Upload.status == UploadStatus.RECEIVING,
            or_(Upload.lock_token.is_(None), Upload.locked_until < now),
        )
        .values(
            lock_token=token,
            locked_until=now + timedelta(seconds=current_app.config["STUDIO_UPLOAD_LEASE_S"]),
        )
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    if taken.rowcount != 1:
        db.session.refresh(upload)
        raise UploadError(
            N_("The server holds %(offset)d bytes."), status=409, offset=upload.offset
        )
    return token


def _renew_lease(upload: Upload, token: str, total: int) -> None:
    if total % LEASE_REFRESH_BYTES >= 256 * 1024:  # about every 4 MB
        return
    renewed = db.session.execute(
        update(Upload)
        .where(Upload.id == upload.id, Upload.lock_token == token)
        .values(
            locked_until=utcnow() + timedelta(seconds=current_app.config["STUDIO_UPLOAD_LEASE_S"])
        )
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    if renewed.rowcount != 1:
        raise UploadError(N_("Another transfer took over this upload."), status=409)


def _release_lease(upload: Upload, token: str, written: int) -> None:
    parts = upload.s3_parts  # the S3 sink's parts sent by this PATCH, before the rollback
    db.session.rollback()
    db.session.execute(
        update(Upload)
        .where(Upload.id == upload.id, Upload.lock_token == token)
        .values(
            offset=Upload.offset + written,
            lock_token=None,
            locked_until=None,
            expires_at=utcnow() + timedelta(seconds=current_app.config["STUDIO_UPLOAD_EXPIRES_S"]),
            s3_parts=parts,
        )
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def finish(upload: Upload) -> None:
    """All bytes are in: check the file again, store it as the media source, queue it."""
    check_size(upload.length)  # again: the limit may have changed while it arrived
    sink = _sink()
    upload.sha256 = sink.finish(upload)
    storage = media.storage()
    if storage.size(upload.storage_key) != upload.length or not looks_like_media(sink.head(upload)):
        storage.delete(upload.storage_key)
        db.session.delete(upload)
        db.session.commit()
        raise UploadError(
            N_("%(name)s arrived, but it is not a video or audio file."),
            status=415,
            name=upload.filename,
        )
    asset = media.queue_stored_source(
        upload.storage_key, owner=upload.owner_id, original_filename=upload.filename
    )
    upload.asset_id, upload.status, upload.completed_at = asset.id, UploadStatus.COMPLETE, utcnow()
    db.session.commit()


# The first bytes of the containers the pipeline reads (ISO BMFF, Matroska/WebM, Ogg, RIFF,
# MP3 with or without its ID3 tag, ADTS AAC).
_SIGNATURES = (b"\x1a\x45\xdf\xa3", b"OggS", b"RIFF", b"ID3", b"\xff\xfb", b"\xff\xf3", b"\xff\xf1")


def looks_like_media(head: bytes) -> bool:
    return head[4:8] == b"ftyp" or head.startswith(_SIGNATURES)


def terminate(upload: Upload) -> None:
    """Cancel: its bytes go, and so does its asset if no lesson plays it yet."""
    _sink().discard(upload)
    if upload.status == UploadStatus.RECEIVING:
        media.storage().delete(upload.storage_key)
    elif upload.asset is not None and not upload.applied:
        media.delete_asset(upload.asset)
    db.session.delete(upload)
    db.session.commit()


def expire_uploads(owner=None) -> int:
    """Remove the uploads (``owner``'s, or everyone's) left unfinished past their expiry,
    and their bytes; gives how many."""
    query = select(Upload).where(
        Upload.status == UploadStatus.RECEIVING, Upload.expires_at <= utcnow()
    )
    if owner is not None:
        query = query.where(Upload.owner_id == owner.id)
    expired = db.session.scalars(query).all()
    for upload in expired:
        _sink().discard(upload)
        db.session.delete(upload)
    db.session.commit()
    return len(expired)


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
