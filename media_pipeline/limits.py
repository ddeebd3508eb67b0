"""What an upload may be, and what one ffmpeg process may spend, before we refuse it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    """Bounds for untrusted uploads and for each ffmpeg/ffprobe process we start.

    The defaults suit lessons (3-7 minutes) with generous headroom; the app can override any
    of them from configuration.
    """

    max_duration_s: float = 30 * 60
    #: A recording with sound only is refused (a practice's video must show something).
    needs_picture: bool = False
    max_bytes: int = 4 * 1024**3
    #: 8K either way round; anything larger is a crafted header, not a camera.
    max_long_side: int = 7680
    max_short_side: int = 4320
    min_side: int = 16
    max_fps: float = 240.0
    #: Virtual memory cap per ffmpeg process (RLIMIT_AS). Four 1080p rungs need under 1 GiB.
    memory_bytes: int = 2 * 1024**3
    #: ffprobe reads headers only; it should never need long.
    probe_timeout_s: float = 30.0
    #: Transcode wall-clock limit: a fixed allowance plus this many seconds per second of media.
    timeout_base_s: float = 120.0
    timeout_per_media_second: float = 6.0

    def transcode_timeout(self, duration_s: float) -> float:
        return self.timeout_base_s + self.timeout_per_media_second * duration_s


#: The defaults, shared so functions can default to them without building one per call.
DEFAULT_LIMITS = Limits()
