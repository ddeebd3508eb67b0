"""Uploaded media and the renditions the pipeline made of it.

The database is the truth about every transcode: a job reads the asset's status, claims it with
a fresh ``job_token``, beats ``heartbeat_at`` while ffmpeg runs, and only the holder of the
current token may publish renditions. A worker that died leaves a stale heartbeat, which the
sweeper turns into a retry (with backoff, up to ``MAX_ATTEMPTS``).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, BigInteger, Float, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from app.db import UTCDateTime, utcnow
from app.extensions import db


class MediaStatus(StrEnum):
    UPLOADED = "uploaded"
    PROBING = "probing"
    TRANSCODING = "transcoding"
    READY = "ready"
    FAILED = "failed"


class MediaAsset(db.Model):
    __tablename__ = "media_assets"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[str] = mapped_column(String(16), default=MediaStatus.UPLOADED, index=True)
    progress: Mapped[float] = mapped_column(Float, default=0.0)  # percent
    attempts: Mapped[int] = mapped_column(default=0)
    # For people: media_pipeline words it. In English here (the CLI and logs show it as it is);
    # pages show ``services.error_text(asset)``, which translates error_template % error_params
    # into the reader's language. Errors stored before those two existed have only ``error``.
    error: Mapped[str | None] = mapped_column(Text)
    error_template: Mapped[str | None] = mapped_column(Text)
    error_params: Mapped[dict | None] = mapped_column(JSON(none_as_null=True))
    # ffmpeg's stderr tail and the like, for whoever runs the servers.
    error_detail: Mapped[str | None] = mapped_column(Text)

    # Only for display; storage keys are always generated.
    original_filename: Mapped[str] = mapped_column(String(255), default="")
    source_key: Mapped[str] = mapped_column(String(255))
    source_bytes: Mapped[int] = mapped_column(BigInteger, default=0)
    # Renditions live under "<key_prefix>/<attempt token>/", so a retry never overwrites
    # files an earlier attempt may still be writing.
    key_prefix: Mapped[str] = mapped_column(String(64), unique=True)

    duration_s: Mapped[float | None] = mapped_column(Float)
    width: Mapped[int | None]
    height: Mapped[int | None]
    poster_key: Mapped[str | None] = mapped_column(String(255))
    poster_bytes: Mapped[int | None]
    placeholder_key: Mapped[str | None] = mapped_column(String(255))
    placeholder_data_uri: Mapped[str | None] = mapped_column(Text)
    captions_key: Mapped[str | None] = mapped_column(String(255))
    captions_language: Mapped[str | None] = mapped_column(String(16))

    job_token: Mapped[str | None] = mapped_column(String(32))
    worker: Mapped[str | None] = mapped_column(String(120))
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    queued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    transcode_seconds: Mapped[float | None] = mapped_column(Float)

    renditions: Mapped[list[Rendition]] = relationship(
        back_populates="asset",
        cascade="all, delete-orphan",
        lazy="selectin",
        order_by="Rendition.id",
    )

    def __repr__(self) -> str:
        return f"<MediaAsset {self.id} {self.status} {self.progress:.0f}% attempts={self.attempts}>"

    @property
    def is_ready(self) -> bool:
        return self.status == MediaStatus.READY

    @property
    def is_finished(self) -> bool:
        return self.status in (MediaStatus.READY, MediaStatus.FAILED)


class Rendition(db.Model):
    __tablename__ = "renditions"
    # One published set per asset: a retry that raced an earlier attempt cannot add a second.
    __table_args__ = (UniqueConstraint("asset_id", "name", name="uq_renditions_asset_id_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    asset_id: Mapped[int] = mapped_column(
        ForeignKey("media_assets.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(16))  # "144p" … "480p", "audio", "audio-aac"
    kind: Mapped[str] = mapped_column(String(8))  # "video" | "audio"
    storage_key: Mapped[str] = mapped_column(String(255), unique=True)
    content_type: Mapped[str] = mapped_column(String(64))
    codecs: Mapped[str] = mapped_column(String(64))
    width: Mapped[int | None]
    height: Mapped[int | None]
    bytes: Mapped[int] = mapped_column(BigInteger)
    duration_s: Mapped[float] = mapped_column(Float)
    bitrate_kbps: Mapped[float] = mapped_column(Float)
    # The same picture and sound as fragmented MP4 segments (an HLS playlist beside them, whose
    # entries are relative to it); None for assets transcoded before segments existed and for
    # the Opus rendition: those play progressively only.
    playlist_key: Mapped[str | None] = mapped_column(String(255))
    segments_bytes: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    asset: Mapped[MediaAsset] = relationship(back_populates="renditions")

    def __repr__(self) -> str:
        return (
            f"<Rendition {self.asset_id}/{self.name} {self.bytes} B {self.bitrate_kbps:.0f} kbps>"
        )

    @property
    def mime_type(self) -> str:
        return f'{self.content_type}; codecs="{self.codecs}"'


class UploadStatus:
    RECEIVING = "receiving"
    COMPLETE = "complete"


class ResumableUpload:
    """The columns of one tus upload (``app/media/routes/tus.py``), whichever area it is for: how
    many bytes it will have, how many the server holds, and a lease (``lock_token``,
    ``locked_until``) that one PATCH at a time holds while it writes. An area's upload model
    mixes this in and adds what the upload is for (the studio's lesson and language, a
    practice) — ``app/media/services/resumable.py`` is the one implementation for all."""

    # Random and unguessable: the upload's URL.
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(255), default="")
    content_type: Mapped[str] = mapped_column(String(100), default="")
    length: Mapped[int] = mapped_column(BigInteger)
    offset: Mapped[int] = mapped_column(BigInteger, default=0)
    status: Mapped[str] = mapped_column(String(16), default=UploadStatus.RECEIVING, index=True)
    # Where the bytes go: the media source's own storage key; on S3 the multipart upload
    # and the parts sent so far ({"number": n, "etag": "…"}).
    storage_key: Mapped[str] = mapped_column(String(255))
    s3_upload_id: Mapped[str | None] = mapped_column(String(255))
    s3_parts: Mapped[list | None] = mapped_column(JSON(none_as_null=True))
    lock_token: Mapped[str | None] = mapped_column(String(32))
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sha256: Mapped[str | None] = mapped_column(String(64))
    asset_id: Mapped[int | None] = mapped_column(
        ForeignKey("media_assets.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @declared_attr
    def asset(cls) -> Mapped[MediaAsset | None]:
        return relationship(MediaAsset)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.id} {self.offset}/{self.length} {self.status}>"
