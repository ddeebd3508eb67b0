"""The ffmpeg command lines, checked option by option without running ffmpeg."""

from __future__ import annotations

from pathlib import Path

import pytest

from media_pipeline import commands, profiles
from media_pipeline.profiles import plan_ladder


def _options_before(argv: list[str], marker: str) -> dict[str, str]:
    """``-key value`` pairs between the previous output (or the start) and ``marker``."""
    end = argv.index(marker)
    pairs = {}
    index = end - 1
    while index > 0 and argv[index - 1].startswith("-"):
        pairs[argv[index - 1]] = argv[index]
        index -= 2
    return pairs


def _outputs(argv: list[str]) -> dict[str, dict[str, str]]:
    """Each output path with the options given just before it."""
    found = {}
    for index, value in enumerate(argv):
        if value.endswith((".mp4", ".webm", ".m4a", ".jpg")) and not value.startswith("file:"):
            found[Path(value).name] = _options_before(argv, value)
            assert index  # outputs never come first
    return found


@pytest.fixture
def ladder():
    plan = plan_ladder(1280, 720, 25.0, has_audio=True)
    argv, paths = commands.ladder_argv(
        Path("/uploads/abc"), "mov", plan, Path("/work/out"), max_seconds=31.0
    )
    return argv, paths


def test_one_process_decodes_once_and_splits_to_every_rung(ladder):
    argv, paths = ladder
    assert argv[0] == "ffmpeg"
    assert argv.count("-i") == 1, "the source is opened (and decoded) once"
    graph = argv[argv.index("-filter_complex") + 1]
    assert "split=4" in graph and "asplit=6" in graph  # 4 video rungs; their sound + 2 audio-only
    for width, height in [(256, 144), (426, 240), (640, 360), (854, 480)]:
        assert f"scale={width}:{height}" in graph
    assert [p.name for p in paths] == [
        "144p.mp4",
        "240p.mp4",
        "360p.mp4",
        "480p.mp4",
        "audio.webm",
        "audio-aac.m4a",
    ]


def test_untrusted_input_is_opened_as_one_local_file_with_a_safe_demuxer(ladder):
    argv, _ = ladder
    source = argv.index("-i")
    input_options = dict(zip(argv[1:source:2], argv[2:source:2], strict=True))
    assert input_options["-protocol_whitelist"] == "file"
    assert input_options["-f"] == "mov"
    assert input_options["-enable_drefs"] == "0"
    allowed = input_options["-format_whitelist"].split(",")
    assert "mov" in allowed and not {"hls", "concat", "image2", "dash", "tee"} & set(allowed)
    assert input_options["-t"] == "31.000"
    assert argv[source + 1] == "file:/uploads/abc"
    assert argv[-2:] == ["-progress", "pipe:1"] and "-nostdin" in argv


def test_every_video_rung_is_capped_crf_h264_main_with_short_first_gops_and_faststart(ladder):
    argv, _ = ladder
    outputs = _outputs(argv)
    for rung in profiles.VIDEO_RUNGS:
        options = outputs[rung.filename]
        assert options["-c:v"] == "libx264" and options["-profile:v"] == "main"
        assert options["-pix_fmt"] == "yuv420p"
        assert options["-crf"] == str(rung.crf)
        assert options["-maxrate"] == f"{rung.maxrate_kbps}k"
        assert options["-bufsize"] == f"{rung.bufsize_kbps}k"
        assert options["-g"] == options["-keyint_min"] == "50"  # 2 s at 25 fps
        assert options["-sc_threshold"] == "0"
        # 0 s, 1 s, then every 2 s: short first segments for a quick first frame.
        assert options["-force_key_frames"] == (
            "expr:gte(t,if(lt(n_forced,2),n_forced*1,2+(n_forced-2)*2))"
        )
        assert options["-movflags"] == "+faststart"
        assert options["-c:a"] == "aac" and options["-profile:a"] == "aac_low"
        assert options["-ac"] == "1" and options["-b:a"] == f"{rung.audio_kbps}k"
        assert options["-map_metadata"] == "-1"  # no GPS position from the phone


def test_keyframes_come_at_one_second_twice_then_every_two():
    assert profiles.keyframe_times(9.0) == [0, 1, 2, 4, 6, 8]
    assert profiles.keyframe_times(1.5) == [0, 1]


def test_video_segments_are_cut_at_every_keyframe_and_sound_every_two_seconds():
    def hls_time(video: bool) -> str:
        argv = commands.segment_argv(Path("/work/240p.mp4"), Path("/work/240p"), video=video)
        return argv[argv.index("-hls_time") + 1]

    # A target of the shortest gap between keyframes is passed at each one: one segment a GOP.
    assert hls_time(video=True) == "1"
    assert hls_time(video=False) == "2"


def test_audio_only_renditions_are_opus_webm_and_aac_m4a(ladder):
    outputs = _outputs(ladder[0])
    opus, aac = outputs["audio.webm"], outputs["audio-aac.m4a"]
    assert opus["-c:a"] == "libopus" and opus["-f"] == "webm" and opus["-vbr"] == "constrained"
    assert opus["-b:a"] == "24k" and opus["-ac"] == "1"
    assert aac["-c:a"] == "aac" and aac["-movflags"] == "+faststart" and aac["-ac"] == "1"


def test_ladder_never_upscales():
    plan = plan_ladder(640, 360, 25.0, has_audio=True)
    assert [r.name for r in plan.video] == ["144p", "240p", "360p"]
    small = plan_ladder(160, 90, 25.0, has_audio=True)
    assert [(r.name, r.width, r.height) for r in small.video] == [("144p", 160, 90)]


def test_portrait_video_is_sized_by_its_short_side():
    plan = plan_ladder(1080, 1920, 30.0, has_audio=True)
    assert [(r.width, r.height) for r in plan.video] == [
        (144, 256),
        (240, 426),
        (360, 640),
        (480, 854),
    ]


def test_high_frame_rates_are_halved_and_the_gop_stays_two_seconds():
    plan = plan_ladder(1920, 1080, 59.94, has_audio=True)
    assert plan.output_fps == pytest.approx(29.97) and plan.gop_frames == 60
    argv, _ = commands.ladder_argv(Path("/u/x"), "mov", plan, Path("/o"))
    assert "fps=fps=29.97" in argv[argv.index("-filter_complex") + 1]
    normal = plan_ladder(1280, 720, 24.95, has_audio=True)
    assert normal.output_fps is None and normal.gop_frames == 50  # 25 fps is left as it is
    argv, _ = commands.ladder_argv(Path("/u/x"), "mov", normal, Path("/o"))
    assert "fps=" not in argv[argv.index("-filter_complex") + 1]


def test_sound_only_and_silent_sources():
    audio_only = plan_ladder(None, None, None, has_audio=True)
    argv, paths = commands.ladder_argv(Path("/u/x"), "mp3", audio_only, Path("/o"))
    assert [p.name for p in paths] == ["audio.webm", "audio-aac.m4a"]
    assert argv[argv.index("-filter_complex") + 1] == "[0:a]asplit=2[s0][s1]"  # no video at all

    silent = plan_ladder(640, 360, 25.0, has_audio=False)
    argv, paths = commands.ladder_argv(Path("/u/x"), "mov", silent, Path("/o"))
    assert [p.name for p in paths] == ["144p.mp4", "240p.mp4", "360p.mp4"]
    assert "asplit" not in argv[argv.index("-filter_complex") + 1] and "-c:a" not in argv


def test_probe_and_poster_commands_are_restricted_the_same_way():
    probe = commands.probe_argv(Path("/uploads/http:evil"))
    assert probe[0] == "ffprobe" and probe[-1] == "file:/uploads/http:evil"
    assert probe[probe.index("-protocol_whitelist") + 1] == "file"
    assert "hls" not in probe[probe.index("-format_whitelist") + 1].split(",")
    poster = commands.poster_argv(Path("/u/x"), "mov", 2.0, 426, 240, Path("/o/poster.jpg"))
    assert poster[poster.index("-protocol_whitelist") + 1] == "file"
    assert poster.index("-ss") < poster.index("-i")  # seek in the demuxer, not by decoding
    assert poster[poster.index("-frames:v") + 1] == "1"


def test_a_rung_with_sound_gets_mono_aac_even_without_audio_only_renditions():
    """Whether a rung's sound is AAC-LC mono follows whether the rung carries sound, not
    whether the plan also has audio-only renditions (the benchmark's one-rung-per-process
    plans have none; ffmpeg's defaults would be 128k stereo)."""
    from dataclasses import replace

    plan = plan_ladder(640, 360, 25.0, has_audio=True)
    single = replace(plan, video=plan.video[:1], audio=())
    argv, _ = commands.ladder_argv(Path("/u/x"), "mov", single, Path("/o"))
    options = _outputs(argv)["144p.mp4"]
    assert options["-c:a"] == "aac" and options["-ac"] == "1" and options["-b:a"] == "24k"
