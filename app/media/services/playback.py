"""Playback: what a page needs to play an asset, with stable URLs and what each choice costs.

URLs. With local storage every file has one URL for good, ``/media/<asset>/files/<key>``:
keys are never reused for other content, so the browser (and the service worker) may keep a
file for a year and never fetch it twice; the route checks the signed-in person's access on
each request, which changes nothing in the URL. With S3 the browser goes to the bucket with
presigned URLs (the signature changes every ``MEDIA_URL_BUCKET_S``; the service worker leaves
it out of its cache key), and playlists are rewritten by the app to name presigned segments.

Choices. A leader spends what they choose (``User.data_rung``): audio only, the lowest, low
(240p, the lowest on which a slide's text stays legible) or medium (360p) rung, or Auto (the
loader picks from the measured throughput, never above medium or what the monthly limit
leaves). Each choice is shown with its cost for this lesson before anything plays.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from flask import current_app, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from app.extensions import db
from media_pipeline.commands import INIT_NAME, SEGMENT_PATTERN
from media_pipeline.storage import LocalStorage

from ..models import MediaAsset, MediaStatus, Rendition
from ._common import error_text
from .settings import storage

#: The video rung each choice plays: the highest at or under this height.
CHOICE_HEIGHTS = {"lowest": 0, "low": 240, "medium": 360, "auto": 360}
DEFAULT_CHOICE = "low"


@dataclass
class PlaybackSource:
    url: str
    mimetype: str
    label: str  # (a lazy string, translated when shown)
    size_bytes: int
    height: int | None = None
    name: str = ""
    playlist: str | None = None  # the segments' playlist, if this rendition has them
    init: str | None = None  # and their init segment (fetched alongside the playlist)
    # and the first media segment, fetched alongside both when playing from the start: the
    # first frame waits for one round trip, not for the playlist's and then the segment's
    first_segment: str | None = None
    width: int | None = None
    segments_bytes: int | None = None


@dataclass
class PlaybackChoice:
    """One data-saver option on the player: what it plays and what the lesson costs in it."""

    name: str  # "audio", "lowest", "low", "medium", "auto"
    source: PlaybackSource
    size_bytes: int


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
    choices: list[PlaybackChoice] = field(default_factory=list)
    chosen: str = DEFAULT_CHOICE  # the choice in effect (a name in ``choices``)
    asset_id: int | None = None
    duration_s: float = 0.0
    bytes_left: int | None = None  # of the viewer's monthly limit; Auto stays within it
    # The picture's size (every rung has its shape): the page reserves the player's box
    # from it, so nothing moves when the poster arrives. None for sound alone.
    width: int | None = None
    height: int | None = None

    @property
    def chosen_choice(self) -> PlaybackChoice | None:
        return next((c for c in self.choices if c.name == self.chosen), None)


#: Labels are lazy: each is translated where a page shows it, in the reader's language.
RENDITION_LABELS = {"audio": _l("Audio only"), "audio-aac": _l("Audio only (AAC)")}


def rendition_label(rendition: Rendition):
    if rendition.kind == "video":
        return _l("%(name)s video", name=rendition.name)
    return RENDITION_LABELS.get(rendition.name, rendition.name)


def signed_url(key: str) -> str:
    return storage().url(key, expires_in=int(current_app.config["MEDIA_URL_EXPIRES_S"]))


def file_url(asset_id: int, key: str) -> str:
    """The URL a browser fetches ``key`` of ``asset_id`` by: stable with local storage,
    presigned with S3."""
    if isinstance(storage(), LocalStorage):
        return url_for("media.serve_asset_file", asset_id=asset_id, key=key)
    return signed_url(key)


def playlist_url(asset_id: int, key: str) -> str:
    """A segment playlist's URL. On S3 the app serves it, naming presigned segments (the
    playlist's own relative names would reach the bucket unsigned)."""
    if isinstance(storage(), LocalStorage):
        return file_url(asset_id, key)
    return url_for("media.serve_playlist", asset_id=asset_id, key=key)


def _source(asset_id: int, rendition: Rendition) -> PlaybackSource:
    folder = rendition.playlist_key.rsplit("/", 1)[0] if rendition.playlist_key else None
    return PlaybackSource(
        url=file_url(asset_id, rendition.storage_key),
        mimetype=rendition.mime_type,
        size_bytes=rendition.bytes,
        height=rendition.height,
        name=rendition.name,
        label=rendition_label(rendition),
        playlist=playlist_url(asset_id, rendition.playlist_key) if rendition.playlist_key else None,
        init=file_url(asset_id, f"{folder}/{INIT_NAME}") if folder else None,
        first_segment=file_url(asset_id, f"{folder}/{SEGMENT_PATTERN % 0}") if folder else None,
        segments_bytes=rendition.segments_bytes,
        width=rendition.width,
    )


def _video_for(sources: list[PlaybackSource], height: int) -> PlaybackSource:
    """The highest video rung at or under ``height`` (the lowest there is, if none)."""
    fitting = [s for s in sources if (s.height or 0) <= height] or sources[:1]
    return fitting[-1]


def _choices(video: list[PlaybackSource], audio: list[PlaybackSource]) -> list[PlaybackChoice]:
    def cost(source: PlaybackSource) -> int:
        return source.segments_bytes or source.size_bytes

    # For listening, the segmented AAC if there is one (bytes only as far as one listens),
    # else the first progressive audio (Opus: the smallest file).
    listen = next((s for s in audio if s.playlist), audio[0] if audio else None)
    choices = [PlaybackChoice("audio", listen, cost(listen))] if listen else []
    if video:
        for name, height in CHOICE_HEIGHTS.items():
            source = _video_for(video, height)
            choices.append(PlaybackChoice(name, source, cost(source)))
    return choices


def _captions(asset: MediaAsset) -> list[PlaybackCaptions]:
    if not (asset.captions_key and asset.captions_key.endswith(".vtt")):
        return []
    language = asset.captions_language or "en"
    url = file_url(asset.id, asset.captions_key)
    return [PlaybackCaptions(url=url, language=language, label=language.upper())]


@functools.cache
def _asset_statement():
    """The asset with its renditions joined: one statement where the relationship's own
    ``selectin`` made two, on every lesson page. Built once, the asset bound per call."""
    return (
        select(MediaAsset)
        .where(MediaAsset.id == bindparam("asset_id"))
        .options(joinedload(MediaAsset.renditions))
    )


def playback_for(asset_id: int, *, choice: str = DEFAULT_CHOICE) -> Playback | None:
    """The renditions of an asset with their URLs and sizes, the chosen one first.

    The caller has already decided the person may see the lesson; the media routes check it
    again for every file.
    """
    asset = (
        db.session.execute(_asset_statement(), {"asset_id": asset_id}).unique().scalar_one_or_none()
    )
    if asset is None:
        return None
    if asset.status == MediaStatus.FAILED:
        return Playback(kind="video", status="failed", error=error_text(asset))
    if asset.status != MediaStatus.READY:
        return Playback(kind="video", status="processing", progress=int(asset.progress))
    ordered = sorted(asset.renditions, key=lambda r: (r.kind != "video", r.height or 0, r.id))
    video = [_source(asset.id, r) for r in ordered if r.kind == "video"]
    audio = [_source(asset.id, r) for r in ordered if r.kind == "audio"]
    choices = _choices(video, audio)
    names = [c.name for c in choices]
    chosen = (
        choice if choice in names else (DEFAULT_CHOICE if DEFAULT_CHOICE in names else names[0])
    )
    first = next(c.source for c in choices if c.name == chosen)
    # The browser's plain <video> plays the first source it can: the chosen one.
    sources = [first, *(s for s in video + audio if s is not first)]
    return Playback(
        kind="video" if video else "audio",
        status="ready",
        sources=sources,
        poster=file_url(asset.id, asset.poster_key) if asset.poster_key else None,
        placeholder=asset.placeholder_data_uri,
        captions=_captions(asset),
        progress=100,
        choices=choices,
        chosen=chosen,
        asset_id=asset.id,
        duration_s=asset.duration_s or 0.0,
        width=video[0].width if video else None,
        height=video[0].height if video else None,
    )


def presign_playlist(text: str, url_for_name) -> str:
    """``text`` (an HLS playlist) with each segment and the init segment named by
    ``url_for_name(name)`` instead of its relative name."""
    lines = []
    for line in text.splitlines():
        if line.startswith("#EXT-X-MAP:URI="):
            name = line.split('"')[1]
            line = f'#EXT-X-MAP:URI="{url_for_name(name)}"'
        elif line and not line.startswith("#"):
            line = url_for_name(line)
        lines.append(line)
    return "\n".join(lines) + "\n"
