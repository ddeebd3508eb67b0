"""The rendition ladder, as data, and how it is fitted to one source.

Every number a leader pays for is in :data:`VIDEO_RUNGS` and :data:`AUDIO_RENDITIONS`. They were
tuned on the reference clips in ``../shared/media`` (see ``benchmarks/transcode.py``) against
these targets, measured as *total* bitrate (video + audio, container included):

=========  ==========  ==============================================
rung       target      measured (slide lecture / high-motion, kbps)
=========  ==========  ==============================================
144p       <= 125      see the benchmark; the cap sits well inside
240p       <= 200      SSIM vs the scaled source >= 0.93 on motion
360p       <= 380
audio      <= 32
=========  ==========  ==============================================

Rate control is *capped CRF*: the CRF sets the quality a slide talk needs (it then costs a
fraction of the cap), ``maxrate``/``bufsize`` stop busy motion from spending more than the rung
allows. ``bufsize`` is two seconds of ``maxrate``, matching the two-second GOP, so a phone that
buffers one segment never sees a spike larger than the rung's budget.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

#: Seconds between keyframes: small enough to seek and resume quickly, large enough not to waste bits.
KEYFRAME_INTERVAL_S = 2.0
#: The first keyframes come sooner: a phone fetches a whole segment before its first frame, and
#: on Slow 3G (50 KB/s) a 1 s segment of the 240p rung arrives in about half the time of a 2 s
#: one. Two short segments, then KEYFRAME_INTERVAL_S: the extra keyframe costs a few KB a lesson.
SHORT_FIRST_KEYFRAMES = 2
FIRST_KEYFRAME_INTERVAL_S = 1.0
#: Phones shoot 50/60 fps; a lesson does not need more than this, and every frame costs data.
MAX_OUTPUT_FPS = 30.0
#: Segments for Media Source playback are cut at those keyframes: one segment per GOP, so every
#: rung's segment N covers the same instants and a player can change rung between two segments.
#: (1 s, 1 s, then 2 s each.)
SEGMENT_SECONDS = KEYFRAME_INTERVAL_S


def keyframe_times(duration_s: float) -> list[float]:
    """The instants the ladder forces keyframes at (and segments start at) in ``duration_s``."""
    times, n = [], 0
    while (at := keyframe_time(n)) < duration_s:
        times.append(at)
        n += 1
    return times


def keyframe_time(n: int) -> float:
    """The ``n``-th forced keyframe's instant (from 0): as ``commands.keyframe_expression``."""
    if n < SHORT_FIRST_KEYFRAMES:
        return n * FIRST_KEYFRAME_INTERVAL_S
    return (
        SHORT_FIRST_KEYFRAMES * FIRST_KEYFRAME_INTERVAL_S
        + (n - SHORT_FIRST_KEYFRAMES) * KEYFRAME_INTERVAL_S
    )


#: The audio-only rendition that is also segmented: AAC in MP4 is what every MSE browser plays.
SEGMENTED_AUDIO = "audio-aac"
#: x264 speed/quality trade-off for every rung; "fast" keeps within 0.001 SSIM of "medium"
#: on the reference clips for ~15% less CPU (measured by benchmarks/transcode.py).
X264_PRESET = "fast"


@dataclass(frozen=True)
class VideoRung:
    """One H.264 (Main profile) + AAC-LC mono MP4 rendition."""

    name: str
    height: int  # of the picture's short side, so a portrait phone video gets the same budget
    crf: int
    maxrate_kbps: int
    bufsize_kbps: int
    audio_kbps: int

    @property
    def filename(self) -> str:
        return f"{self.name}.mp4"


@dataclass(frozen=True)
class AudioRendition:
    """An audio-only rendition for leaders who only listen (and pay the least)."""

    name: str
    codec: str  # ffmpeg encoder name
    extension: str
    content_type: str
    bitrate_kbps: int
    encoder_options: tuple[tuple[str, str], ...] = ()

    @property
    def filename(self) -> str:
        return f"{self.name}.{self.extension}"


VIDEO_RUNGS: tuple[VideoRung, ...] = (
    VideoRung("144p", 144, crf=30, maxrate_kbps=85, bufsize_kbps=170, audio_kbps=24),
    VideoRung("240p", 240, crf=28, maxrate_kbps=150, bufsize_kbps=300, audio_kbps=32),
    VideoRung("360p", 360, crf=28, maxrate_kbps=300, bufsize_kbps=600, audio_kbps=40),
    VideoRung("480p", 480, crf=28, maxrate_kbps=550, bufsize_kbps=1100, audio_kbps=48),
)

AUDIO_RENDITIONS: tuple[AudioRendition, ...] = (
    # Constrained VBR keeps music-heavy passages near the nominal rate (plain VBR measured
    # 31.5 kbps on the motion clip, too close to the 32 kbps budget).
    AudioRendition("audio", "libopus", "webm", "audio/webm", 24, (("vbr", "constrained"),)),
    # Fallback for old Android/iOS without Opus. ffmpeg's AAC encoder overshoots low targets
    # (asked for 32k it writes 34-39k on speech), so ask for 24k: it lands at 25-29k.
    AudioRendition("audio-aac", "aac", "m4a", "audio/mp4", 24),
)

#: Poster and placeholder sizes.
POSTER_HEIGHT = 240
#: ffmpeg -q:v (2 best .. 31 worst): 12.2 KB on the motion clip, 3.9 KB on the slides. A busier
#: frame that comes out over POSTER_MAX_BYTES is re-encoded a few steps coarser.
POSTER_JPEG_QUALITY = 8
POSTER_MAX_BYTES = 15_000
PLACEHOLDER_WIDTH = 16


@dataclass(frozen=True)
class PlannedRung:
    """A rung fitted to a particular source: exact output size and frame rate."""

    rung: VideoRung
    width: int
    height: int

    @property
    def name(self) -> str:
        return self.rung.name


@dataclass(frozen=True)
class LadderPlan:
    video: tuple[PlannedRung, ...]
    audio: tuple[AudioRendition, ...]  # the audio-only renditions
    output_fps: float | None  # None: keep the source's frame timing
    gop_frames: int | None
    with_sound: bool = True  # whether the video rungs carry an AAC track


def even(value: float) -> int:
    """The nearest even size, at least 2: H.264 with 4:2:0 chroma needs even dimensions."""
    return max(2, int(round(value / 2)) * 2)


def output_frame_rate(source_fps: float) -> float | None:
    """The frame rate to convert to, or None to keep the source's own timing.

    High rates are divided by a whole number (60 -> 30, 50 -> 25) so motion stays even instead
    of dropping every fifth frame. Anything at or under MAX_OUTPUT_FPS is left alone: resampling
    a 25 fps clip whose average reads 24.95 would drop real frames.
    """
    if source_fps <= MAX_OUTPUT_FPS:
        return None
    return source_fps / math.ceil(source_fps / MAX_OUTPUT_FPS)


def plan_ladder(
    width: int | None,
    height: int | None,
    fps: float | None,
    has_audio: bool,
    rungs: tuple[VideoRung, ...] = VIDEO_RUNGS,
    audio: tuple[AudioRendition, ...] = AUDIO_RENDITIONS,
) -> LadderPlan:
    """Choose the rungs a source can fill, never upscaling.

    ``width``/``height`` are the *display* size (rotation and pixel aspect applied). A source
    smaller than the lowest rung still gets one video rendition, at its own size.
    """
    planned: list[PlannedRung] = []
    out_fps: float | None = None
    gop: int | None = None
    if width and height:
        short_side = min(width, height)
        portrait = height > width
        fitting = [r for r in rungs if r.height <= short_side]
        if not fitting and rungs:
            lowest = min(rungs, key=lambda r: r.height)
            fitting = [replace(lowest, height=even(short_side))]
        for rung in fitting:
            long_side = even(rung.height * max(width, height) / short_side)
            w, h = (rung.height, long_side) if portrait else (long_side, rung.height)
            planned.append(PlannedRung(rung, even(w), even(h)))
        out_fps = output_frame_rate(fps or 25.0)
        gop = max(1, round(KEYFRAME_INTERVAL_S * (out_fps or fps or 25.0)))
    return LadderPlan(
        video=tuple(planned),
        audio=audio if has_audio else (),
        output_fps=out_fps,
        gop_frames=gop,
        with_sound=has_audio,
    )
