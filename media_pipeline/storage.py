"""Where renditions live: a local folder or S3-compatible object storage, behind one interface.

Keys are always generated (:func:`new_key`), never taken from an upload's file name. Saving is
atomic: a reader sees either nothing or the complete file. Locally that is a write to a hidden
temporary name in the same folder, ``fsync`` and ``rename``. On S3 it is the protocol's own
guarantee: a PUT or a multipart upload only creates the object when it completes, so a
half-uploaded rendition is never visible (copying from a temporary key would only double the
transfer).

URLs for the browser are signed and expire. Their expiry is aligned to fixed time buckets:
every request within the same bucket gets the *same* URL, so a CDN or the phone's cache can
reuse it instead of fetching the file again under a new query string.
"""

from __future__ import annotations

import contextvars
import hashlib
import hmac
import os
import re
import shutil
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO, Protocol
from urllib.parse import quote, urlencode

#: A key is a few generated path segments of safe characters, e.g. "a1b2…/240p.mp4".
_KEY_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)*$")
CHUNK_BYTES = 1024 * 1024


def new_key(*parts: str) -> str:
    """A fresh random prefix joined with fixed, code-chosen names (``new_key("240p.mp4")``)."""
    key = "/".join([uuid.uuid4().hex, *parts])
    check_key(key)
    return key


def check_key(key: str) -> str:
    if not _KEY_PATTERN.match(key) or ".." in key or len(key) > 255:
        raise ValueError(f"not a storage key: {key!r}")
    return key


def aligned_expiry(expires_in: int, bucket_s: int, now: float | None = None) -> tuple[int, int]:
    """(bucket start, expiry) such that every call in one bucket agrees and at least
    ``expires_in`` seconds remain whenever the URL is handed out."""
    now = time.time() if now is None else now
    start = int(now // bucket_s * bucket_s)
    return start, start + bucket_s + expires_in


class Storage(Protocol):
    """The operations the app and the pipeline need, nothing more."""

    def save(self, key: str, source: Path | BinaryIO, content_type: str | None = None) -> int:
        """Store atomically; return the stored size in bytes."""

    def open(self, key: str, start: int = 0, end: int | None = None) -> Iterator[bytes]:
        """Yield the bytes ``start``..``end`` (inclusive, HTTP style) in chunks."""

    def size(self, key: str) -> int: ...

    def exists(self, key: str) -> bool: ...

    def url(self, key: str, expires_in: int = 3600) -> str: ...

    def delete(self, key: str) -> None: ...

    def delete_prefix(self, prefix: str) -> int: ...

    def local_path(self, key: str) -> Path | None:
        """The file on this machine, if there is one (lets the pipeline read without a copy)."""

    def check(self) -> None:
        """Raise if the storage cannot be reached (or written) now."""


class LocalStorage:
    """A folder on this machine; URLs are HMAC-signed links into the app, which verifies them."""

    def __init__(
        self,
        root: Path,
        *,
        base_url: str = "/media/files",
        secret: str | bytes = b"",
        bucket_s: int = 3600,
    ) -> None:
        self.root = Path(root).resolve()
        self.root.mkdir(parents=True, exist_ok=True)
        self.base_url = base_url.rstrip("/")
        self._secret = secret.encode() if isinstance(secret, str) else secret
        self.bucket_s = bucket_s

    def _path(self, key: str) -> Path:
        path = (self.root / check_key(key)).resolve()
        if self.root not in path.parents:
            raise ValueError(f"not a storage key: {key!r}")
        return path

    def local_path(self, key: str) -> Path | None:
        return self._path(key)

    def check(self) -> None:
        if not self.root.is_dir() or not os.access(self.root, os.W_OK | os.X_OK):
            raise OSError(f"{self.root} is not a folder this process can write to")

    def save(self, key: str, source: Path | BinaryIO, content_type: str | None = None) -> int:
        target = self._path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        # Same directory, so the rename is atomic; the leading dot keeps it out of listings.
        temporary = target.parent / f".{target.name}.{uuid.uuid4().hex}.part"
        try:
            with temporary.open("wb") as out:
                if isinstance(source, (str, Path)):
                    with open(source, "rb") as src:
                        shutil.copyfileobj(src, out, CHUNK_BYTES)
                else:
                    shutil.copyfileobj(source, out, CHUNK_BYTES)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, target)
        finally:
            temporary.unlink(missing_ok=True)
        return target.stat().st_size

    def open(self, key: str, start: int = 0, end: int | None = None) -> Iterator[bytes]:
        path = self._path(key)
        handle = path.open("rb")  # raises FileNotFoundError now, not on first iteration

        def chunks() -> Iterator[bytes]:
            with handle:
                handle.seek(start)
                remaining = None if end is None else end - start + 1
                while remaining is None or remaining > 0:
                    data = handle.read(
                        CHUNK_BYTES if remaining is None else min(CHUNK_BYTES, remaining)
                    )
                    if not data:
                        return
                    if remaining is not None:
                        remaining -= len(data)
                    yield data

        return chunks()

    def size(self, key: str) -> int:
        return self._path(key).stat().st_size

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def delete_prefix(self, prefix: str) -> int:
        folder = self._path(prefix)
        if not folder.is_dir():
            return 0
        count = sum(1 for p in folder.rglob("*") if p.is_file())
        shutil.rmtree(folder)
        return count

    # -- signed URLs -------------------------------------------------------------------------

    def signature(self, key: str, expires: int) -> str:
        message = f"{key}\n{expires}".encode()
        return hmac.new(self._secret, message, hashlib.sha256).hexdigest()[:32]

    def url(self, key: str, expires_in: int = 3600) -> str:
        if not self._secret:
            raise RuntimeError("LocalStorage needs a secret to sign URLs")
        _, expires = aligned_expiry(expires_in, self.bucket_s)
        query = {"expires": expires, "sig": self.signature(check_key(key), expires)}
        return f"{self.base_url}/{quote(key)}?{urlencode(query)}"

    def verify(
        self, key: str, expires: str | int, signature: str, now: float | None = None
    ) -> bool:
        """True if ``signature`` is ours for ``key`` and the URL has not expired."""
        try:
            expires_at = int(expires)
            check_key(key)
        except ValueError:
            return False
        if expires_at < (time.time() if now is None else now) or not self._secret:
            return False
        # As bytes: compare_digest refuses str with non-ASCII characters, which anyone can send.
        return hmac.compare_digest(
            self.signature(key, expires_at).encode(), (signature or "").encode()
        )


# --- S3 ---------------------------------------------------------------------------------------

#: The signing time for the presigned URL being made right now (see _BucketedQueryAuth).
_SIGNING_TIME: contextvars.ContextVar[datetime | None] = contextvars.ContextVar(
    "headway_signing_time", default=None
)
_SIGNATURE_NAME = "headway-s3v4-aligned-query"


def _register_aligned_signer() -> None:
    """Teach botocore a presigner that signs as of a chosen instant.

    botocore always signs "now", so two presigned URLs a second apart differ and no cache can
    share them. This signer is the stock S3 SigV4 query signer with the timestamp replaced by
    the bucket start held in ``_SIGNING_TIME``; S3 checks the signature and
    ``X-Amz-Date + X-Amz-Expires`` exactly as for any presigned URL.
    """
    import botocore.auth  # here, not at the top: only S3 needs boto, and it is slow to import

    if _SIGNATURE_NAME in botocore.auth.AUTH_TYPE_MAPS:
        return

    class _BucketedQueryAuth(botocore.auth.S3SigV4QueryAuth):
        def _modify_request_before_signing(self, request):  # called after the timestamp is set
            signing_time = _SIGNING_TIME.get()
            if signing_time is not None:
                request.context["timestamp"] = signing_time.strftime(botocore.auth.SIGV4_TIMESTAMP)
            super()._modify_request_before_signing(request)

    botocore.auth.AUTH_TYPE_MAPS[_SIGNATURE_NAME] = _BucketedQueryAuth


class S3Storage:
    """An S3 bucket (AWS, MinIO, Ceph, Garage, …) through boto3.

    Large files go up as multipart uploads (boto3's TransferConfig), several parts at once.
    """

    def __init__(
        self,
        bucket: str,
        *,
        endpoint_url: str | None = None,
        region: str | None = None,
        access_key: str | None = None,
        secret_key: str | None = None,
        prefix: str = "",
        multipart_threshold: int = 16 * 1024 * 1024,
        multipart_chunksize: int = 8 * 1024 * 1024,
        bucket_s: int = 3600,
        public_endpoint_url: str | None = None,
    ) -> None:
        # Imported here, not at the top: only S3 needs boto, and it is slow to import.
        import boto3
        from boto3.s3.transfer import TransferConfig
        from botocore.config import Config

        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self.bucket_s = bucket_s
        session = boto3.session.Session(
            aws_access_key_id=access_key, aws_secret_access_key=secret_key, region_name=region
        )
        config = Config(
            signature_version="s3v4",
            s3={"addressing_style": "path" if endpoint_url else "auto"},
            retries={"max_attempts": 5, "mode": "standard"},
        )
        self.client = session.client("s3", endpoint_url=endpoint_url, config=config)
        # URLs for browsers may need another host name than the one the servers use.
        self._presigner = session.client(
            "s3", endpoint_url=public_endpoint_url or endpoint_url, config=config
        )
        _register_aligned_signer()
        self._presigner.meta.events.register(
            "choose-signer.s3.GetObject", lambda **kwargs: _SIGNATURE_NAME
        )
        self.transfer_config = TransferConfig(
            multipart_threshold=multipart_threshold,
            multipart_chunksize=multipart_chunksize,
            max_concurrency=4,
        )

    def _key(self, key: str) -> str:
        check_key(key)
        return f"{self.prefix}/{key}" if self.prefix else key

    def local_path(self, key: str) -> Path | None:
        return None

    def check(self) -> None:
        self.client.head_bucket(Bucket=self.bucket)

    def save(self, key: str, source: Path | BinaryIO, content_type: str | None = None) -> int:
        # Keys are never reused for different content, so caches may keep objects for good.
        extra = {"CacheControl": "public, max-age=31536000, immutable"}
        if content_type:
            extra["ContentType"] = content_type
        if isinstance(source, (str, Path)):
            self.client.upload_file(
                str(source),
                self.bucket,
                self._key(key),
                ExtraArgs=extra,
                Config=self.transfer_config,
            )
        else:
            self.client.upload_fileobj(
                source, self.bucket, self._key(key), ExtraArgs=extra, Config=self.transfer_config
            )
        return self.size(key)

    def open(self, key: str, start: int = 0, end: int | None = None) -> Iterator[bytes]:
        args = {"Bucket": self.bucket, "Key": self._key(key)}
        if start or end is not None:
            args["Range"] = f"bytes={start}-{'' if end is None else end}"
        body = self.client.get_object(**args)["Body"]
        return body.iter_chunks(CHUNK_BYTES)

    def size(self, key: str) -> int:
        return self.client.head_object(Bucket=self.bucket, Key=self._key(key))["ContentLength"]

    def exists(self, key: str) -> bool:
        from botocore.exceptions import ClientError  # (boto is imported only for S3)

        try:
            self.client.head_object(Bucket=self.bucket, Key=self._key(key))
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return False
            raise
        return True

    def url(self, key: str, expires_in: int = 3600) -> str:
        start, expires = aligned_expiry(expires_in, self.bucket_s)
        params = {"Bucket": self.bucket, "Key": self._key(key)}
        token = _SIGNING_TIME.set(datetime.fromtimestamp(start, UTC).replace(tzinfo=None))
        try:
            return self._presigner.generate_presigned_url(
                "get_object", Params=params, ExpiresIn=expires - start
            )
        finally:
            _SIGNING_TIME.reset(token)

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._key(key))

    def delete_prefix(self, prefix: str) -> int:
        paginator = self.client.get_paginator("list_objects_v2")
        deleted = 0
        for page in paginator.paginate(Bucket=self.bucket, Prefix=self._key(prefix) + "/"):
            objects = [{"Key": item["Key"]} for item in page.get("Contents", [])]
            if objects:
                self.client.delete_objects(Bucket=self.bucket, Delete={"Objects": objects})
                deleted += len(objects)
        return deleted
