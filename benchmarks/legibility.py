"""The lowest rung on which a slide's text stays legible: the data-saver default.

A leader watches on a phone about 360 CSS px wide at twice that in device pixels, so every
rung is shown scaled to 720×405. For each rung of the reference slide talk this compares,
against the source at that same size, the SSIM of the whole picture and of the body-text
band of the slides (where the words are). Text counts as legible at a text-band SSIM of at
least LEGIBLE_SSIM: below it the letters smear together (look at the frames it writes with
``--frames DIR``: 144p's body text is readable with effort, its small print is not).

    .venv/bin/python benchmarks/legibility.py [--frames /tmp/frames] [CLIP]

Measured on ../shared/media/slides-lecture-720p.mp4 (deterministic: SSIM, not timings):

=====  ===========  =========  =========
rung   whole frame  text band  legible
=====  ===========  =========  =========
144p   0.955        0.939      no
240p   0.985        0.983      yes  <- the default ("Low")
360p   0.995        0.996      yes
480p   0.998        0.998      yes
=====  ===========  =========  =========
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from media_pipeline.commands import parse_ssim  # noqa: E402
from media_pipeline.manifest import Manifest  # noqa: E402
from media_pipeline.pipeline import transcode  # noqa: E402

SLIDES = (ROOT / "../shared/media/slides-lecture-720p.mp4").resolve()
DISPLAY = (720, 405)
#: The slides' body text at the display size: x, y, width, height.
TEXT_BAND = (20, 90, 680, 170)
LEGIBLE_SSIM = 0.97


def band_ssim(rendition: Path, source: Path, crop: tuple[int, int, int, int] | None) -> float:
    width, height = DISPLAY
    cut = f",crop={crop[2]}:{crop[3]}:{crop[0]}:{crop[1]}" if crop else ""
    graph = (
        f"[0:v]scale={width}:{height}:flags=bicubic{cut}[a];"
        f"[1:v]scale={width}:{height}:flags=bicubic{cut}[b];[a][b]ssim"
    )
    result = subprocess.run(
        ["ffmpeg", "-hide_banner", "-i", str(rendition), "-i", str(source)]
        + ["-lavfi", graph, "-f", "null", "-"],
        capture_output=True,
        text=True,
        check=True,
    )
    return parse_ssim(result.stderr)


def write_frame(rendition: Path, out: Path, at_s: float = 20.0) -> None:
    width, height = DISPLAY
    subprocess.run(
        ["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-ss", str(at_s)]
        + ["-i", str(rendition), "-frames:v", "1", "-vf", f"scale={width}:{height}", str(out)],
        check=True,
    )


def measure(clip: Path, frames: Path | None) -> list[tuple[str, float, float]]:
    rows = []
    with tempfile.TemporaryDirectory() as work:
        manifest: Manifest = transcode(clip, Path(work))
        for rendition in manifest.renditions:
            if rendition.kind != "video":
                continue
            path = Path(work) / rendition.filename
            whole = band_ssim(path, clip, None)
            text = band_ssim(path, clip, TEXT_BAND)
            rows.append((rendition.name, whole, text))
            if frames:
                frames.mkdir(parents=True, exist_ok=True)
                write_frame(path, frames / f"{rendition.name}.png")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("clip", nargs="?", type=Path, default=SLIDES)
    parser.add_argument("--frames", type=Path, help="write a frame of each rung here (PNG)")
    args = parser.parse_args()
    rows = measure(args.clip, args.frames)
    print(f"{'rung':<6} {'whole frame':>11} {'text band':>10}  legible")
    for name, whole, text in rows:
        print(f"{name:<6} {whole:>11.3f} {text:>10.3f}  {'yes' if text >= LEGIBLE_SSIM else 'no'}")
    legible = [name for name, _, text in rows if text >= LEGIBLE_SSIM]
    print(f"lowest legible rung: {legible[0] if legible else 'none'}")


if __name__ == "__main__":
    main()
