"""Media settings with their embedded defaults, and the storage and limits they choose."""

from __future__ import annotations

import os
from pathlib import Path

from flask import current_app

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


def configure(app) -> None:
    """Media settings with embedded defaults; each can be overridden (``HEADWAY_MEDIA_…``)."""
    instance = Path(app.instance_path)
    defaults = {
        "MEDIA_ROOT": str(instance / "media"),
        "MEDIA_WORK_DIR": str(instance / "media-work"),
        "MEDIA_QUEUE_PATH": str(instance / "media-queue.db"),
        # Processes that share a Redis and this name share one queue.
        "MEDIA_QUEUE_NAME": "headway-media",
        "MEDIA_WORKERS": 1,
        "MEDIA_MAX_ATTEMPTS": 3,
        "MEDIA_STALE_AFTER_S": 90,
        "MEDIA_SWEEP_INTERVAL_S": 30,
        "MEDIA_RETRY_BACKOFF_S": 30,
        # A job that found the disk full tries again after this long, uncounted, until
        # space is freed: the upload is not at fault.
        "MEDIA_DISK_FULL_RETRY_S": 300,
        "MEDIA_URL_EXPIRES_S": 6 * 3600,
        "MEDIA_URL_BUCKET_S": 3600,
        "MEDIA_MAX_MINUTES": 30,
        "MEDIA_MAX_BYTES": 4 * 1024**3,
        "INPROCESS_WORKER": False,
    }
    for key, value in defaults.items():
        app.config.setdefault(key, value)
    for key in (
        "S3_BUCKET",
        "S3_ENDPOINT_URL",
        "S3_REGION",
        "S3_ACCESS_KEY_ID",
        "S3_SECRET_ACCESS_KEY",
        "S3_PUBLIC_ENDPOINT_URL",
        "S3_PREFIX",
    ):
        app.config.setdefault(key, os.environ.get(key))


def create_storage(app) -> Storage:
    config = app.config
    if config.get("S3_BUCKET"):
        return S3Storage(
            config["S3_BUCKET"],
            endpoint_url=config.get("S3_ENDPOINT_URL"),
            region=config.get("S3_REGION"),
            access_key=config.get("S3_ACCESS_KEY_ID"),
            secret_key=config.get("S3_SECRET_ACCESS_KEY"),
            public_endpoint_url=config.get("S3_PUBLIC_ENDPOINT_URL"),
            prefix=config.get("S3_PREFIX") or "",
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


def limits() -> Limits:
    config = current_app.config
    return Limits(
        max_duration_s=float(config["MEDIA_MAX_MINUTES"]) * 60,
        max_bytes=int(config["MEDIA_MAX_BYTES"]),
    )
