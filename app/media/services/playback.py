"""Playback: what a page needs to play an asset, with signed URLs and what each costs."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app
from flask_babel import lazy_gettext as _l

from app.extensions import db

from ..models import MediaAsset, MediaStatus, Rendition
from .errors import error_text
from .settings import storage


@dataclass
class PlaybackSource:
    url: str
    mimetype: str
    label: str  # (a lazy string, translated when shown)
    size_bytes: int
    height: int | None = None
    name: str = ""


@dataclass
class PlaybackCaptions:
    url: str
    language: str
    label: str


@dataclass
class Playback:
    """What a lesson page needs to play an asset (the learning area renders it)."""

    kind: str  # "video" or "audio"
    status: str  # "ready", "processing" or "failed"
    sources: list[PlaybackSource] = field(default_factory=list)
    poster: str | None = None
    placeholder: str | None = None  # a data: URI, shown while the poster loads
    captions: list[PlaybackCaptions] = field(default_factory=list)
    progress: int = 0
    error: str | None = None


#: Labels are lazy: each is translated where a page shows it, in the reader's language.
RENDITION_LABELS = {"audio": _l("Audio only"), "audio-aac": _l("Audio only (AAC)")}


def rendition_label(rendition: Rendition):
    if rendition.kind == "video":
        return _l("%(name)s video", name=rendition.name)
    return RENDITION_LABELS.get(rendition.name, rendition.name)


def _order(renditions: list[Rendition], data_saver: bool) -> list[Rendition]:
    """The browser plays the first source it can: lead with the rung the person should get."""
    video = sorted((r for r in renditions if r.kind == "video"), key=lambda r: r.height or 0)
    audio = [r for r in renditions if r.kind == "audio"]
    if not data_saver:
        preferred = [r for r in video if r.name == "240p"]
        video = preferred + [r for r in video if r not in preferred]
    return video + audio if video else audio


def signed_url(key: str) -> str:
    return storage().url(key, expires_in=int(current_app.config["MEDIA_URL_EXPIRES_S"]))


def playback_for(asset_id: int, *, data_saver: bool = True) -> Playback | None:
    """The renditions of an asset with signed URLs and their sizes, lowest cost first.

    The caller has already decided the person may see the lesson; the signed URLs carry that
    decision to the file server (or S3) for a limited time.
    """
    asset = db.session.get(MediaAsset, asset_id)
    if asset is None:
        return None
    if asset.status == MediaStatus.FAILED:
        return Playback(kind="video", status="failed", error=error_text(asset))
    if asset.status != MediaStatus.READY:
        return Playback(kind="video", status="processing", progress=int(asset.progress))
    renditions = _order(list(asset.renditions), data_saver)
    kind = "video" if any(r.kind == "video" for r in renditions) else "audio"
    sources = [
        PlaybackSource(
            url=signed_url(r.storage_key),
            mimetype=r.mime_type,
            size_bytes=r.bytes,
            height=r.height,
            name=r.name,
            label=rendition_label(r),
        )
        for r in renditions
    ]
    captions = []
    if asset.captions_key and asset.captions_key.endswith(".vtt"):
        language = asset.captions_language or "en"
        captions.append(
            PlaybackCaptions(
                url=signed_url(asset.captions_key), language=language, label=language.upper()
            )
        )
    return Playback(
        kind=kind,
        status="ready",
        sources=sources,
        poster=signed_url(asset.poster_key) if asset.poster_key else None,
        placeholder=asset.placeholder_data_uri,
        captions=captions,
        progress=100,
    )
