"""The storage and limits media settings choose (their defaults are in app/config.py)."""

from __future__ import annotations

from pathlib import Path

from flask import current_app

from app.signals import asset_limits
from media_pipeline.limits import Limits
from media_pipeline.storage import LocalStorage, S3Storage, Storage

CONTENT_TYPES = {
    ".mp4": "video/mp4",
    ".webm": "audio/webm",
    ".m4a": "audio/mp4",
    ".jpg": "image/jpeg",
    ".vtt": "text/vtt",
    ".json": "application/json",
    ".m3u8": "application/vnd.apple.mpegurl",
    ".m4s": "video/iso.segment",
}


def create_storage(app) -> Storage:
    config = app.config
    if config["S3_BUCKET"]:
        return S3Storage(
            config["S3_BUCKET"],
            endpoint_url=config["S3_ENDPOINT_URL"],
            region=config["S3_REGION"],
            access_key=config["S3_ACCESS_KEY_ID"],
            secret_key=config["S3_SECRET_ACCESS_KEY"],
            public_endpoint_url=config["S3_PUBLIC_ENDPOINT_URL"],
            prefix=config["S3_PREFIX"] or "",
            bucket_s=int(config["MEDIA_URL_BUCKET_S"]),
        )
    return LocalStorage(
        Path(config["MEDIA_ROOT"]),
        base_url="/media/files",
        # A key of its own, derived so it changes whenever SECRET_KEY does.
        secret=f"media-url:{config['SECRET_KEY']}",
        bucket_s=int(config["MEDIA_URL_BUCKET_S"]),
    )


def storage() -> Storage:
    return current_app.extensions["media_storage"]


def limits(asset_id: int | None = None) -> Limits:
    """Media's limits; for ``asset_id``, shortened to what the area it belongs to allows
    (``app.signals.asset_limits``: a practice's video is at most three minutes)."""
    config = current_app.config
    longest = float(config["MEDIA_MAX_MINUTES"]) * 60
    needs_picture = False
    if asset_id is not None:
        answers = asset_limits.send(current_app._get_current_object(), asset_id=asset_id)
        for _, answer in answers:
            if answer is not None:
                longest = min(longest, float(answer.max_seconds))
                needs_picture = needs_picture or answer.needs_picture
    return Limits(
        max_duration_s=longest,
        max_bytes=int(config["MEDIA_MAX_BYTES"]),
        needs_picture=needs_picture,
    )
