"""Resumable uploads (the tus protocol's state), one implementation for every area that
takes a video this way: create, append at an offset, finish, terminate, expire.

What differs between areas is an :class:`UploadKind`: its upload model (a
:class:`~app.media.models.ResumableUpload`), who may start one for what (the studio: a
lesson its author may edit; practices: a practice its author may still change), which
files it takes, and what a finished upload is attached to. The bytes, the lease, the
checks on the last byte and the asset queued for the transcoding ladder are the same.

One PATCH at a time writes to an upload: it first takes a lease with a conditional
update (``offset`` as the client says and no live lease), commits it, writes, then moves
the offset on and drops the lease, again conditionally. A second PATCH racing it finds the
lease taken or the offset moved and gets 409, and resumes from ``HEAD``. So the last byte
finishes an upload once: a double tap of the last piece gets 409 and attaches nothing.

The length of a video (ffprobe) is not checked here: it is the transcode job's, where the
area's limit applies (``app.signals.asset_limits``), so no request waits on it.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from pathlib import Path, PurePosixPath
from typing import Any

from flask import current_app
from sqlalchemy import func, or_, select, update

from app.db import utcnow
from app.errors import N_
from app.extensions import db
from app.units import building_block

from ..models import ResumableUpload, UploadStatus
from ._common import UploadError
from .settings import storage
from .sinks import Written, sink_for
from .uploads import queue_stored_source, source_key_for_new_asset

LEASE_REFRESH_BYTES = 4 * 1024 * 1024


class UploadKind:
    """What one area's resumable uploads are: subclass it and fill these in."""

    #: the area's upload model, a ``db.Model`` mixing in ``ResumableUpload``
    model: type[ResumableUpload]
    #: the file name endings it takes
    extensions: frozenset[str] = frozenset()
    #: the first part of the browser's type it takes ("video", "audio")
    kinds: tuple[str, ...] = ("video",)
    not_media = N_("%(name)s is not a video or audio file Headway can use (%(types)s).")
    arrived_not_media = N_("%(name)s arrived, but it is not a video or audio file.")

    def max_bytes(self) -> int:
        raise NotImplementedError

    def in_flight_limit(self) -> int:
        return int(current_app.config["STUDIO_UPLOADS_IN_FLIGHT"])

    def target(self, person, metadata: dict[str, str]) -> dict[str, Any] | None:
        """The new upload's columns that say what it is for, from the client's
        ``Upload-Metadata``, if ``person`` may upload to it; None: as good as absent (404)."""
        raise NotImplementedError

    def may_use(self, person, upload) -> bool:
        """Whether ``person`` may still write to their ``upload`` (its target may have
        moved on since it started)."""
        return True

    def before_start(self, owner, length: int) -> None:
        """Refuse (raise :class:`UploadError`) what the area does not allow, its quota say."""

    @building_block
    def on_complete(self, upload) -> None:
        """The finished upload's asset is queued: attach it (a building block, in the
        transaction that records the upload complete)."""

    @building_block
    def on_terminate(self, upload) -> None:
        """The upload is cancelled: remove what the area made of it (a building block)."""

    def extensions_text(self) -> str:
        return ", ".join(sorted(self.extensions))


def _sink():
    return sink_for(storage(), Path(current_app.config["STUDIO_UPLOAD_DIR"]))


def check_file(kind: UploadKind, filename: str, content_type: str) -> None:
    """Only what ``kind`` takes, by name and by the type the browser gave."""
    extension = PurePosixPath(filename.lower()).suffix
    browser_kind = content_type.split("/")[0] if content_type else ""
    if extension not in kind.extensions or browser_kind not in (*kind.kinds, ""):
        raise UploadError(
            kind.not_media, status=415, name=filename or "?", types=kind.extensions_text()
        )


def check_size(kind: UploadKind, length: int) -> None:
    limit = kind.max_bytes()
    if length > limit:
        raise UploadError(
            N_("The file is %(size)s MB; the most Headway takes is %(limit)s MB."),
            status=413,
            size=f"{length / 1e6:.1f}",
            limit=f"{limit / 1e6:.0f}",
        )


def in_flight(kind: UploadKind, owner) -> int:
    model = kind.model
    return db.session.scalar(
        select(func.count(model.id)).where(
            model.owner_id == owner.id,
            model.status == UploadStatus.RECEIVING,
            model.expires_at > utcnow(),
        )
    )


def _expires_at():
    return utcnow() + timedelta(seconds=current_app.config["STUDIO_UPLOAD_EXPIRES_S"])


def create_upload(
    kind: UploadKind, owner, target: dict[str, Any], length: int, filename: str, ctype: str
):
    """An empty upload of ``length`` bytes for ``target``; every limit is checked before
    the first byte. Commits."""
    if length < 0:
        raise UploadError(N_("The upload's length is missing."), status=400)
    check_size(kind, length)
    check_file(kind, filename, ctype)
    expire_uploads(kind, owner)  # the owner's abandoned uploads no longer count, nor take space
    kind.before_start(owner, length)
    if in_flight(kind, owner) >= kind.in_flight_limit():
        raise UploadError(
            N_("You have %(count)d uploads under way: let one finish, or cancel one, first."),
            status=429,
            count=kind.in_flight_limit(),
        )
    upload = kind.model(
        id=secrets.token_hex(16),
        owner_id=owner.id,
        filename=filename[:255],
        content_type=ctype[:100],
        length=length,
        offset=0,
        status=UploadStatus.RECEIVING,
        storage_key=source_key_for_new_asset(),
        expires_at=_expires_at(),
        **target,
    )
    _sink().create(upload)
    db.session.add(upload)
    db.session.commit()
    return upload


def find_upload(kind: UploadKind, owner, upload_id: str):
    """``owner``'s upload of this kind, or None: another person's is as good as absent."""
    upload = db.session.get(kind.model, upload_id) if len(upload_id) <= 32 else None
    if upload is None or upload.owner_id != owner.id:
        return None
    return upload


def is_expired(upload) -> bool:
    return upload.status == UploadStatus.RECEIVING and upload.expires_at <= utcnow()


def append(kind: UploadKind, upload, offset: int, stream, content_length: int | None):
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
        finish(kind, upload)
    return upload


def _take_lease(upload, offset: int) -> str:
    model, token, now = type(upload), secrets.token_hex(16), utcnow()
    taken = db.session.execute(
        update(model)
        .where(
            model.id == upload.id,
            model.offset == offset,
            model.status == UploadStatus.RECEIVING,
            or_(model.lock_token.is_(None), model.locked_until < now),
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


def _renew_lease(upload, token: str, total: int) -> None:
    if total % LEASE_REFRESH_BYTES >= 256 * 1024:  # about every 4 MB
        return
    model = type(upload)
    renewed = db.session.execute(
        update(model)
        .where(model.id == upload.id, model.lock_token == token)
        .values(
            locked_until=utcnow() + timedelta(seconds=current_app.config["STUDIO_UPLOAD_LEASE_S"])
        )
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    if renewed.rowcount != 1:
        raise UploadError(N_("Another transfer took over this upload."), status=409)


def _release_lease(upload, token: str, written: int) -> None:
    model = type(upload)
    parts = upload.s3_parts  # the S3 sink's parts sent by this PATCH, before the rollback
    db.session.rollback()
    db.session.execute(
        update(model)
        .where(model.id == upload.id, model.lock_token == token)
        .values(
            offset=model.offset + written,
            lock_token=None,
            locked_until=None,
            expires_at=_expires_at(),
            s3_parts=parts,
        )
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def finish(kind: UploadKind, upload) -> None:
    """All bytes are in: check the file again, store it as the media source, queue it for
    the ladder, and let the area attach it. Commits."""
    check_size(kind, upload.length)  # again: the limit may have changed while it arrived
    sink = _sink()
    upload.sha256 = sink.finish(upload)
    store = storage()
    if store.size(upload.storage_key) != upload.length or not looks_like_media(sink.head(upload)):
        store.delete(upload.storage_key)
        db.session.delete(upload)
        db.session.commit()
        raise UploadError(kind.arrived_not_media, status=415, name=upload.filename)
    asset = queue_stored_source(
        upload.storage_key, owner=upload.owner_id, original_filename=upload.filename
    )
    upload.asset_id, upload.status, upload.completed_at = asset.id, UploadStatus.COMPLETE, utcnow()
    kind.on_complete(upload)
    db.session.commit()


# The first bytes of the containers the pipeline reads (ISO BMFF, Matroska/WebM, Ogg, RIFF,
# MP3 with or without its ID3 tag, ADTS AAC).
_SIGNATURES = (b"\x1a\x45\xdf\xa3", b"OggS", b"RIFF", b"ID3", b"\xff\xfb", b"\xff\xf3", b"\xff\xf1")


def looks_like_media(head: bytes) -> bool:
    return head[4:8] == b"ftyp" or head.startswith(_SIGNATURES)


@building_block
def discard(upload) -> None:
    """An unfinished upload's bytes go (a building block: the caller deletes the row)."""
    _sink().discard(upload)
    if upload.status == UploadStatus.RECEIVING:
        storage().delete(upload.storage_key)


def expire_uploads(kind: UploadKind, owner=None) -> int:
    """Remove the uploads of ``kind`` (``owner``'s, or everyone's) left unfinished past
    their expiry, and their bytes; gives how many. Commits."""
    model = kind.model
    query = select(model).where(
        model.status == UploadStatus.RECEIVING, model.expires_at <= utcnow()
    )
    if owner is not None:
        query = query.where(model.owner_id == owner.id)
    expired = db.session.scalars(query).all()
    for upload in expired:
        _sink().discard(upload)
        db.session.delete(upload)
    db.session.commit()
    return len(expired)


def terminate(kind: UploadKind, upload) -> None:
    """Cancel: its bytes go, and whatever the area says goes with them. Commits."""
    discard(upload)
    kind.on_terminate(upload)
    db.session.delete(upload)
    db.session.commit()
