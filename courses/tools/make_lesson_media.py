#!/usr/bin/env python3
"""Make narrated slide videos and WebVTT captions for a course from a narration file.

    python courses/tools/make_lesson_media.py courses/leading-learning-essentials/media/narration.yaml

For each lesson in the narration file this writes, next to it:
  <lesson>.mp4  854x480 slides (ffmpeg drawtext, DejaVu fonts), H.264 + AAC mono, +faststart
  <lesson>.vtt  one caption cue per spoken sentence, timed from the synthesised audio

Speech comes from espeak-ng, one sentence at a time, so every caption's timing is exact.
Slides change when their narration starts. Only Debian packages are needed:
espeak-ng, ffmpeg, fonts-dejavu-core. The output is reproducible: the same text and the
same tool versions give the same bytes (single-threaded, bit-exact flags, no metadata).
Pass lesson slugs after the file to remake only those.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
import wave
from pathlib import Path

import yaml

WIDTH, HEIGHT, FPS = 854, 480, 5
SAMPLE_RATE = 22050
SENTENCE_PAUSE = 0.35
SLIDE_PAUSE = 0.8
LEAD_IN = 0.5
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
FONT_BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
BACKGROUND = "0x1f4e46"
ACCENT = "0xf2c14e"
FOOTER = "Headway · espeak-ng narration"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("narration", type=Path)
    parser.add_argument("only", nargs="*", help="lesson slugs to remake (default: all)")
    args = parser.parse_args(argv)
    for tool in ("espeak-ng", "ffmpeg"):
        if shutil.which(tool) is None:
            sys.exit(f"{tool} is not installed: apt-get install {tool}")
    spec = yaml.safe_load(args.narration.read_text(encoding="utf-8"))
    out_dir = args.narration.parent
    # ``language: fr`` names the files <lesson>.fr.mp4 and <lesson>.fr.vtt (a translation's
    # own media); without it, <lesson>.mp4 and <lesson>.vtt.
    suffix = f".{spec['language']}" if spec.get("language") else ""
    for slug, slides in spec["lessons"].items():
        if args.only and slug not in args.only:
            continue
        seconds, size = make_lesson(slug, slides, spec, out_dir, suffix)
        print(f"{slug}: {seconds:.1f} s, {size / 1024:.0f} KB")
    return 0


def make_lesson(
    slug: str, slides: list[dict], spec: dict, out_dir: Path, suffix: str = ""
) -> tuple[float, int]:
    with tempfile.TemporaryDirectory(prefix=f"media-{slug}-") as tmp:
        tmp_dir = Path(tmp)
        frames: list[bytes] = []
        cues: list[tuple[float, float, str]] = []
        slide_starts: list[float] = []
        clock = 0.0
        silence = lambda s: b"\0\0" * int(round(s * SAMPLE_RATE))  # noqa: E731 - 16-bit mono
        frames.append(silence(LEAD_IN))
        clock += LEAD_IN
        for n, slide in enumerate(slides):
            slide_starts.append(0.0 if n == 0 else clock - SLIDE_PAUSE / 2)
            for sentence in split_sentences(slide["say"]):
                pcm = speak(sentence, spec, tmp_dir / "sentence.wav")
                length = len(pcm) / 2 / SAMPLE_RATE
                cues.append((clock, clock + length, sentence))
                frames.append(pcm)
                frames.append(silence(SENTENCE_PAUSE))
                clock += length + SENTENCE_PAUSE
            frames.append(silence(SLIDE_PAUSE - SENTENCE_PAUSE))
            clock += SLIDE_PAUSE - SENTENCE_PAUSE
        total = clock

        narration = tmp_dir / "narration.wav"
        with wave.open(str(narration), "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(SAMPLE_RATE)
            w.writeframes(b"".join(frames))

        concat_lines = []
        for n, slide in enumerate(slides):
            image = tmp_dir / f"slide{n}.png"
            render_slide(slide, n + 1, len(slides), image, tmp_dir)
            end = slide_starts[n + 1] if n + 1 < len(slides) else total
            concat_lines += [f"file '{image.name}'", f"duration {end - slide_starts[n]:.3f}"]
        concat_lines.append(
            f"file 'slide{len(slides) - 1}.png'"
        )  # the demuxer needs the last one twice
        (tmp_dir / "slides.txt").write_text("\n".join(concat_lines) + "\n")

        video = out_dir / f"{slug}{suffix}.mp4"
        run(
            [
                "ffmpeg",
                "-nostdin",
                "-y",
                "-loglevel",
                "error",
                "-f",
                "concat",
                "-safe",
                "0",
                "-i",
                str(tmp_dir / "slides.txt"),
                "-i",
                str(narration),
                "-map",
                "0:v",
                "-map",
                "1:a",
                "-vf",
                f"fps={FPS},format=yuv420p",
                "-c:v",
                "libx264",
                "-profile:v",
                "main",
                "-preset",
                "veryslow",
                "-tune",
                "stillimage",
                "-crf",
                "30",
                "-g",
                str(FPS * 10),
                "-threads",
                "1",
                "-c:a",
                "aac",
                "-b:a",
                "24k",
                "-ac",
                "1",
                "-ar",
                str(SAMPLE_RATE),
                "-t",
                f"{total:.3f}",
                "-map_metadata",
                "-1",
                "-fflags",
                "+bitexact",
                "-flags:v",
                "+bitexact",
                "-flags:a",
                "+bitexact",
                "-movflags",
                "+faststart",
                str(video),
            ]
        )
        write_vtt(out_dir / f"{slug}{suffix}.vtt", cues)
        return total, video.stat().st_size


def split_sentences(text: str) -> list[str]:
    text = " ".join(text.split())
    return [s.strip() for s in re.split(r"(?<=[.?!])\s+", text) if s.strip()]


def speak(sentence: str, spec: dict, wav_path: Path) -> bytes:
    run(
        [
            "espeak-ng",
            "-v",
            spec.get("voice", "en"),
            "-s",
            str(spec.get("words_per_minute", 150)),
            "-p",
            str(spec.get("pitch", 50)),
            "-w",
            str(wav_path),
            sentence,
        ]
    )
    with wave.open(str(wav_path), "rb") as w:
        if w.getframerate() != SAMPLE_RATE or w.getnchannels() != 1 or w.getsampwidth() != 2:
            sys.exit(f"espeak-ng produced an unexpected WAV format: {w.getparams()}")
        return w.readframes(w.getnframes())


def render_slide(slide: dict, number: int, count: int, image: Path, tmp_dir: Path) -> None:
    """One PNG per slide; text goes through files so no drawtext escaping is needed."""
    filters = []
    y = 40
    for line in textwrap.wrap(slide["heading"], 30):
        filters.append(drawtext(tmp_dir, line, FONT_BOLD, 40, 60, y))
        y += 52
    filters.append(f"drawbox=x=60:y={y + 14}:w=120:h=6:color={ACCENT}:t=fill")
    y += 60
    for point in slide.get("points", []):
        for k, line in enumerate(textwrap.wrap(point, 40)):
            filters.append(drawtext(tmp_dir, ("•  " if k == 0 else "   ") + line, FONT, 30, 70, y))
            y += 42
        y += 12
    filters.append(
        drawtext(
            tmp_dir, f"{FOOTER}   {number}/{count}", FONT, 16, 60, HEIGHT - 40, color="white@0.6"
        )
    )
    run(
        [
            "ffmpeg",
            "-nostdin",
            "-y",
            "-loglevel",
            "error",
            "-f",
            "lavfi",
            "-i",
            f"color=c={BACKGROUND}:s={WIDTH}x{HEIGHT}:d=1",
            "-vf",
            ",".join(filters),
            "-frames:v",
            "1",
            "-fflags",
            "+bitexact",
            "-flags:v",
            "+bitexact",
            str(image),
        ]
    )


_text_files = 0


def drawtext(
    tmp_dir: Path, text: str, font: str, size: int, x: int, y: int, color: str = "white"
) -> str:
    global _text_files
    _text_files += 1
    path = tmp_dir / f"text{_text_files}.txt"
    path.write_text(text, encoding="utf-8")
    return f"drawtext=fontfile={font}:textfile={path}:fontsize={size}:fontcolor={color}:x={x}:y={y}"


def write_vtt(path: Path, cues: list[tuple[float, float, str]]) -> None:
    lines = ["WEBVTT", ""]
    for n, (start, end, text) in enumerate(cues, start=1):
        lines += [str(n), f"{timestamp(start)} --> {timestamp(end)}", text, ""]
    path.write_text("\n".join(lines), encoding="utf-8")


def timestamp(seconds: float) -> str:
    ms = int(round(seconds * 1000))
    return f"{ms // 3_600_000:02d}:{ms // 60_000 % 60:02d}:{ms // 1000 % 60:02d}.{ms % 1000:03d}"


def run(argv: list[str]) -> None:
    result = subprocess.run(argv, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"{argv[0]} failed ({result.returncode}):\n{result.stderr[-2000:]}")


if __name__ == "__main__":
    sys.exit(main())
