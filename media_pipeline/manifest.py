"""What a transcode produced: every file, what it holds, and what it costs to download.

The manifest is written next to the renditions as ``manifest.json`` and is what the app stores
per asset; sizes and bitrates here are measured from the files, not taken from the settings.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class SegmentsEntry:
    """A rendition repackaged as fragmented MP4 for Media Source playback (HLS playlist)."""

    playlist: str  # "240p/index.m3u8", relative to the manifest like every other filename
    init: str  # "240p/init.mp4"
    files: tuple[str, ...]  # the media segments, in order ("240p/0000.m4s", …)
    durations: tuple[float, ...]  # seconds each, as the playlist says
    bytes: int  # init + every segment
    init_bytes: int

    @property
    def filenames(self) -> list[str]:
        return [self.playlist, self.init, *self.files]

    @classmethod
    def from_dict(cls, data: dict) -> SegmentsEntry:
        return cls(**{**data, "files": tuple(data["files"]), "durations": tuple(data["durations"])})


@dataclass(frozen=True)
class RenditionEntry:
    name: str  # "240p", "audio", "audio-aac"
    kind: str  # "video" or "audio"
    filename: str
    content_type: str
    codecs: str  # RFC 6381, for <source type='video/mp4; codecs="…"'>
    width: int | None
    height: int | None
    bytes: int
    duration_s: float
    bitrate_kbps: float  # total, video + audio + container
    segments: SegmentsEntry | None = None  # None: progressive only (audio in WebM, older assets)


@dataclass(frozen=True)
class ImageEntry:
    filename: str
    width: int
    height: int
    bytes: int


@dataclass(frozen=True)
class SourceEntry:
    format_name: str
    duration_s: float
    bytes: int
    video_codec: str | None
    width: int | None
    height: int | None
    fps: float | None
    audio_codec: str | None


@dataclass(frozen=True)
class Manifest:
    source: SourceEntry
    renditions: tuple[RenditionEntry, ...]
    poster: ImageEntry | None = None
    placeholder: ImageEntry | None = None
    placeholder_data_uri: str | None = None
    captions: str | None = None  # filename of the WebVTT file
    elapsed_s: float = 0.0
    version: int = field(default=1)

    @property
    def filenames(self) -> list[str]:
        names = [r.filename for r in self.renditions]
        names += [name for r in self.renditions if r.segments for name in r.segments.filenames]
        names += [image.filename for image in (self.poster, self.placeholder) if image]
        if self.captions:
            names.append(self.captions)
        return names

    def to_dict(self) -> dict:
        return asdict(self)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, sort_keys=True)

    @classmethod
    def from_dict(cls, data: dict) -> Manifest:
        return cls(
            source=SourceEntry(**data["source"]),
            renditions=tuple(_rendition(r) for r in data["renditions"]),
            poster=ImageEntry(**data["poster"]) if data.get("poster") else None,
            placeholder=ImageEntry(**data["placeholder"]) if data.get("placeholder") else None,
            placeholder_data_uri=data.get("placeholder_data_uri"),
            captions=data.get("captions"),
            elapsed_s=data.get("elapsed_s", 0.0),
            version=data.get("version", 1),
        )


def _rendition(data: dict) -> RenditionEntry:
    segments = data.get("segments")
    return RenditionEntry(
        **{**data, "segments": SegmentsEntry.from_dict(segments) if segments else None}
    )
