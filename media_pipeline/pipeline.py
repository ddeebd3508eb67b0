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
from pathlib import Path

from media_pipeline import commands
from media_pipeline.captions import normalise_captions
from media_pipeline.errors import N_, CorruptMedia
from media_pipeline.limits import DEFAULT_LIMITS, Limits
from media_pipeline.manifest import ImageEntry, Manifest, RenditionEntry, SourceEntry
from media_pipeline.probe import MediaInfo, probe
from media_pipeline.profiles import (
    PLACEHOLDER_WIDTH,
    POSTER_HEIGHT,
    POSTER_JPEG_QUALITY,
    POSTER_MAX_BYTES,
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

        def ladder_progress(percent: float) -> None:
            if progress:
                progress(percent * 0.95)

        def between_steps() -> None:
            """Before each of the short runs after the ladder: still working (callers beat
            their job's heartbeat on progress; eight poster runs of a 4K source on a slow
            machine can outlast its stale limit)."""
            if progress:
                progress(95.0)

        argv, outputs = commands.ladder_argv(
            source, info.demuxer, plan, staging, max_seconds=info.duration_s + 1
        )
        run_ffmpeg(
            argv,
            duration_s=info.duration_s,
            timeout_s=limits.transcode_timeout(info.duration_s),
            memory_bytes=limits.memory_bytes,
            progress=ladder_progress,
            outputs=outputs,
        )

        renditions: list[RenditionEntry] = []
        for planned in plan.video:
            between_steps()
            renditions.append(
                _measure(
                    staging / planned.rung.filename, planned.name, "video", "video/mp4", limits
                )
            )
        for audio in plan.audio:
            between_steps()
            renditions.append(
                _measure(staging / audio.filename, audio.name, "audio", audio.content_type, limits)
            )
        shortest = min(r.duration_s for r in renditions)
        if shortest < info.duration_s * SHORTFALL_TOLERANCE - 0.5:
            raise CorruptMedia(
                N_(
                    "The file ends early: it says it lasts %(length)s seconds but only "
                    "%(read)s seconds could be read. It may not have finished uploading or "
                    "recording; upload it again."
                ),
                length=int(f"{info.duration_s:.0f}"),
                read=int(f"{shortest:.0f}"),
            )

        poster = placeholder = None
        data_uri = None
        if plan.video:
            width, height = _poster_size(plan)
            poster_path = staging / POSTER_NAME
            for quality in range(POSTER_JPEG_QUALITY, 31, 3):
                between_steps()
                run_ffmpeg(
                    commands.poster_argv(
                        source,
                        info.demuxer,
                        min(info.duration_s * 0.1, 5.0),
                        width,
                        height,
                        poster_path,
                        quality,
                    ),
                    duration_s=0,
                    timeout_s=limits.probe_timeout_s * 2,
                    memory_bytes=limits.memory_bytes,
                    outputs=[poster_path],
                )
                if poster_path.stat().st_size <= POSTER_MAX_BYTES:
                    break
            poster = _image(poster_path, width, height)
            placeholder_path = staging / PLACEHOLDER_NAME
            between_steps()
            run_ffmpeg(
                commands.placeholder_argv(poster_path, placeholder_path),
                duration_s=0,
                timeout_s=limits.probe_timeout_s,
                memory_bytes=limits.memory_bytes,
                outputs=[placeholder_path],
            )
            placeholder = _image(
                placeholder_path, PLACEHOLDER_WIDTH, even(PLACEHOLDER_WIDTH * height / width)
            )
            data_uri = "data:image/jpeg;base64," + base64.b64encode(
                placeholder_path.read_bytes()
            ).decode("ascii")

        captions_name = None
        if captions_vtt is not None:
            (staging / CAPTIONS_NAME).write_text(captions_vtt, encoding="utf-8")
            captions_name = CAPTIONS_NAME

        video = info.video
        manifest = Manifest(
            source=SourceEntry(
                format_name=info.format_name,
                duration_s=round(info.duration_s, 3),
                bytes=info.size_bytes,
                video_codec=video.codec if video else None,
                width=video.width if video else None,
                height=video.height if video else None,
                fps=round(video.fps, 3) if video else None,
                audio_codec=info.audio.codec if info.audio else None,
            ),
            renditions=tuple(renditions),
            poster=poster,
            placeholder=placeholder,
            placeholder_data_uri=data_uri,
            captions=captions_name,
            elapsed_s=round(time.monotonic() - started, 2),
        )
        (staging / MANIFEST_NAME).write_text(manifest.to_json(), encoding="utf-8")
        for name in [*manifest.filenames, MANIFEST_NAME]:
            os.replace(staging / name, out_dir / name)
        if progress:
            progress(100.0)
        return manifest
    finally:
        shutil.rmtree(staging, ignore_errors=True)
