"""Caption uploads: SRT and WebVTT in, clean WebVTT out, errors that name the line."""

from __future__ import annotations

import pytest

from media_pipeline.captions import normalise_captions, parse_captions
from media_pipeline.errors import CaptionError


def test_srt_becomes_webvtt_with_markup_dropped_and_text_escaped():
    srt = (
        b"\xef\xbb\xbf1\r\n00:00:01,000 --> 00:00:04,250\r\n<font color=red>Heads</font> & "
        b"deputies\r\nsecond line\r\n\r\n2\r\n00:01:02,5 --> 00:01:03,000\r\n<script>x</script>\r\n"
    )
    assert normalise_captions(srt) == (
        "WEBVTT\n\n00:00:01.000 --> 00:00:04.250\nHeads &amp; deputies\nsecond line\n\n"
        "00:01:02.500 --> 00:01:03.000\nx\n"
    )


def test_webvtt_with_header_notes_ids_and_settings_is_normalised():
    vtt = (
        b"WEBVTT - lesson 1\nKind: captions\n\nNOTE written by the author\n\nintro\n"
        b"00:01.000 --> 00:02.000 align:start line:0\nHello\n"
    )
    assert parse_captions(vtt)[0].start_s == 1.0
    assert normalise_captions(vtt) == "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nHello\n"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            b"1\n00:00:01,000 -> 00:00:02,000\nHi\n",
            "Line 2: expected a time range like 00:00:01,000 --> 00:00:04,000, "
            "found '00:00:01,000 -> 00:00:02,000'",
        ),
        (
            b"1\n00:00:01,000 --> 00:00:02,000\nHi\n\n2\n00:00:05,000 --> 00:00:04,000\nBye\n",
            "Line 6: the cue ends (00:00:04.000) before or when it starts (00:00:05.000)",
        ),
        (
            b"1\n00:00:01,000 --> 00:00:02,000\nHi\n\nhello there\n",
            "Line 5: expected a cue number or a time range like 00:00:01,000 --> 00:00:04,000, "
            "found 'hello there'",
        ),
        (
            b"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n\n",
            "Line 3: the cue has a time range but no text",
        ),
        (
            b"WEBVTT\n\nNOTE nothing yet\n",
            "The caption file has no cues. Each cue "
            "needs a time range like 00:00:01,000 --> 00:00:04,000 followed by its text.",
        ),
        (b"", "The caption file is empty."),
        (
            b"\xff\xfe\x00\xd8garbage\x00\x00",
            "The caption file is not text in UTF-8. Save it as "
            "UTF-8 (most caption tools offer this) and upload it again.",
        ),
    ],
)
def test_invalid_captions_name_the_line(data, message):
    with pytest.raises(CaptionError) as error:
        parse_captions(data)
    assert error.value.message == message


def test_captions_for_another_video_are_caught_by_the_duration():
    with pytest.raises(CaptionError) as error:
        parse_captions(b"1\n00:10:00,000 --> 00:10:02,000\nLate\n", media_duration_s=30)
    assert error.value.line == 2
    assert "after the recording ends (00:00:30.000)" in error.value.message
