"""Every ffmpeg and ffprobe command line the pipeline runs, built in one place.

Commands are built with ffmpeg-python and compiled to argv lists, which the tests check
option by option. Keeping them here means one module decides how untrusted input is opened:

* only the ``file`` protocol (``-protocol_whitelist file``) and a ``file:`` URL, so neither
  the path nor anything inside the file can reach the network or another protocol;
* only demuxers for self-contained containers (``-format_whitelist``, and ``-f`` once probed),
  so HLS playlists, concat lists, image sequences and the like are never opened;
* for MP4/MOV, external data references stay disabled (``-enable_drefs 0``);
* no metadata copied from the upload (phones record GPS positions in it).
"""

from __future__ import annotations

import re
from pathlib import Path

import ffmpeg

from media_pipeline.profiles import (
    FIRST_KEYFRAME_INTERVAL_S,
    KEYFRAME_INTERVAL_S,
    PLACEHOLDER_WIDTH,
    POSTER_JPEG_QUALITY,
    SEGMENT_SECONDS,
    SHORT_FIRST_KEYFRAMES,
    X264_PRESET,
    AudioRendition,
    LadderPlan,
    PlannedRung,
)

FFMPEG = "ffmpeg"
FFPROBE = "ffprobe"

#: Demuxers for containers that hold their media inside themselves. Anything that can point
#: at other files or URLs (hls, concat, dash, image2, tee, …) is deliberately absent.
SAFE_DEMUXERS: tuple[str, ...] = (
    "mov",
    "matroska",
    "avi",
    "mpegts",
    "mpeg",
    "flv",
    "asf",
    "ogg",
    "wav",
    "mp3",
    "aac",
    "flac",
    "amr",
    "aiff",
    "caf",
)
#: ffprobe reads no more than this to identify streams (a header cannot make it read on forever).
PROBE_SIZE_BYTES = 20_000_000
ANALYZE_DURATION_US = 20_000_000
AAC_SAMPLE_RATE = 44100


def is_safe_demuxer(format_name: str) -> bool:
    """ffprobe names formats like ``mov,mp4,m4a,3gp,3g2,mj2``; one alias must be allowed."""
    return any(name in SAFE_DEMUXERS for name in format_name.split(","))


def _file_url(path: Path) -> str:
    # "file:" stops a path such as "http:…" or "concat:…" being read as a protocol.
    return f"file:{Path(path).resolve()}"


def _safe_input_options(demuxer: str | None) -> dict[str, object]:
    options: dict[str, object] = {
        "protocol_whitelist": "file",
        "format_whitelist": ",".join(SAFE_DEMUXERS),
    }
    if demuxer:
        options["f"] = demuxer
        if demuxer == "mov":
            options["enable_drefs"] = 0
    return options


def probe_argv(path: Path) -> list[str]:
    """ffprobe, JSON out, restricted like every other open of an upload."""
    argv = [FFPROBE, "-hide_banner", "-v", "error"]
    for key, value in _safe_input_options(None).items():
        argv += [f"-{key}", str(value)]
    argv += [
        "-probesize",
        str(PROBE_SIZE_BYTES),
        "-analyzeduration",
        str(ANALYZE_DURATION_US),
        "-show_format",
        "-show_streams",
        "-of",
        "json",
        _file_url(path),
    ]
    return argv


def _global(
    stream: ffmpeg.nodes.OutputStream, progress: bool, loglevel: str = "error"
) -> list[str]:
    args = ["-hide_banner", "-nostdin", "-nostats", "-loglevel", loglevel, "-y"]
    if progress:
        args += ["-progress", "pipe:1"]
    return stream.global_args(*args).compile(cmd=FFMPEG)


def keyframe_expression() -> str:
    """ffmpeg's ``force_key_frames`` expression for :func:`profiles.keyframe_time`: the first
    ``SHORT_FIRST_KEYFRAMES`` every ``FIRST_KEYFRAME_INTERVAL_S``, then every
    ``KEYFRAME_INTERVAL_S`` (``n_forced`` counts the keyframes forced so far)."""
    short, first, every = SHORT_FIRST_KEYFRAMES, FIRST_KEYFRAME_INTERVAL_S, KEYFRAME_INTERVAL_S
    later = f"{short * first:g}+(n_forced-{short})*{every:g}"
    return f"expr:gte(t,if(lt(n_forced,{short}),n_forced*{first:g},{later}))"


def _video_rung_options(planned: PlannedRung, gop: int, with_audio: bool) -> dict[str, object]:
    rung = planned.rung
    options: dict[str, object] = {
        "c:v": "libx264",
        "profile:v": "main",
        "preset": X264_PRESET,
        "pix_fmt": "yuv420p",
        "crf": rung.crf,
        "maxrate": f"{rung.maxrate_kbps}k",
        "bufsize": f"{rung.bufsize_kbps}k",
        # A fixed GOP plus forced keyframes by time: every rung seeks to the same instants,
        # even for variable-frame-rate phone video.
        "g": gop,
        "keyint_min": gop,
        "sc_threshold": 0,
        "force_key_frames": keyframe_expression(),
        "movflags": "+faststart",
        "map_metadata": -1,
        "map_chapters": -1,
        "f": "mp4",
    }
    if with_audio:
        options.update(
            {
                "c:a": "aac",
                "profile:a": "aac_low",
                "b:a": f"{rung.audio_kbps}k",
                "ac": 1,
                "ar": AAC_SAMPLE_RATE,
            }
        )
    return options


def _audio_options(rendition: AudioRendition) -> dict[str, object]:
    options: dict[str, object] = {
        "c:a": rendition.codec,
        "b:a": f"{rendition.bitrate_kbps}k",
        "ac": 1,
        "map_metadata": -1,
        "map_chapters": -1,
    }
    options.update(dict(rendition.encoder_options))
    if rendition.extension == "webm":
        options["f"] = "webm"
    else:
        options.update({"f": "mp4", "movflags": "+faststart", "ar": AAC_SAMPLE_RATE})
    return options


def _audio_branches(source_stream: ffmpeg.nodes.FilterableStream, count: int) -> list:
    """The source's sound once per output that uses it (``asplit`` only if more than one)."""
    if not count:
        return []
    audio = source_stream.audio
    if count == 1:
        return [audio]
    split_audio = audio.asplit()
    return [split_audio[i] for i in range(count)]


def _video_branches(source_stream: ffmpeg.nodes.FilterableStream, plan: LadderPlan) -> list:
    """The source's picture, at the plan's frame rate, once per video rung."""
    if not plan.video:
        return []
    video = source_stream.video
    if plan.output_fps:
        video = video.filter("fps", fps=f"{plan.output_fps:.6g}")
    if len(plan.video) == 1:
        return [video]
    split_video = video.split()
    return [split_video[i] for i in range(len(plan.video))]


def _rendition_outputs(
    plan: LadderPlan, video_branches: list, audio_branches: list, out_dir: Path
) -> tuple[list[ffmpeg.nodes.OutputStream], list[Path]]:
    """An output per rendition, in plan order; video rungs take the first sound branches."""
    outputs: list[ffmpeg.nodes.OutputStream] = []
    paths: list[Path] = []
    gop = plan.gop_frames or 50
    for index, planned in enumerate(plan.video):
        scaled = (
            video_branches[index]
            .filter("scale", planned.width, planned.height)
            .filter("setsar", "1")
        )
        streams = [scaled]
        if plan.with_sound:
            streams.append(audio_branches.pop(0))
        path = Path(out_dir) / planned.rung.filename
        outputs.append(
            ffmpeg.output(*streams, str(path), **_video_rung_options(planned, gop, plan.with_sound))
        )
        paths.append(path)
    for rendition in plan.audio:
        path = Path(out_dir) / rendition.filename
        outputs.append(ffmpeg.output(audio_branches.pop(0), str(path), **_audio_options(rendition)))
        paths.append(path)
    return outputs, paths


def ladder_argv(
    source: Path,
    demuxer: str,
    plan: LadderPlan,
    out_dir: Path,
    *,
    max_seconds: float | None = None,
    progress: bool = True,
) -> tuple[list[str], list[Path]]:
    """One ffmpeg process: decode once, ``split`` to every video rung, ``asplit`` the sound.

    Returns the argv and the output paths it will write.
    """
    input_options = _safe_input_options(demuxer)
    if max_seconds:
        # Reading stops here even if the header lied about the duration.
        input_options["t"] = f"{max_seconds:.3f}"
    source_stream = ffmpeg.input(_file_url(source), **input_options)

    audio_users = len(plan.audio) + (len(plan.video) if plan.with_sound else 0)
    audio_branches = _audio_branches(source_stream, audio_users)
    video_branches = _video_branches(source_stream, plan)
    outputs, paths = _rendition_outputs(plan, video_branches, audio_branches, out_dir)
    if not outputs:
        raise ValueError("the ladder plan has no renditions")
    return _global(ffmpeg.merge_outputs(*outputs), progress), paths


#: File names inside a rendition's segment folder (``240p/index.m3u8``, ``240p/init.mp4``, …).
PLAYLIST_NAME = "index.m3u8"
INIT_NAME = "init.mp4"
SEGMENT_PATTERN = "%04d.m4s"


def segment_target_s(video: bool) -> float:
    """The muxer's target segment length. A video rung is cut at every keyframe, which the
    ladder placed (short first, then every SEGMENT_SECONDS): the muxer cuts at the first
    keyframe at or past its running target, and a target of the shortest gap is always
    reached. Sound alone (every AAC frame a keyframe) is cut every SEGMENT_SECONDS: ffmpeg's
    ``hls_init_time`` would cut a whole VOD playlist short, and a second of 24 kbps sound is
    not worth a request of its own."""
    return min(FIRST_KEYFRAME_INTERVAL_S, SEGMENT_SECONDS) if video else SEGMENT_SECONDS


def segment_argv(rendition: Path, folder: Path, *, video: bool = True) -> list[str]:
    """Repackage one of *our* progressive MP4s as fragmented MP4 for HLS, without re-encoding.

    The input is a file the ladder run wrote (not an upload), but it is opened as restrictively.
    ``-c copy`` keeps every byte of picture and sound: segments start at the ladder's forced
    keyframes (``profiles.keyframe_time``: 1 s, 1 s, then every ``SEGMENT_SECONDS``), so the same numbered segment covers the same instants
    on every rung. A VOD playlist names the init segment (``EXT-X-MAP``) and each segment.
    """
    folder = Path(folder)
    stream = ffmpeg.input(_file_url(rendition), **_safe_input_options("mov"))
    output = ffmpeg.output(
        stream,
        str(folder / PLAYLIST_NAME),
        **{
            "c": "copy",
            "map_metadata": -1,
            "f": "hls",
            "hls_time": f"{segment_target_s(video):g}",
            "hls_playlist_type": "vod",
            "hls_segment_type": "fmp4",
            "hls_fmp4_init_filename": INIT_NAME,
            "hls_segment_filename": str(folder / SEGMENT_PATTERN),
            "hls_flags": "independent_segments",
        },
    )
    return _global(output, progress=False)


def poster_argv(
    source: Path,
    demuxer: str,
    at_seconds: float,
    width: int,
    height: int,
    out: Path,
    quality: int = POSTER_JPEG_QUALITY,
) -> list[str]:
    """A JPEG of a representative frame near ``at_seconds``, at the 240p rung's size."""
    source_stream = ffmpeg.input(
        _file_url(source), ss=f"{at_seconds:.3f}", **_safe_input_options(demuxer)
    )
    frame = (
        source_stream.video
        # Of the next 25 frames, the one closest to their average: skips blank or blurred ones.
        .filter("thumbnail", 25)
        .filter("scale", width, height)
        .filter("setsar", "1")
    )
    output = ffmpeg.output(
        frame,
        str(out),
        **{"frames:v": 1, "q:v": quality, "f": "image2", "update": 1, "map_metadata": -1},
    )
    return _global(output, progress=False)


def placeholder_argv(poster: Path, out: Path) -> list[str]:
    """A ~16 px wide, softened JPEG of the poster, small enough to inline as a data URI."""
    frame = (
        ffmpeg.input(_file_url(poster), **{"f": "image2", "protocol_whitelist": "file"})
        .video.filter("scale", PLACEHOLDER_WIDTH, -2)
        .filter("gblur", sigma=0.8)
    )
    output = ffmpeg.output(
        frame,
        str(out),
        **{"frames:v": 1, "q:v": 12, "f": "image2", "update": 1, "map_metadata": -1},
    )
    return _global(output, progress=False)


def ssim_argv(
    rendition: Path, source: Path, demuxer: str, width: int, height: int, fps: str
) -> list[str]:
    """SSIM of a rendition against the source scaled the same way (for tests and benchmarks).

    ``fps`` is the rendition's frame rate (its ``r_frame_rate``, e.g. ``"25/1"``): ffmpeg wrote
    the MP4 at a constant rate, duplicating or dropping the odd irregular source frame, and the
    reference must go through the same conversion or the frames compared drift apart.
    The score is the ``All:`` figure ffmpeg logs (see :func:`parse_ssim`).
    """
    encoded = ffmpeg.input(_file_url(rendition), **_safe_input_options("mov"))
    reference = (
        ffmpeg.input(_file_url(source), **_safe_input_options(demuxer))
        .video.filter("fps", fps=fps)
        .filter("scale", width, height)
        .filter("setsar", "1")
    )
    compared = ffmpeg.filter([encoded.video, reference], "ssim")
    return _global(ffmpeg.output(compared, "-", f="null"), progress=False, loglevel="info")


def parse_ssim(stderr: str) -> float:
    match = re.search(r"SSIM .*All:([0-9.]+)", stderr)
    if not match:
        raise ValueError("no SSIM line in ffmpeg's output")
    return float(match.group(1))
