"""Caption uploads: SRT or WebVTT in, validated, out as clean WebVTT for ``<track>``.

Authors make captions in many tools; the errors here point at the line to fix. The output keeps
only timing and plain text (markup is dropped, ``&``/``<``/``>`` escaped), so a caption file
can never inject anything into the page or the player.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass

from media_pipeline.errors import N_, CaptionError

MAX_CAPTION_BYTES = 1024 * 1024
_TIME = r"(?:(\d{1,3}):)?([0-5]?\d):([0-5]\d)[,.](\d{1,3})"
_TIMING = re.compile(rf"^\s*{_TIME}\s*-->\s*{_TIME}(?:\s+(.*))?$")
_TAG = re.compile(r"<[^>]*>")
_FORMAT_HINT = "00:00:01,000 --> 00:00:04,000"


@dataclass(frozen=True)
class Cue:
    start_s: float
    end_s: float
    text: str


def _seconds(hours: str | None, minutes: str, seconds: str, millis: str) -> float:
    return (
        int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds) + int(millis.ljust(3, "0")) / 1000
    )


def _stamp(seconds: float) -> str:
    total_ms = round(seconds * 1000)
    hours, rest = divmod(total_ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}.{millis:03d}"


def _decode(data: bytes) -> str:
    if len(data) > MAX_CAPTION_BYTES:
        raise CaptionError(
            N_(
                "The caption file is %(size)s KB; captions for a lesson are at most "
                "%(limit)s KB. Is this the right file?"
            ),
            size=f"{len(data) / 1024:,.0f}",
            limit=MAX_CAPTION_BYTES // 1024,
        )
    if not data.strip():
        raise CaptionError(N_("The caption file is empty."))
    for encoding in ("utf-8-sig", "utf-16"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:
            return text
    raise CaptionError(
        N_(
            "The caption file is not text in UTF-8. Save it as UTF-8 (most caption tools offer "
            "this) and upload it again."
        )
    )


def _clean_text(lines: list[str]) -> str:
    text = "\n".join(_TAG.sub("", line).strip() for line in lines).strip()
    return html.escape(html.unescape(text), quote=False)


def _cue_blocks(lines: list[str], is_vtt: bool) -> Iterator[tuple[int, list[str]]]:
    """Each run of non-blank lines after the header, with the index of its first line.

    WebVTT's NOTE, STYLE and REGION blocks hold no cue and are left out.
    """
    index = 1 if is_vtt else 0
    if is_vtt:
        # The header block runs to the first blank line.
        while index < len(lines) and lines[index].strip():
            index += 1
    while index < len(lines):
        while index < len(lines) and not lines[index].strip():
            index += 1
        if index >= len(lines):
            break
        block_start = index
        block: list[str] = []
        while index < len(lines) and lines[index].strip():
            block.append(lines[index])
            index += 1
        if is_vtt and block[0].strip().startswith(("NOTE", "STYLE", "REGION")):
            continue
        yield block_start, block


def _timing_offset(block: list[str], block_start: int, is_vtt: bool) -> int:
    """Which line of ``block`` holds the time range: 0, or 1 after a cue number or identifier."""
    timing_offset = 0 if "-->" in block[0] else 1
    if timing_offset == 1 and not is_vtt and not block[0].strip().isdigit():
        raise CaptionError(
            N_("expected a cue number or a time range like %(example)s, found '%(found)s'"),
            block_start + 1,
            example=_FORMAT_HINT,
            found=block[0].strip()[:60],
        )
    if timing_offset >= len(block):
        raise CaptionError(
            N_("cue '%(cue)s' has no time range (expected %(example)s)"),
            block_start + 1,
            cue=block[0].strip()[:60],
            example=_FORMAT_HINT,
        )
    return timing_offset


def _time_range(line: str, line_number: int, media_duration_s: float | None) -> tuple[float, float]:
    match = _TIMING.match(line)
    if not match:
        raise CaptionError(
            N_("expected a time range like %(example)s, found '%(found)s'"),
            line_number,
            example=_FORMAT_HINT,
            found=line.strip()[:60],
        )
    start = _seconds(*match.group(1, 2, 3, 4))
    end = _seconds(*match.group(5, 6, 7, 8))
    if end <= start:
        raise CaptionError(
            N_("the cue ends (%(end)s) before or when it starts (%(start)s)"),
            line_number,
            end=_stamp(end),
            start=_stamp(start),
        )
    if media_duration_s is not None and start > media_duration_s + 1:
        raise CaptionError(
            N_(
                "the cue starts at %(start)s, after the recording ends (%(end)s). "
                "Are these captions for another video?"
            ),
            line_number,
            start=_stamp(start),
            end=_stamp(media_duration_s),
        )
    return start, end


def _parse_cue(
    block: list[str], block_start: int, is_vtt: bool, media_duration_s: float | None
) -> Cue:
    timing_offset = _timing_offset(block, block_start, is_vtt)
    line_number = block_start + timing_offset + 1
    start, end = _time_range(block[timing_offset], line_number, media_duration_s)
    text = _clean_text(block[timing_offset + 1 :])
    if not text:
        raise CaptionError(N_("the cue has a time range but no text"), line_number)
    return Cue(start, end, text)


def parse_captions(data: bytes, media_duration_s: float | None = None) -> list[Cue]:
    """Parse SRT or WebVTT; raise :class:`CaptionError` naming the first bad line."""
    lines = _decode(data).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    is_vtt = lines[0].strip().startswith("WEBVTT")
    cues = [
        _parse_cue(block, block_start, is_vtt, media_duration_s)
        for block_start, block in _cue_blocks(lines, is_vtt)
    ]
    if not cues:
        raise CaptionError(
            N_(
                "The caption file has no cues. Each cue needs a time range like %(example)s "
                "followed by its text."
            ),
            example=_FORMAT_HINT,
        )
    return cues


def to_webvtt(cues: list[Cue]) -> str:
    blocks = ["WEBVTT", ""]
    for cue in cues:
        blocks += [f"{_stamp(cue.start_s)} --> {_stamp(cue.end_s)}", cue.text, ""]
    return "\n".join(blocks)


def normalise_captions(data: bytes, media_duration_s: float | None = None) -> str:
    """SRT or WebVTT bytes in, validated WebVTT text out."""
    return to_webvtt(parse_captions(data, media_duration_s))
