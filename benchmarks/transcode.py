"""How fast and how small the ladder is, on the reference clips.

For each clip: the pipeline's wall time and speed (× real time); per rendition its size, bytes
per minute of lesson, total bitrate and SSIM against the source scaled the same way; and two
ratios of wall time, each measured side by side on the same machine (best of --repeat runs):

* pipeline ÷ the plain ffmpeg command with the same settings (target ≤ 1.10): what our probe,
  runner, poster and measuring cost on top of ffmpeg itself;
* pipeline ÷ one ffmpeg per rung: what decoding the source once saves.

    .venv/bin/python benchmarks/transcode.py [--repeat 2] [CLIP ...]
    .venv/bin/python benchmarks/transcode.py --av1 [CLIP ...]   # AV1 vs H.264, low rungs

Prints only; tests never assert wall-clock times.

AV1 (issue 11), measured by ``--av1`` (benchmarks/av1.py): the picture alone, H.264 as the
ladder encodes it vs SVT-AV1 1.4.1 preset 8 with the same GOP and cap, CRF 40–63; bytes
of AV1 at H.264's SSIM (interpolated between the two CRFs around it):

=================  ====  ===========  ===========  ===================
clip               rung  H.264 bytes  H.264 SSIM   AV1 at same SSIM
=================  ====  ===========  ===========  ===================
slide lecture      144p       75 733       0.9954  ~1.00× (CRF ~60)
slide lecture      240p      159 988       0.9970  ~0.82× (CRF ~58)
high motion        144p      243 530       0.9386  ~0.62× (CRF ~58)
high motion        240p      577 036       0.9467  ~0.55× (CRF ~57)
=================  ====  ===========  ===========  ===================

Decision: not now. On what lessons mostly are — slides and a speaker — AV1 saves 0–18% of
the picture, and the picture is only about half of a low rung (AAC is 24–32 kbps of the
48–76 kbps), so 0–9% of what a leader pays; only busy motion gains markedly. Against that,
cheap Android phones decode AV1 in software (battery, dropped frames) and every asset would
need a second set of segments. Revisit if courses turn to filmed classrooms.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from media_pipeline import commands  # noqa: E402
from media_pipeline.limits import DEFAULT_LIMITS  # noqa: E402
from media_pipeline.manifest import Manifest  # noqa: E402
from media_pipeline.pipeline import plan_for, transcode  # noqa: E402
from media_pipeline.probe import probe  # noqa: E402
from media_pipeline.profiles import LadderPlan  # noqa: E402
from media_pipeline.runner import run_capture  # noqa: E402

REFERENCE_MEDIA = (ROOT / "../shared/media").resolve()


def timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def run(argv: list[str]) -> None:
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def per_rung_commands(source: Path, demuxer: str, plan: LadderPlan, out: Path) -> list[list[str]]:
    """The same renditions with the same settings, one ffmpeg process (one decode) each."""
    singles = [replace(plan, video=(rung,), audio=()) for rung in plan.video]
    singles += [replace(plan, video=(), audio=(audio,), with_sound=False) for audio in plan.audio]
    return [
        commands.ladder_argv(source, demuxer, single, out, progress=False)[0] for single in singles
    ]


def ssim(rendition: Path, source: Path, demuxer: str, width: int, height: int) -> float:
    probed = run_capture(commands.probe_argv(rendition), timeout_s=DEFAULT_LIMITS.probe_timeout_s)
    streams = json.loads(probed.stdout)["streams"]
    fps = next(s["r_frame_rate"] for s in streams if s["codec_type"] == "video")
    result = subprocess.run(
        commands.ssim_argv(rendition, source, demuxer, width, height, fps),
        capture_output=True,
        text=True,
        check=True,
    )
    return commands.parse_ssim(result.stderr)


def bench(source: Path, repeat: int) -> None:
    info = probe(source)
    plan = plan_for(info)
    with tempfile.TemporaryDirectory(prefix="headway-bench-") as tmp:
        work = Path(tmp)
        plain_argv, _ = commands.ladder_argv(
            source,
            info.demuxer,
            plan,
            work / "plain",
            max_seconds=info.duration_s + 1,
            progress=False,
        )
        (work / "plain").mkdir()
        (work / "single").mkdir()
        singles = per_rung_commands(source, info.demuxer, plan, work / "single")
        pipeline_times, plain_times, single_times = [], [], []
        for attempt in range(repeat):
            out = work / f"pipeline-{attempt}"
            pipeline_times.append(timed(lambda out=out: transcode(source, out)))
            plain_times.append(timed(lambda: run(plain_argv)))
            single_times.append(timed(lambda: [run(argv) for argv in singles]))
        manifest = Manifest.from_dict(
            json.loads((work / "pipeline-0" / "manifest.json").read_text())
        )
        pipeline_s, plain_s, single_s = min(pipeline_times), min(plain_times), min(single_times)
        print(
            f"\n{source.name}: {info.video.width if info.video else '-'}x"
            f"{info.video.height if info.video else '-'}, {info.duration_s:.1f} s"
        )
        print(
            f"  pipeline {pipeline_s:6.1f} s  = {info.duration_s / pipeline_s:5.2f}× real time"
            f"   (best of {repeat})"
        )
        print(
            f"  plain ffmpeg, same ladder command   {plain_s:6.1f} s   pipeline/plain = "
            f"{pipeline_s / plain_s:.3f}  (target ≤ 1.10)"
        )
        print(
            f"  one ffmpeg per rendition ({len(singles)})     {single_s:6.1f} s   "
            f"pipeline/per-rung = {pipeline_s / single_s:.3f}"
        )
        print(
            f"  {'rendition':<10} {'size':>8} {'bytes':>10} {'MB/min':>7} {'kbps':>7} {'SSIM':>7}"
        )
        for rendition in manifest.renditions:
            per_minute = rendition.bytes / rendition.duration_s * 60 / 1e6
            score = ""
            if rendition.kind == "video":
                rendered = work / "pipeline-0" / rendition.filename
                score = (
                    f"{ssim(rendered, source, info.demuxer, rendition.width, rendition.height):.4f}"
                )
            size = f"{rendition.width}x{rendition.height}" if rendition.width else "audio"
            print(
                f"  {rendition.name:<10} {size:>8} {rendition.bytes:>10} {per_minute:>7.2f} "
                f"{rendition.bitrate_kbps:>7.1f} {score:>7}"
            )
        if manifest.poster:
            print(
                f"  poster {manifest.poster.bytes} B ({manifest.poster.width}x{manifest.poster.height}),"
                f" placeholder {manifest.placeholder.bytes} B"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("clips", nargs="*", type=Path)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--av1", action="store_true", help="compare SVT-AV1 low rungs instead")
    args = parser.parse_args()
    clips = args.clips or sorted(REFERENCE_MEDIA.glob("*.mp4"))
    if not clips:
        sys.exit(f"no clips given and none in {REFERENCE_MEDIA}")
    for clip in clips:
        if args.av1:
            from benchmarks import av1  # only this mode needs it

            av1.report(clip.resolve())
        else:
            bench(clip, args.repeat)


if __name__ == "__main__":
    main()
