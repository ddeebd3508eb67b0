"""Source file in, a directory of renditions + poster + placeholder + manifest out.

:func:`transcode` is the whole pipeline for one upload: probe and validate, fit the ladder,
one ffmpeg run for every rendition, poster and placeholder, measure what was written, then
publish. Work happens in a hidden staging directory inside ``out_dir`` (same filesystem, so
publishing is a rename); the manifest is moved last, so a reader that finds ``manifest.json``
finds every file it names complete. Staging is removed whatever happens.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path

from media_pipeline import commands
from media_pipeline.captions import normalise_captions
from media_pipeline.errors import N_, CorruptMedia
from media_pipeline.limits import DEFAULT_LIMITS, Limits
from media_pipeline.manifest import (
    ImageEntry,
    Manifest,
    RenditionEntry,
    SegmentsEntry,
    SourceEntry,
)
from media_pipeline.probe import MediaInfo, probe
from media_pipeline.profiles import (
    PLACEHOLDER_WIDTH,
    POSTER_HEIGHT,
    POSTER_JPEG_QUALITY,
    POSTER_MAX_BYTES,
    SEGMENTED_AUDIO,
    LadderPlan,
    even,
    plan_ladder,
)
from media_pipeline.runner import ProgressCallback, run_capture, run_ffmpeg

MANIFEST_NAME = "manifest.json"
POSTER_NAME = "poster.jpg"
PLACEHOLDER_NAME = "placeholder.jpg"
CAPTIONS_NAME = "captions.vtt"
#: An output this much shorter than the source means the source ended early (truncated upload).
SHORTFALL_TOLERANCE = 0.9


def plan_for(info: MediaInfo) -> LadderPlan:
    video = info.video
    return plan_ladder(
        video.width if video else None,
        video.height if video else None,
        video.fps if video else None,
        has_audio=info.audio is not None,
    )


def _codecs(stream: dict) -> str:
    name = stream.get("codec_name")
    if name == "h264":
        profile_idc = {
            "Baseline": 0x42,
            "Constrained Baseline": 0x42,
            "Main": 0x4D,
            "High": 0x64,
        }.get(stream.get("profile", ""), 0x4D)
        # x264 sets constraint_set1 for Main (0x40); level is level_idc, e.g. 30 -> 0x1e.
        return f"avc1.{profile_idc:02x}40{int(stream.get('level') or 30):02x}"
    if name == "aac":
        return "mp4a.40.2"
    return name or "unknown"


def _measure(path: Path, name: str, kind: str, content_type: str, limits: Limits) -> RenditionEntry:
    result = run_capture(
        commands.probe_argv(path),
        timeout_s=limits.probe_timeout_s,
        memory_bytes=limits.memory_bytes,
    )
    data = json.loads(result.stdout)
    streams = data.get("streams", [])
    video = next((s for s in streams if s.get("codec_type") == "video"), None)
    size = path.stat().st_size
    duration = float(data.get("format", {}).get("duration") or 0)
    return RenditionEntry(
        name=name,
        kind=kind,
        filename=path.name,
        content_type=content_type,
        codecs=", ".join(_codecs(s) for s in streams),
        width=int(video["width"]) if video else None,
        height=int(video["height"]) if video else None,
        bytes=size,
        duration_s=round(duration, 3),
        bitrate_kbps=round(size * 8 / duration / 1000, 1) if duration else 0.0,
    )


def _image(path: Path, width: int, height: int) -> ImageEntry:
    return ImageEntry(filename=path.name, width=width, height=height, bytes=path.stat().st_size)


def _poster_size(plan: LadderPlan) -> tuple[int, int]:
    fitting = [r for r in plan.video if r.rung.height <= POSTER_HEIGHT] or [plan.video[0]]
    chosen = max(fitting, key=lambda r: r.rung.height)
    return chosen.width, chosen.height


@dataclass(frozen=True)
class _Job:
    """One :func:`transcode` call, once the upload is accepted: what every later step needs."""

    source: Path
    info: MediaInfo
    plan: LadderPlan
    staging: Path
    limits: Limits
    progress: ProgressCallback | None

    def ladder_progress(self, percent: float) -> None:
        if self.progress:
            self.progress(percent * 0.95)

    def between_steps(self) -> None:
        """Before each of the short runs after the ladder: still working (callers beat
        their job's heartbeat on progress; eight poster runs of a 4K source on a slow
        machine can outlast its stale limit)."""
        if self.progress:
            self.progress(95.0)


def _run_ladder(job: _Job) -> None:
    info = job.info
    argv, outputs = commands.ladder_argv(
        job.source, info.demuxer, job.plan, job.staging, max_seconds=info.duration_s + 1
    )
    run_ffmpeg(
        argv,
        duration_s=info.duration_s,
        timeout_s=job.limits.transcode_timeout(info.duration_s),
        memory_bytes=job.limits.memory_bytes,
        progress=job.ladder_progress,
        outputs=outputs,
    )


def _measure_renditions(job: _Job) -> list[RenditionEntry]:
    staging, limits = job.staging, job.limits
    renditions: list[RenditionEntry] = []
    for planned in job.plan.video:
        job.between_steps()
        renditions.append(
            _measure(staging / planned.rung.filename, planned.name, "video", "video/mp4", limits)
        )
    for audio in job.plan.audio:
        job.between_steps()
        renditions.append(
            _measure(staging / audio.filename, audio.name, "audio", audio.content_type, limits)
        )
    return renditions


def read_playlist(path: Path) -> tuple[str, list[tuple[float, str]]]:
    """(init segment, [(seconds, segment), …]) from a VOD playlist ffmpeg wrote."""
    init, segments, duration = "", [], 0.0
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#EXT-X-MAP:"):
            init = line.split('URI="', 1)[1].split('"', 1)[0]
        elif line.startswith("#EXTINF:"):
            duration = float(line[len("#EXTINF:") :].split(",", 1)[0])
        elif line and not line.startswith("#"):
            segments.append((duration, line))
    return init, segments


def _segment(job: _Job, entry: RenditionEntry) -> RenditionEntry:
    """``entry`` with its fragmented-MP4 segments, written to ``<name>/`` beside it."""
    folder = job.staging / entry.name
    folder.mkdir()
    job.between_steps()
    run_ffmpeg(
        commands.segment_argv(job.staging / entry.filename, folder, video=entry.kind == "video"),
        duration_s=0,
        timeout_s=job.limits.transcode_timeout(job.info.duration_s),
        memory_bytes=job.limits.memory_bytes,
        outputs=[folder / commands.PLAYLIST_NAME],
    )
    init, listed = read_playlist(folder / commands.PLAYLIST_NAME)
    files = tuple(f"{entry.name}/{name}" for _, name in listed)
    init_bytes = (folder / init).stat().st_size
    segments = SegmentsEntry(
        playlist=f"{entry.name}/{commands.PLAYLIST_NAME}",
        init=f"{entry.name}/{init}",
        files=files,
        durations=tuple(seconds for seconds, _ in listed),
        bytes=init_bytes + sum((job.staging / name).stat().st_size for name in files),
        init_bytes=init_bytes,
    )
    return replace(entry, segments=segments)


def _segment_renditions(job: _Job, renditions: list[RenditionEntry]) -> list[RenditionEntry]:
    """Every video rung and the AAC audio rendition also as segments; the rest as they are."""
    return [
        _segment(job, r) if r.kind == "video" or r.name == SEGMENTED_AUDIO else r
        for r in renditions
    ]


def _refuse_if_cut_short(renditions: list[RenditionEntry], duration_s: float) -> None:
    shortest = min(r.duration_s for r in renditions)
    if shortest < duration_s * SHORTFALL_TOLERANCE - 0.5:
        raise CorruptMedia(
            N_(
                "The file ends early: it says it lasts %(length)s seconds but only "
                "%(read)s seconds could be read. It may not have finished uploading or "
                "recording; upload it again."
            ),
            length=int(f"{duration_s:.0f}"),
            read=int(f"{shortest:.0f}"),
        )


def _make_poster(job: _Job) -> ImageEntry:
    """The poster at the best JPEG quality within ``POSTER_MAX_BYTES`` (or the coarsest tried)."""
    info = job.info
    width, height = _poster_size(job.plan)
    poster_path = job.staging / POSTER_NAME
    for quality in range(POSTER_JPEG_QUALITY, 31, 3):
        job.between_steps()
        run_ffmpeg(
            commands.poster_argv(
                job.source,
                info.demuxer,
                min(info.duration_s * 0.1, 5.0),
                width,
                height,
                poster_path,
                quality,
            ),
            duration_s=0,
            timeout_s=job.limits.probe_timeout_s * 2,
            memory_bytes=job.limits.memory_bytes,
            outputs=[poster_path],
        )
        if poster_path.stat().st_size <= POSTER_MAX_BYTES:
            break
    return _image(poster_path, width, height)


def _make_placeholder(job: _Job, poster: ImageEntry) -> tuple[ImageEntry, str]:
    """The placeholder made from ``poster``, and the same bytes as a data URI."""
    placeholder_path = job.staging / PLACEHOLDER_NAME
    job.between_steps()
    run_ffmpeg(
        commands.placeholder_argv(job.staging / poster.filename, placeholder_path),
        duration_s=0,
        timeout_s=job.limits.probe_timeout_s,
        memory_bytes=job.limits.memory_bytes,
        outputs=[placeholder_path],
    )
    placeholder = _image(
        placeholder_path, PLACEHOLDER_WIDTH, even(PLACEHOLDER_WIDTH * poster.height / poster.width)
    )
    encoded = base64.b64encode(placeholder_path.read_bytes()).decode("ascii")
    return placeholder, "data:image/jpeg;base64," + encoded


def _write_captions(staging: Path, captions_vtt: str | None) -> str | None:
    if captions_vtt is None:
        return None
    (staging / CAPTIONS_NAME).write_text(captions_vtt, encoding="utf-8")
    return CAPTIONS_NAME


def _source_entry(info: MediaInfo) -> SourceEntry:
    video = info.video
    return SourceEntry(
        format_name=info.format_name,
        duration_s=round(info.duration_s, 3),
        bytes=info.size_bytes,
        video_codec=video.codec if video else None,
        width=video.width if video else None,
        height=video.height if video else None,
        fps=round(video.fps, 3) if video else None,
        audio_codec=info.audio.codec if info.audio else None,
    )


def _publish(manifest: Manifest, staging: Path, out_dir: Path) -> None:
    # The manifest goes last: once a reader can see it, every file it names is in place.
    (staging / MANIFEST_NAME).write_text(manifest.to_json(), encoding="utf-8")
    for name in [*manifest.filenames, MANIFEST_NAME]:
        (out_dir / name).parent.mkdir(parents=True, exist_ok=True)  # segment folders
        os.replace(staging / name, out_dir / name)


def transcode(
    source: Path,
    out_dir: Path,
    *,
    limits: Limits = DEFAULT_LIMITS,
    progress: ProgressCallback | None = None,
    captions: bytes | None = None,
) -> Manifest:
    """Validate and transcode ``source`` into ``out_dir``; return the manifest written there.

    Raises :class:`~media_pipeline.errors.MediaRejected` (nothing written) for a bad upload
    and :class:`~media_pipeline.errors.TranscodeFailed` if ffmpeg fails.
    """
    started = time.monotonic()
    source = Path(source)
    info = probe(source, limits)
    captions_vtt = normalise_captions(captions, info.duration_s) if captions is not None else None
    plan = plan_for(info)

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=out_dir))
    try:
        job = _Job(source, info, plan, staging, limits, progress)
        _run_ladder(job)
        renditions = _measure_renditions(job)
        _refuse_if_cut_short(renditions, info.duration_s)
        renditions = _segment_renditions(job, renditions)
        poster = placeholder = data_uri = None
        if plan.video:
            poster = _make_poster(job)
            placeholder, data_uri = _make_placeholder(job, poster)
        captions_name = _write_captions(staging, captions_vtt)
        manifest = Manifest(
            source=_source_entry(info),
            renditions=tuple(renditions),
            poster=poster,
            placeholder=placeholder,
            placeholder_data_uri=data_uri,
            captions=captions_name,
            elapsed_s=round(time.monotonic() - started, 2),
        )
        _publish(manifest, staging, out_dir)
        if progress:
            progress(100.0)
        return manifest
    finally:
        shutil.rmtree(staging, ignore_errors=True)
