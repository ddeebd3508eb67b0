"""The pipeline on real (generated) media: ladder, poster, captions, manifest, runner."""

from __future__ import annotations

import base64
import subprocess
import time
from pathlib import Path

import pytest

from media_pipeline.errors import TranscodeFailed, TranscodeTimeout
from media_pipeline.pipeline import transcode
from media_pipeline.profiles import VIDEO_RUNGS
from media_pipeline.runner import run_capture, run_ffmpeg
from tests.media_pipeline.conftest import ffprobe_json, lavfi_clip

RUNGS = {rung.name: rung for rung in VIDEO_RUNGS}


def _budget(rendition: dict) -> float:
    """The most a rung may spend on a clip this short.

    The targets (144p <= 125 kbps, …) hold over a lesson and are asserted on the reference clips
    (test_pipeline_reference.py). Over 3 s, the VBV lets the first GOP spend up to one
    ``bufsize`` more than ``maxrate`` — that bound is what capped CRF promises here.
    """
    if rendition["kind"] == "audio":
        return 32
    rung = RUNGS[rendition["name"]]
    container_kbps = 8
    return (
        rung.maxrate_kbps
        + rung.bufsize_kbps / rendition["duration_s"]
        + rung.audio_kbps * 1.25
        + container_kbps
    )


def test_cli_writes_the_ladder_poster_captions_and_manifest(cli_transcode):
    out, manifest, result = cli_transcode
    names = [r["name"] for r in manifest["renditions"]]
    assert names == ["144p", "240p", "360p", "audio", "audio-aac"]  # no 480p from a 360p source
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [r["filename"] for r in manifest["renditions"]]
        + ["poster.jpg", "placeholder.jpg", "captions.vtt", "manifest.json"]
        + ["144p", "240p", "360p", "audio-aac"]  # the segment folders
    ), "nothing else is left in the output folder (no staging, no temporary files)"
    assert "240p" in result.stdout and "written to" in result.stdout


def test_every_video_rung_and_the_aac_audio_are_also_2s_fmp4_segments(cli_transcode, tmp_path):
    """An HLS VOD playlist, an init segment and ~2 s media segments beside each rendition,
    cut at the same instants on every rung (so a player can change rung between two)."""
    out, manifest, _ = cli_transcode
    cuts = {}
    for rendition in manifest["renditions"]:
        segments = rendition["segments"]
        if rendition["name"] == "audio":
            assert segments is None  # Opus in WebM plays progressively
            continue
        folder = out / rendition["name"]
        assert sorted(p.name for p in folder.iterdir()) == sorted(
            Path(name).name for name in [segments["playlist"], segments["init"], *segments["files"]]
        )
        playlist = (folder / "index.m3u8").read_text()
        assert "#EXT-X-PLAYLIST-TYPE:VOD" in playlist and '#EXT-X-MAP:URI="init.mp4"' in playlist
        assert (
            segments["bytes"]
            == sum((out / n).stat().st_size for n in segments["files"])
            + (out / segments["init"]).stat().st_size
        )
        assert all(d <= 2.1 for d in segments["durations"])
        assert sum(segments["durations"]) == pytest.approx(3.0, abs=0.15)
        if rendition["kind"] == "video":  # short first segments: 1 s, 1 s, then 2 s each
            assert segments["durations"][:2] == pytest.approx([1.0, 1.0], abs=0.05)
        # Repackaging costs next to nothing: the segments hold the same bytes as the file.
        assert segments["bytes"] <= rendition["bytes"] * 1.05
        # Init + any one segment is a playable file (what a Media Source is given).
        joined = tmp_path / f"{rendition['name']}-first.mp4"
        joined.write_bytes(
            (out / segments["init"]).read_bytes() + (out / segments["files"][-1]).read_bytes()
        )
        streams = ffprobe_json(joined, "-show_streams")["streams"]
        assert len(streams) == (2 if rendition["kind"] == "video" else 1)
        if rendition["kind"] == "video":
            cuts[rendition["name"]] = tuple(segments["durations"])
    assert len(set(cuts.values())) == 1, cuts


def test_segments_are_one_second_twice_then_two_seconds(tmp_path):
    """On a longer clip: the picture's first two segments are 1 s (a phone on a slow link
    waits for one whole segment before its first frame), then 2 s; sound alone stays 2 s."""
    source = lavfi_clip(tmp_path / "seven.mp4", size="320x180", seconds=7)
    manifest = transcode(source, tmp_path / "out")
    durations = {r.name: r.segments.durations for r in manifest.renditions if r.segments}
    assert durations["144p"] == pytest.approx([1, 1, 2, 2, 1], abs=0.05)
    assert [round(d) for d in durations["audio-aac"]] == [2, 2, 2, 1]


def test_every_rendition_is_measured_and_within_its_budget(cli_transcode):
    out, manifest, _ = cli_transcode
    for rendition in manifest["renditions"]:
        path = out / rendition["filename"]
        assert rendition["bytes"] == path.stat().st_size > 0
        assert rendition["duration_s"] == pytest.approx(3.0, abs=0.15)
        assert rendition["bitrate_kbps"] == pytest.approx(
            rendition["bytes"] * 8 / rendition["duration_s"] / 1000, rel=0.01
        )
        assert rendition["bitrate_kbps"] <= _budget(rendition), rendition


def test_video_rungs_are_h264_main_aac_lc_mono_faststart_with_short_first_gops(cli_transcode):
    out, manifest, _ = cli_transcode
    for rendition in manifest["renditions"]:
        if rendition["kind"] != "video":
            continue
        path = out / rendition["filename"]
        streams = ffprobe_json(path, "-show_streams")["streams"]
        video = next(s for s in streams if s["codec_type"] == "video")
        audio = next(s for s in streams if s["codec_type"] == "audio")
        assert (video["codec_name"], video["profile"]) == ("h264", "Main")
        assert video["height"] == rendition["height"] and video["pix_fmt"] == "yuv420p"
        assert (audio["codec_name"], audio["profile"], audio["channels"]) == ("aac", "LC", 1)
        assert rendition["codecs"].startswith("avc1.4d40") and rendition["codecs"].endswith(
            "mp4a.40.2"
        )
        head = path.read_bytes()[:200_000]
        assert head.index(b"moov") < head.index(b"mdat"), "+faststart puts the index first"
        keyframes = ffprobe_json(
            path, "-select_streams", "v", "-skip_frame", "nokey", "-show_entries", "frame=pts_time"
        )["frames"]
        assert [round(float(f["pts_time"])) for f in keyframes] == [0, 1, 2]


def test_audio_only_renditions_are_opus_and_aac(cli_transcode):
    out, _, _ = cli_transcode
    opus = ffprobe_json(out / "audio.webm", "-show_streams", "-show_format")
    assert opus["format"]["format_name"].endswith("webm")
    assert [(s["codec_name"], s["channels"]) for s in opus["streams"]] == [("opus", 1)]
    aac = ffprobe_json(out / "audio-aac.m4a", "-show_streams")
    assert [(s["codec_name"], s["channels"]) for s in aac["streams"]] == [("aac", 1)]


def test_poster_and_placeholder_are_small_jpegs(cli_transcode):
    out, manifest, _ = cli_transcode
    poster, placeholder = manifest["poster"], manifest["placeholder"]
    assert (poster["width"], poster["height"]) == (426, 240)
    assert 0 < poster["bytes"] <= 15_000
    assert (out / "poster.jpg").read_bytes()[:3] == b"\xff\xd8\xff"
    assert placeholder["width"] == 16 and placeholder["bytes"] < 1000
    data_uri = manifest["placeholder_data_uri"]
    assert data_uri.startswith("data:image/jpeg;base64,")
    assert base64.b64decode(data_uri.split(",", 1)[1]) == (out / "placeholder.jpg").read_bytes()


def test_captions_are_normalised_to_webvtt(cli_transcode):
    out, manifest, _ = cli_transcode
    assert manifest["captions"] == "captions.vtt"
    assert (out / "captions.vtt").read_text() == (
        "WEBVTT\n\n"
        "00:00:00.500 --> 00:00:01.800\nWelcome, head teachers &amp; deputies.\n\n"
        "00:00:02.000 --> 00:00:02.900\nLet's begin.\n"
    )


def test_progress_is_reported_in_order_up_to_100(tmp_path):
    source = lavfi_clip(tmp_path / "short.mp4", size="320x180", seconds=2)
    seen: list[float] = []
    manifest = transcode(source, tmp_path / "out", progress=seen.append)
    assert seen == sorted(seen) and seen[-1] == 100.0 and len(seen) > 2
    assert [r.name for r in manifest.renditions] == ["144p", "audio", "audio-aac"]


def test_portrait_video_without_sound(tmp_path):
    source = lavfi_clip(tmp_path / "portrait.mp4", size="360x640", seconds=2, audio=False)
    manifest = transcode(source, tmp_path / "out")
    assert [(r.name, r.width, r.height, r.codecs) for r in manifest.renditions] == [
        ("144p", 144, 256, "avc1.4d400c"),
        ("240p", 240, 426, "avc1.4d4015"),
        ("360p", 360, 640, "avc1.4d401e"),
    ]
    assert manifest.poster is not None and (manifest.poster.width, manifest.poster.height) == (
        240,
        426,
    )


def test_sound_only_recording_gets_audio_renditions_and_no_poster(tmp_path):
    source = lavfi_clip(tmp_path / "talk.m4a", seconds=2, video=False)
    manifest = transcode(source, tmp_path / "out")
    assert [r.name for r in manifest.renditions] == ["audio", "audio-aac"]
    assert manifest.poster is None and manifest.placeholder_data_uri is None
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "audio-aac",  # its segments
        "audio-aac.m4a",
        "audio.webm",
        "manifest.json",
    ]


def test_runner_raises_with_the_tail_of_stderr_and_removes_partial_outputs(tmp_path):
    partial = tmp_path / "partial.mp4"
    partial.write_bytes(b"half a rendition")
    with pytest.raises(TranscodeFailed) as failure:
        run_ffmpeg(
            [
                "ffmpeg",
                "-y",
                "-v",
                "error",
                "-f",
                "lavfi",
                "-i",
                "testsrc2=duration=1",
                "-vf",
                "no_such_filter",
                "-progress",
                "pipe:1",
                str(partial),
            ],
            duration_s=1,
            timeout_s=30,
            outputs=[partial],
        )
    assert "no_such_filter" in failure.value.stderr_tail
    assert "exited with status" in str(failure.value)
    assert not partial.exists()


def test_runner_kills_ffmpeg_at_the_wall_clock_limit_and_cleans_up(tmp_path):
    # 30 s of input read in real time (-re): only the 1.5 s limit can end it with a timeout,
    # and were the limit broken, the run would end by itself and the test fail, not hang.
    endless = tmp_path / "endless.mkv"
    with pytest.raises(TranscodeTimeout):
        run_ffmpeg(
            [
                "ffmpeg",
                "-v",
                "error",
                "-re",
                "-f",
                "lavfi",
                "-i",
                "testsrc2=duration=30",
                "-c:v",
                "mpeg4",
                "-progress",
                "pipe:1",
                "-y",
                str(endless),
            ],
            duration_s=60,
            timeout_s=1.5,
            outputs=[endless],
        )
    assert not endless.exists()
    leftover = subprocess.run(["pgrep", "-f", str(endless)], capture_output=True)
    assert leftover.returncode == 1, "the ffmpeg process group is gone"


def test_memory_limit_stops_a_process_that_wants_too_much():
    with pytest.raises(TranscodeFailed):
        run_capture(
            [
                "ffmpeg",
                "-v",
                "error",
                "-f",
                "lavfi",
                "-i",
                "testsrc2=size=7680x4320",
                "-frames:v",
                "2",
                "-f",
                "null",
                "-",
            ],
            timeout_s=60,
            memory_bytes=64 * 1024**2,
        )


def test_runner_reports_progress_regularly_even_when_the_percentage_barely_moves(tmp_path):
    """A long lesson on a slow machine may take minutes per percent; the job's heartbeat rides
    on these calls, so they must keep coming or a live job is taken for dead."""
    calls: list[float] = []
    started = time.monotonic()
    run_ffmpeg(
        [
            "ffmpeg",
            "-v",
            "error",
            "-re",
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=64x64:duration=3",
            "-progress",
            "pipe:1",
            "-f",
            "null",
            "-",
        ],
        duration_s=1800,
        timeout_s=30,
        progress=lambda percent: calls.append(time.monotonic()),
    )
    during = [at - started for at in calls[:-1]]  # the last call is the final 100 %
    assert len(during) >= 2 and max(during) >= 1.5, during
