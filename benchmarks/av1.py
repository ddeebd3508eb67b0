"""Would AV1 (SVT-AV1) low rungs give the same SSIM for markedly fewer bytes than H.264?

For each reference clip and each low rung (144p, 240p): the picture alone (no sound, which
is the same AAC either way) encoded as the ladder encodes it — H.264 Main, capped CRF, 2 s
GOP — and with SVT-AV1 (preset 8, the same GOP and bitrate cap) at a sweep of CRFs; for
each, bytes and SSIM against the source scaled the same way. The AV1 row that matches
H.264's SSIM (the smallest at or above it) gives the saving.

    .venv/bin/python benchmarks/transcode.py --av1      (or benchmarks/av1.py [CLIP ...])

Deterministic figures (bytes and SSIM; times vary), measured with Debian's ffmpeg 5.1 and
SVT-AV1 1.4.1 — see ``benchmarks/transcode.py``'s docstring for the table and the decision.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from media_pipeline.commands import parse_ssim  # noqa: E402
from media_pipeline.profiles import KEYFRAME_INTERVAL_S, VIDEO_RUNGS, X264_PRESET  # noqa: E402

LOW_RUNGS = [r for r in VIDEO_RUNGS if r.height <= 240]
AV1_CRFS = (40, 45, 50, 55, 60, 63)
FPS = 25


def _encode(source: Path, out: Path, height: int, codec_args: list[str]) -> int:
    subprocess.run(
        ["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-i", str(source), "-an"]
        + ["-vf", f"fps={FPS},scale=-2:{height}", "-g", str(int(KEYFRAME_INTERVAL_S * FPS))]
        + codec_args
        + [str(out)],
        check=True,
        capture_output=True,  # SVT-AV1 logs its configuration whatever ffmpeg's log level
    )
    return out.stat().st_size


def _ssim(encoded: Path, source: Path, height: int) -> float:
    graph = (
        f"[0:v]scale=-2:{height},setsar=1[a];[1:v]fps={FPS},scale=-2:{height},setsar=1[b];"
        "[a][b]ssim"
    )
    result = subprocess.run(
        ["ffmpeg", "-hide_banner", "-i", str(encoded), "-i", str(source)]
        + ["-lavfi", graph, "-f", "null", "-"],
        capture_output=True,
        text=True,
        check=True,
    )
    return parse_ssim(result.stderr)


def compare(source: Path) -> list[tuple[str, str, int, float]]:
    """Rows of (rung, encoder, bytes, SSIM)."""
    rows = []
    with tempfile.TemporaryDirectory(prefix="headway-av1-") as tmp:
        for rung in LOW_RUNGS:
            h264 = Path(tmp) / f"{rung.name}-h264.mp4"
            size = _encode(
                source,
                h264,
                rung.height,
                ["-c:v", "libx264", "-profile:v", "main", "-preset", X264_PRESET]
                + ["-crf", str(rung.crf), "-maxrate", f"{rung.maxrate_kbps}k"]
                + ["-bufsize", f"{rung.bufsize_kbps}k", "-pix_fmt", "yuv420p"],
            )
            rows.append((rung.name, "h264", size, _ssim(h264, source, rung.height)))
            for crf in AV1_CRFS:
                av1 = Path(tmp) / f"{rung.name}-av1-{crf}.mp4"
                size = _encode(
                    source,
                    av1,
                    rung.height,
                    ["-c:v", "libsvtav1", "-preset", "8", "-crf", str(crf), "-pix_fmt", "yuv420p"]
                    + ["-svtav1-params", f"mbr={rung.maxrate_kbps}"],
                )
                rows.append((rung.name, f"av1 crf {crf}", size, _ssim(av1, source, rung.height)))
    return rows


def report(source: Path) -> None:
    rows = compare(source)
    print(f"\n{source.name}: picture only, bytes and SSIM (H.264 as the ladder vs SVT-AV1)")
    print(f"  {'rung':<6} {'encoder':<12} {'bytes':>9} {'SSIM':>7}  vs H.264")
    for name in dict.fromkeys(r[0] for r in rows):
        mine = [r for r in rows if r[0] == name]
        base = next(r for r in mine if r[1] == "h264")
        for _, encoder, size, score in mine:
            ratio = f"{size / base[2]:.2f}× bytes" if encoder != "h264" else ""
            print(f"  {name:<6} {encoder:<12} {size:>9} {score:>7.4f}  {ratio}")
        matching = [r for r in mine if r[1] != "h264" and r[3] >= base[3]]
        if matching:
            best = min(matching, key=lambda r: r[2])
            print(f"  {name}: same SSIM for {best[2] / base[2]:.2f}× the bytes ({best[1]})")
        else:
            print(f"  {name}: no AV1 CRF tried reaches H.264's SSIM")


def main() -> None:
    clips = [Path(a) for a in sys.argv[1:]] or sorted((ROOT / "../shared/media").glob("*.mp4"))
    for clip in clips:
        report(clip.resolve())


if __name__ == "__main__":
    main()
