"""Real media for the pipeline's tests, made by ffmpeg's own test sources (a few seconds each)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.services import require_ffmpeg

REPO = Path(__file__).resolve().parents[2]
REFERENCE_MEDIA = (REPO / "../shared/media").resolve()


def make_media(out: Path, *args: str) -> Path:
    """``ffmpeg -y ARGS OUT``, quietly; fails the test with ffmpeg's message if it fails."""
    result = subprocess.run(
        ["ffmpeg", "-hide_banner", "-v", "error", "-y", *args, str(out)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    return out


def lavfi_clip(
    out: Path,
    *,
    size: str = "640x360",
    seconds: float = 3,
    rate: int = 25,
    audio: bool = True,
    video: bool = True,
    extra: tuple[str, ...] = (),
) -> Path:
    args: list[str] = []
    if video:
        args += ["-f", "lavfi", "-i", f"testsrc2=size={size}:rate={rate}:duration={seconds}"]
    if audio:
        args += ["-f", "lavfi", "-i", f"sine=frequency=440:beep_factor=4:duration={seconds}"]
    if video:
        args += ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"]
    if audio:
        args += ["-c:a", "aac", "-b:a", "96k"]
    return make_media(out, *args, *extra)


def ffprobe_json(path: Path, *args: str) -> dict:
    result = subprocess.run(
        ["ffprobe", "-v", "error", "-of", "json", *args, str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "media_pipeline", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
    )


@pytest.fixture(scope="session")
def media_dir(tmp_path_factory) -> Path:
    require_ffmpeg()
    return tmp_path_factory.mktemp("media")


@pytest.fixture(scope="session")
def lesson_clip(media_dir) -> Path:
    """640×360, 25 fps, 3 s, a moving test pattern and a beeping tone."""
    return lavfi_clip(media_dir / "lesson.mp4")


CAPTIONS_SRT = b"""1
00:00:00,500 --> 00:00:01,800
Welcome, <i>head teachers</i> & deputies.

2
00:00:02,000 --> 00:00:02,900
Let's begin.
"""


@pytest.fixture(scope="session")
def cli_transcode(lesson_clip, tmp_path_factory):
    """The lesson clip run through ``python -m media_pipeline transcode`` once for many tests."""
    out = tmp_path_factory.mktemp("ladder")
    captions = tmp_path_factory.mktemp("captions") / "lesson.srt"
    captions.write_bytes(CAPTIONS_SRT)
    result = run_cli("transcode", str(lesson_clip), "--out", str(out), "--captions", str(captions))
    assert result.returncode == 0, result.stderr
    return out, json.loads((out / "manifest.json").read_text()), result
