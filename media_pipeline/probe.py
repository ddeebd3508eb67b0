"""Look at an untrusted upload with ffprobe, safely, and decide whether we will transcode it.

Order matters: the cheap checks that need no parsing (empty, too big, obviously a playlist,
an image or text) come first, then ffprobe restricted to the ``file`` protocol and to
container demuxers that cannot reference other files, then the checks on what it found.
Everything refused raises a :class:`~media_pipeline.errors.MediaRejected` with a sentence
the author can act on.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from media_pipeline import commands
from media_pipeline.errors import (
    N_,
    AbsurdDimensions,
    AbsurdFrameRate,
    CorruptMedia,
    EmptyFile,
    NoPicture,
    NoStreams,
    NotMediaFile,
    TooLarge,
    TooLong,
    TranscodeFailed,
    UnsafeMedia,
    UnsupportedStream,
    phrase,
)
from media_pipeline.limits import DEFAULT_LIMITS, Limits
from media_pipeline.runner import run_capture

#: Ends many rejections (as their ``hint`` parameter): what to upload instead.
UPLOAD_HINT = N_("Upload the video or audio file itself, for example an .mp4 from a phone.")
HINT = phrase(UPLOAD_HINT)


@dataclass(frozen=True)
class VideoInfo:
    codec: str
    width: int  # display size: rotation and pixel aspect applied
    height: int
    fps: float


@dataclass(frozen=True)
class AudioInfo:
    codec: str
    channels: int
    sample_rate: int


@dataclass(frozen=True)
class MediaInfo:
    """What ffprobe found in a file we have decided to accept."""

    format_name: str
    duration_s: float
    size_bytes: int
    video: VideoInfo | None
    audio: AudioInfo | None

    @property
    def demuxer(self) -> str:
        """The demuxer to force with ``-f`` when ffmpeg opens this file again."""
        return self.format_name.split(",")[0]


def _human_bytes(size: int) -> dict:
    """A size as a translatable phrase, e.g. "1.5 GB" (the unit is translated, not the number)."""
    units = (
        (N_("%(amount)s GB"), 1024**3),
        (N_("%(amount)s MB"), 1024**2),
        (N_("%(amount)s KB"), 1024),
    )
    for unit, scale in units:
        if size >= scale:
            amount = f"{size / scale:,.1f}"
            return phrase(unit, amount=amount[:-2] if amount.endswith(".0") else amount)
    return phrase(N_("%(amount)s bytes"), amount=size)


def _minutes(seconds: float) -> dict:
    """A duration as a translatable phrase: seconds under two minutes, minutes from then on."""
    if seconds < 120:
        return phrase(N_("%(amount)s seconds"), amount=int(f"{seconds:.0f}"))
    return phrase(N_("%(amount)s minutes"), amount=int(f"{seconds / 60:.0f}"))


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut off at the end of the sample is still text.
        return exc.start >= len(head) - 4
    return True


def _sniff(head: bytes) -> None:
    """Refuse files whose first bytes show they are not a recording, before ffprobe sees them."""
    images = {
        b"\x89PNG\r\n\x1a\n": N_("a PNG image"),
        b"\xff\xd8\xff": N_("a JPEG image"),
        b"GIF8": N_("a GIF image"),
        b"BM": N_("a BMP image"),
        b"%PDF": N_("a PDF document"),
    }
    not_a_recording = N_("This is %(what)s, not a video or audio recording. %(hint)s")
    for magic, what in images.items():
        if head.startswith(magic):
            raise NotMediaFile(not_a_recording, what=phrase(what), hint=HINT)
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        raise NotMediaFile(not_a_recording, what=phrase(N_("a WebP image")), hint=HINT)
    if not _looks_like_text(head):
        return
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith(b"#extm3u") or b"#ext-x-" in text:
        raise UnsafeMedia(
            N_("This is an HLS playlist (a list of links to other files), not a video. %(hint)s"),
            hint=HINT,
        )
    if text.startswith((b"ffconcat", b"file ")) or b"\nfile " in text:
        raise UnsafeMedia(
            N_(
                "This is an ffmpeg concat list (a list of links to other files), not a video. "
                "%(hint)s"
            ),
            hint=HINT,
        )
    if b"<mpd" in text or text.startswith(b"[playlist]") or b"<smil" in text:
        raise UnsafeMedia(N_("This is a streaming playlist, not a video. %(hint)s"), hint=HINT)
    raise NotMediaFile(not_a_recording, what=phrase(N_("a text file")), hint=HINT)


def _frame_rate(stream: dict) -> float:
    for key in ("avg_frame_rate", "r_frame_rate"):
        raw = stream.get(key) or "0/0"
        try:
            rate = Fraction(raw)
        except (ValueError, ZeroDivisionError):
            continue
        if rate > 0:
            return float(rate)
    return 0.0


def _rotation(stream: dict) -> int:
    for side in stream.get("side_data_list", []) or []:
        if "rotation" in side:
            return int(float(side["rotation"]))
    rotate = (stream.get("tags") or {}).get("rotate")
    return int(rotate) if rotate and rotate.lstrip("-").isdigit() else 0


def _display_size(stream: dict) -> tuple[int, int]:
    width, height = int(stream.get("width") or 0), int(stream.get("height") or 0)
    sar = stream.get("sample_aspect_ratio") or "1:1"
    try:
        num, den = (int(part) for part in sar.split(":"))
        if num > 0 and den > 0 and num != den:
            width = round(width * num / den)
    except ValueError:
        pass
    if _rotation(stream) % 180:
        width, height = height, width
    return width, height


def _duration(data: dict) -> float:
    candidates = [data.get("format", {}).get("duration")]
    candidates += [s.get("duration") for s in data.get("streams", [])]
    for value in candidates:
        try:
            seconds = float(value)
        except (TypeError, ValueError):
            continue
        if seconds > 0:
            return seconds
    return 0.0


UNSAFE_CONTAINER = N_(
    "This file is a kind of container Headway does not open for safety reasons. %(hint)s"
)
UNREADABLE = N_("This file is not a video or audio recording Headway can read. %(hint)s")
_INVALID_SIZE = re.compile(r"Picture size (\d+)x(\d+) is invalid")


def _absurd_size(width: int, height: int, limits: Limits) -> AbsurdDimensions:
    return AbsurdDimensions(
        N_(
            "The video claims to be %(width)s×%(height)s pixels, which no camera produces "
            "(Headway accepts %(min_side)s to %(max_long_side)s×%(max_short_side)s). "
            "The file is probably damaged; export it again."
        ),
        width=width,
        height=height,
        min_side=limits.min_side,
        max_long_side=limits.max_long_side,
        max_short_side=limits.max_short_side,
    )


def _require_codec(stream: dict, template: str) -> None:
    """Refuse a stream ffprobe found but has no decoder for (``template`` names its tag)."""
    name = stream.get("codec_name")
    if not name or name == "none":
        raise UnsupportedStream(template, tag=str(stream.get("codec_tag_string", "?")))


def _ffprobe_failure_reason(stderr: str, limits: Limits) -> Exception:
    # ffmpeg refuses frame sizes it cannot address before it will report them, so a crafted
    # 20000×20000 header only shows up in this message.
    invalid = _INVALID_SIZE.search(stderr)
    if invalid:
        return _absurd_size(int(invalid.group(1)), int(invalid.group(2)), limits)
    text = stderr.lower()
    if "moov atom not found" in text or "truncat" in text or "partial file" in text:
        return CorruptMedia(
            N_(
                "This video file is incomplete or damaged: it may not have finished uploading "
                "or recording. Try exporting or uploading it again."
            )
        )
    if "not on whitelist" in text:
        return UnsafeMedia(UNSAFE_CONTAINER, hint=HINT)
    return NotMediaFile(UNREADABLE, hint=HINT)


def _validate_size(size: int, limits: Limits) -> None:
    if size == 0:
        raise EmptyFile(
            N_("The file is empty (0 bytes). The upload may have failed; please try again.")
        )
    if size > limits.max_bytes:
        raise TooLarge(
            N_(
                "The file is %(size)s; the limit is %(limit)s. "
                "Export it at a lower quality or trim it, then upload again."
            ),
            size=_human_bytes(size),
            limit=_human_bytes(limits.max_bytes),
        )


def _ffprobe(path: Path, limits: Limits) -> dict:
    """ffprobe's JSON description of ``path``, or the rejection its failure points to."""
    try:
        result = run_capture(
            commands.probe_argv(path),
            timeout_s=limits.probe_timeout_s,
            memory_bytes=limits.memory_bytes,
        )
    except TranscodeFailed as failure:
        raise _ffprobe_failure_reason(failure.stderr_tail, limits) from failure
    try:
        data = json.loads(result.stdout or "{}")
    except json.JSONDecodeError as exc:
        raise NotMediaFile(UNREADABLE, hint=HINT) from exc
    if result.stderr and (
        _INVALID_SIZE.search(result.stderr) or "moov atom not found" in result.stderr.lower()
    ):
        raise _ffprobe_failure_reason(result.stderr, limits)
    return data


def _validate_container(data: dict) -> str:
    """The container's format name, if it is one we open."""
    format_name = data.get("format", {}).get("format_name", "")
    if not format_name or not commands.is_safe_demuxer(format_name):
        raise UnsafeMedia(UNSAFE_CONTAINER, hint=HINT)
    return format_name


def _select_streams(streams: list[dict]) -> tuple[dict | None, dict | None]:
    """The first video stream (cover art does not count) and the first audio stream."""
    video_streams = [
        s
        for s in streams
        if s.get("codec_type") == "video" and not (s.get("disposition") or {}).get("attached_pic")
    ]
    audio_streams = [s for s in streams if s.get("codec_type") == "audio"]
    if not video_streams and not audio_streams:
        raise NoStreams(N_("This file has no video and no sound in it. %(hint)s"), hint=HINT)
    return (
        video_streams[0] if video_streams else None,
        audio_streams[0] if audio_streams else None,
    )


def _validate_video(stream: dict, limits: Limits) -> VideoInfo:
    _require_codec(
        stream,
        N_(
            "The video is in a format Headway cannot read (codec tag '%(tag)s'). "
            "Export it as H.264 MP4 and upload again."
        ),
    )
    width, height = _display_size(stream)
    long_side, short_side = max(width, height), min(width, height)
    if (
        short_side < limits.min_side
        or long_side > limits.max_long_side
        or short_side > limits.max_short_side
    ):
        raise _absurd_size(width, height, limits)
    fps = _frame_rate(stream)
    if fps > limits.max_fps or 0 < fps < 0.1:
        raise AbsurdFrameRate(
            N_(
                "The video claims %(fps)s frames per second; Headway accepts up to "
                "%(limit)s. The file is probably damaged; export it again."
            ),
            fps=f"{fps:g}",
            limit=f"{limits.max_fps:g}",
        )
    return VideoInfo(codec=stream["codec_name"], width=width, height=height, fps=fps or 25.0)


def _validate_audio(stream: dict) -> AudioInfo:
    _require_codec(
        stream,
        N_(
            "The sound is in a format Headway cannot read (codec tag '%(tag)s'). "
            "Export it with AAC or MP3 audio."
        ),
    )
    return AudioInfo(
        codec=stream["codec_name"],
        channels=int(stream.get("channels") or 0),
        sample_rate=int(stream.get("sample_rate") or 0),
    )


def _validate_duration(data: dict, limits: Limits) -> float:
    duration = _duration(data)
    if duration <= 0:
        raise CorruptMedia(
            N_(
                "Headway could not tell how long this recording is; the file is probably "
                "damaged. Export it again and upload the new file."
            )
        )
    if duration > limits.max_duration_s:
        raise TooLong(
            N_(
                "This recording is %(length)s long; a lesson can be at most %(limit)s. "
                "Trim it or split it into shorter lessons."
            ),
            length=_minutes(duration),
            limit=_minutes(limits.max_duration_s),
        )
    return duration


def probe(path: Path, limits: Limits = DEFAULT_LIMITS) -> MediaInfo:
    """Validate ``path`` as an upload and describe it, or raise ``MediaRejected``."""
    path = Path(path)
    size = path.stat().st_size
    _validate_size(size, limits)
    with path.open("rb") as handle:
        _sniff(handle.read(4096))
    data = _ffprobe(path, limits)
    format_name = _validate_container(data)
    video_stream, audio_stream = _select_streams(data.get("streams", []))
    if video_stream is None and limits.needs_picture:
        raise NoPicture(
            N_(
                "This recording has sound but no picture: send a video, such as the .mp4 your phone recorded."
            )
        )
    video = _validate_video(video_stream, limits) if video_stream is not None else None
    audio = _validate_audio(audio_stream) if audio_stream is not None else None
    duration = _validate_duration(data, limits)
    return MediaInfo(
        format_name=format_name, duration_s=duration, size_bytes=size, video=video, audio=audio
    )
