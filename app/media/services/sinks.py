"""Where a resumable upload's bytes go while it arrives, by storage backend.

Locally, a part file in the upload folder that each PATCH writes into at its offset; when
complete it is moved (a rename) to the media source's key. On S3, a multipart upload to the
source's key: bytes gather in a local spool until there is a part's worth (S3 wants parts of
at least 5 MB but the last), which then goes up as the next part; completing the multipart
upload makes the object appear whole. Either way nothing large is held in memory: bytes go
from the request to disk in ``CHUNK_BYTES`` pieces.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from media_pipeline.storage import LocalStorage, S3Storage, Storage

from ..models import ResumableUpload as Upload

CHUNK_BYTES = 256 * 1024
S3_PART_BYTES = 8 * 1024 * 1024


@dataclass
class Written:
    """How many bytes a PATCH wrote, kept up to date as it goes: if the connection drops
    mid-way, the bytes that arrived still count."""

    bytes: int = 0


def _copy(
    stream: BinaryIO, out, limit: int, written: Written, keep_going: Callable[[int], None]
) -> None:
    """Copy at most ``limit`` bytes; ``keep_going(total)`` may raise to stop."""
    while written.bytes < limit:
        data = stream.read(min(CHUNK_BYTES, limit - written.bytes))
        if not data:
            break
        out.write(data)
        written.bytes += len(data)
        keep_going(written.bytes)
    out.flush()
    os.fsync(out.fileno())


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


class LocalSink:
    def __init__(self, storage: LocalStorage, folder: Path) -> None:
        self.storage, self.folder = storage, Path(folder)

    def part_path(self, upload: Upload) -> Path:
        return self.folder / f"{upload.id}.part"

    def create(self, upload: Upload) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.part_path(upload).touch()

    def write(self, upload: Upload, offset: int, stream, limit: int, written, keep_going) -> None:
        # Seek to the offset the database holds and cut off anything after what we write:
        # a PATCH that died after writing but before recording its bytes left them there.
        with self.part_path(upload).open("r+b") as out:
            out.seek(offset)
            try:
                _copy(stream, out, limit, written, keep_going)
            finally:
                out.truncate(offset + written.bytes)

    def finish(self, upload: Upload) -> str:
        """Move the complete file to its source key; gives its SHA-256."""
        part = self.part_path(upload)
        digest = file_sha256(part)
        target = self.storage.local_path(upload.storage_key)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(part, target)  # a rename on the same file system
        return digest

    def head(self, upload: Upload, size: int = 64) -> bytes:
        with self.storage.local_path(upload.storage_key).open("rb") as f:
            return f.read(size)

    def discard(self, upload: Upload) -> None:
        self.part_path(upload).unlink(missing_ok=True)


class S3Sink:
    def __init__(self, storage: S3Storage, folder: Path, part_bytes: int = S3_PART_BYTES) -> None:
        self.storage, self.folder, self.part_bytes = storage, Path(folder), part_bytes

    def _spool(self, upload: Upload) -> Path:
        return self.folder / f"{upload.id}.spool"

    def _sent(self, upload: Upload) -> int:
        return sum(part["size"] for part in upload.s3_parts or [])

    def create(self, upload: Upload) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self._spool(upload).touch()
        started = self.storage.client.create_multipart_upload(
            Bucket=self.storage.bucket, Key=self.storage._key(upload.storage_key)
        )
        upload.s3_upload_id, upload.s3_parts = started["UploadId"], []

    def write(self, upload: Upload, offset: int, stream, limit: int, written, keep_going) -> None:
        spool = self._spool(upload)
        start = offset - self._sent(upload)
        with spool.open("r+b") as out:
            out.seek(start)
            try:
                _copy(stream, out, limit, written, keep_going)
            finally:
                out.truncate(start + written.bytes)
        if start + written.bytes >= self.part_bytes:
            self._send_part(upload)

    def _send_part(self, upload: Upload) -> None:
        spool = self._spool(upload)
        number = len(upload.s3_parts or []) + 1
        with spool.open("rb") as body:
            sent = self.storage.client.upload_part(
                Bucket=self.storage.bucket,
                Key=self.storage._key(upload.storage_key),
                UploadId=upload.s3_upload_id,
                PartNumber=number,
                Body=body,
            )
        parts = list(upload.s3_parts or [])
        parts.append({"number": number, "etag": sent["ETag"], "size": spool.stat().st_size})
        upload.s3_parts = parts
        spool.write_bytes(b"")

    def finish(self, upload: Upload) -> str | None:
        """Send the last part and complete; the digest is not known without reading the
        object back, so none is given (imports then re-transcode rather than trust it)."""
        if self._spool(upload).stat().st_size or not upload.s3_parts:
            self._send_part(upload)
        self.storage.client.complete_multipart_upload(
            Bucket=self.storage.bucket,
            Key=self.storage._key(upload.storage_key),
            UploadId=upload.s3_upload_id,
            MultipartUpload={
                "Parts": [{"PartNumber": p["number"], "ETag": p["etag"]} for p in upload.s3_parts]
            },
        )
        self._spool(upload).unlink(missing_ok=True)
        return None

    def head(self, upload: Upload, size: int = 64) -> bytes:
        return b"".join(self.storage.open(upload.storage_key, 0, size - 1))

    def discard(self, upload: Upload) -> None:
        self._spool(upload).unlink(missing_ok=True)
        if upload.s3_upload_id and upload.status != "complete":
            self.storage.client.abort_multipart_upload(
                Bucket=self.storage.bucket,
                Key=self.storage._key(upload.storage_key),
                UploadId=upload.s3_upload_id,
            )


def sink_for(storage: Storage, folder: Path):
    if isinstance(storage, S3Storage):
        return S3Sink(storage, folder)
    return LocalSink(storage, folder)
