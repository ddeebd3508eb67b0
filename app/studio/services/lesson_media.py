"""A lesson's video by other ways than tus: a plain form upload (for browsers without
JavaScript, within the form size limit), captions per language, and a retry.

Each new video or captioned copy is an ``Upload`` row with its asset, like a finished tus
upload, so the lesson switches to it only once its renditions are ready.
"""

from __future__ import annotations

import hashlib
import io
import secrets
from collections.abc import Iterator
from datetime import timedelta
from typing import BinaryIO

from app.db import utcnow
from app.extensions import db
from app.learning.models import Lesson
from app.media import services as media

from ..models import Upload, UploadStatus
from ._common import N_, StudioError
from .storage_use import check_quota
from .uploads import check_file, check_size, looks_like_media

CAPTION_EXTENSIONS = (".vtt", ".srt")
CAPTIONS_MAX_BYTES = 512 * 1024
CAPTIONS_KIND = "text/vtt"  # an Upload of this type is the same video with new captions


def _finished_upload(
    owner, lesson: Lesson, language: str, asset, filename: str, kind: str = ""
) -> Upload:
    upload = Upload(
        id=secrets.token_hex(16),
        owner_id=owner.id,
        lesson_id=lesson.id,
        language=language,
        filename=filename[:255],
        content_type=kind,
        length=asset.source_bytes,
        offset=asset.source_bytes,
        status=UploadStatus.COMPLETE,
        storage_key=asset.source_key,
        asset_id=asset.id,
        applied=False,
        expires_at=utcnow() + timedelta(days=1),
        completed_at=utcnow(),
    )
    db.session.add(upload)
    return upload


def accept_form_upload(
    owner, lesson: Lesson, language: str, stream: BinaryIO, filename: str, ctype: str
) -> Upload:
    """A video sent with a plain form: checked as a tus upload is, then queued."""
    check_file(filename, ctype)
    head = stream.read(64)
    if not looks_like_media(head):
        raise StudioError(N_("%(name)s is not a video or audio file."), name=filename)
    stream.seek(0, io.SEEK_END)
    check_size(stream.tell())
    check_quota(owner, stream.tell())
    stream.seek(0)
    digest = hashlib.sha256()
    for chunk in iter(lambda: stream.read(1 << 20), b""):
        digest.update(chunk)
    stream.seek(0)
    asset = media.queue_transcode(stream, owner=owner, original_filename=filename)
    upload = _finished_upload(owner, lesson, language, asset, filename)
    upload.sha256 = digest.hexdigest()
    db.session.commit()
    return upload


class _ChunkReader(io.RawIOBase):
    """A file object over a storage's chunks, so a stored source is copied without
    holding it in memory."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks, self._rest = chunks, b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while not self._rest:
            self._rest = next(self._chunks, b"")
            if not self._rest:
                return 0
        n = min(len(buffer), len(self._rest))
        buffer[:n], self._rest = self._rest[:n], self._rest[n:]
        return n


def add_captions(owner, lesson: Lesson, language: str, data: bytes, filename: str) -> Upload:
    """Captions in ``language`` for the lesson's video: the video is made again with them
    (the pipeline burns nothing in; it adds a WebVTT track), and the lesson in that language
    plays the new copy once it is ready."""
    if not filename.lower().endswith(CAPTION_EXTENSIONS):
        raise StudioError(N_("Captions are a .vtt or .srt file."))
    if len(data) > CAPTIONS_MAX_BYTES:
        raise StudioError(N_("That captions file is too large."))
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        raise StudioError(N_("Save the captions as UTF-8 text, then send them again.")) from None
    source = lesson.media_asset
    if source is None:
        raise StudioError(N_("Upload the lesson's video first; then add its captions."))
    check_quota(owner, source.source_bytes)  # the video is copied with its captions
    stream = io.BufferedReader(_ChunkReader(media.storage().open(source.source_key)))
    asset = media.queue_transcode(
        stream,
        owner=owner,
        original_filename=source.original_filename,
        captions=data,
        captions_language=language,
    )
    upload = _finished_upload(
        owner, lesson, language, asset, source.original_filename, kind=CAPTIONS_KIND
    )
    db.session.commit()
    return upload
