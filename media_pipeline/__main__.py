"""``python -m media_pipeline transcode FILE --out DIR``: the pipeline without the app.

Exit status 0 on success, 2 for a file we refuse (the reason is printed for a person), 1 when
transcoding itself failed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from media_pipeline.errors import MediaRejected, TranscodeFailed
from media_pipeline.limits import Limits
from media_pipeline.manifest import Manifest
from media_pipeline.pipeline import transcode


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m media_pipeline")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("transcode", help="transcode FILE into a ladder in DIR")
    run.add_argument("file", type=Path)
    run.add_argument("--out", type=Path, required=True, help="directory for the renditions")
    run.add_argument("--captions", type=Path, help="an SRT or WebVTT file to validate and include")
    run.add_argument(
        "--max-minutes",
        type=float,
        default=Limits.max_duration_s / 60,
        help="refuse recordings longer than this (default: %(default)g)",
    )
    run.add_argument("--quiet", action="store_true", help="no progress on stderr")
    return parser


def _print_summary(manifest: Manifest, out: Path) -> None:
    print(f"{'rendition':<10} {'codecs':<26} {'size':>7} {'bytes':>10} {'seconds':>8} {'kbps':>7}")
    for r in manifest.renditions:
        size = f"{r.width}x{r.height}" if r.width else "-"
        print(
            f"{r.name:<10} {r.codecs:<26} {size:>7} {r.bytes:>10} {r.duration_s:>8.2f} "
            f"{r.bitrate_kbps:>7.1f}"
        )
    if manifest.poster:
        print(
            f"poster {manifest.poster.bytes} bytes, placeholder {manifest.placeholder.bytes} bytes"
        )
    print(f"written to {out} in {manifest.elapsed_s:.1f} s")


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    limits = Limits(max_duration_s=args.max_minutes * 60)

    def show(percent: float) -> None:
        print(f"\r{percent:5.1f}%", end="", file=sys.stderr, flush=True)

    try:
        if not args.file.is_file():
            print(f"error: {args.file} is not a file", file=sys.stderr)
            return 2
        captions = args.captions.read_bytes() if args.captions else None
        manifest = transcode(
            args.file,
            args.out,
            limits=limits,
            captions=captions,
            progress=None if args.quiet else show,
        )
    except MediaRejected as rejected:
        print(f"\nrejected: {rejected.message}", file=sys.stderr)
        return 2
    except TranscodeFailed as failed:
        print(f"\nfailed: {failed}", file=sys.stderr)
        return 1
    if not args.quiet:
        print(file=sys.stderr)
    _print_summary(manifest, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
