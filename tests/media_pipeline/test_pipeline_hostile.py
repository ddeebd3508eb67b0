"""Hostile and broken uploads: each is refused with the sentence the author will read, nothing
is written, and nothing outside the upload is opened.

Two tripwires stand in for "somewhere else": a tiny HTTP server on 127.0.0.1 that records every
request, and a FIFO on disk that records whether anyone opened it. Playlists and concat lists
point at both and at /etc/passwd; a control test shows unrestricted ffprobe does follow them.
"""

from __future__ import annotations

import http.server
import os
import struct
import subprocess
import threading
from pathlib import Path

import pytest

from media_pipeline import commands
from media_pipeline.errors import (
    AbsurdDimensions,
    AbsurdFrameRate,
    CorruptMedia,
    EmptyFile,
    MediaRejected,
    NoStreams,
    NotMediaFile,
    TooLarge,
    TooLong,
    TranscodeFailed,
    UnsafeMedia,
)
from media_pipeline.limits import DEFAULT_LIMITS, Limits
from media_pipeline.pipeline import transcode
from media_pipeline.runner import run_capture
from tests.media_pipeline.conftest import lavfi_clip, make_media, run_cli

HINT = "Upload the video or audio file itself, for example an .mp4 from a phone."


class Tripwire:
    """A FIFO that notices being opened (a reader's open() releases our blocked writer)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        os.mkfifo(path)
        self._opened = threading.Event()
        self._thread = threading.Thread(target=self._wait_for_reader, daemon=True)
        self._thread.start()

    def _wait_for_reader(self) -> None:
        fd = os.open(self.path, os.O_WRONLY)  # blocks until someone opens the FIFO to read
        self._opened.set()
        os.close(fd)  # the reader sees end of file at once, so it never hangs

    def was_opened(self) -> bool:
        return self._opened.wait(timeout=0.3)

    def close(self) -> None:
        if not self._opened.is_set():
            os.close(os.open(self.path, os.O_RDONLY | os.O_NONBLOCK))  # release the writer
        self._thread.join(timeout=5)


@pytest.fixture
def tripwire(tmp_path):
    wire = Tripwire(tmp_path / "canary.ts")
    yield wire
    wire.close()


@pytest.fixture
def tripwire_server():
    hits: list[str] = []

    class Recorder(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            hits.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", hits
    server.shutdown()
    server.server_close()


@pytest.fixture
def uploads(tmp_path):
    folder = tmp_path / "uploads"
    folder.mkdir()
    return folder


def _refused(
    source: Path,
    out: Path,
    error: type[MediaRejected],
    message: str,
    limits: Limits = DEFAULT_LIMITS,
) -> None:
    """The pipeline refuses ``source`` with exactly ``message`` and writes nothing anywhere."""
    before = sorted(p.name for p in source.parent.iterdir())
    with pytest.raises(MediaRejected) as rejected:
        transcode(source, out, limits=limits)
    assert type(rejected.value) is error
    assert rejected.value.message == message
    assert not out.exists() or not any(out.iterdir())
    assert sorted(p.name for p in source.parent.iterdir()) == before


def _hls_playlist(path: Path, server: str, tripwire: Tripwire) -> Path:
    path.write_text(
        "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:4\n"
        f"#EXTINF:4.0,\n{tripwire.path}\n"
        "#EXTINF:4.0,\n/etc/passwd\n"
        f"#EXTINF:4.0,\n{server}/segment0.ts\n"
        "#EXT-X-ENDLIST\n"
    )
    return path


def _concat_list(path: Path, server: str, tripwire: Tripwire) -> Path:
    path.write_text(
        "ffconcat version 1.0\n"
        f"file '{tripwire.path}'\nfile '/etc/passwd'\nfile '{server}/clip.mp4'\n"
    )
    return path


def test_hls_playlist_is_refused_without_opening_what_it_points_at(
    uploads, tmp_path, tripwire, tripwire_server
):
    server, hits = tripwire_server
    playlist = _hls_playlist(uploads / "lesson.mp4", server, tripwire)
    _refused(
        playlist,
        tmp_path / "out",
        UnsafeMedia,
        "This is an HLS playlist (a list of links to other files), not a video. " + HINT,
    )
    result = run_cli("transcode", str(playlist), "--out", str(tmp_path / "cli-out"))
    assert result.returncode == 2
    assert "This is an HLS playlist (a list of links to other files), not a video." in result.stderr
    assert not (tmp_path / "cli-out").exists()
    assert hits == [] and not tripwire.was_opened()


def test_concat_list_is_refused_without_opening_what_it_points_at(
    uploads, tmp_path, tripwire, tripwire_server
):
    server, hits = tripwire_server
    listing = _concat_list(uploads / "lesson.mp4", server, tripwire)
    _refused(
        listing,
        tmp_path / "out",
        UnsafeMedia,
        "This is an ffmpeg concat list (a list of links to other files), not a video. " + HINT,
    )
    assert hits == [] and not tripwire.was_opened()


@pytest.mark.parametrize("kind", ["hls", "concat"])
def test_ffprobe_itself_is_restricted_even_without_our_first_look(
    kind, uploads, tripwire, tripwire_server
):
    """Defence in depth: hand the playlist straight to our ffprobe command line."""
    server, hits = tripwire_server
    make = _hls_playlist if kind == "hls" else _concat_list
    listing = make(uploads / f"{kind}.m3u8", server, tripwire)
    result = subprocess.run(
        commands.probe_argv(listing), capture_output=True, text=True, timeout=30
    )
    assert result.returncode != 0 or '"streams": []' in result.stdout.replace("\n", "")
    assert hits == [] and not tripwire.was_opened()


def test_control_unrestricted_ffprobe_does_follow_a_playlist(uploads, tripwire):
    """Shows the tripwire works: plain ffprobe opens the file the playlist names."""
    playlist = uploads / "control.m3u8"
    # Only the FIFO: Debian's ffmpeg refuses a whole playlist that names /etc/passwd.
    playlist.write_text(
        f"#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXTINF:4.0,\n{tripwire.path}\n#EXT-X-ENDLIST\n"
    )
    subprocess.run(["ffprobe", "-v", "quiet", str(playlist)], capture_output=True, timeout=30)
    assert tripwire.was_opened()


def test_text_file_named_mp4(uploads, tmp_path):
    fake = uploads / "lesson.mp4"
    fake.write_text("Dear colleagues, the video is attached.\n")
    _refused(
        fake,
        tmp_path / "out",
        NotMediaFile,
        "This is a text file, not a video or audio recording. " + HINT,
    )


def test_zero_byte_file(uploads, tmp_path):
    empty = uploads / "lesson.mp4"
    empty.touch()
    _refused(
        empty,
        tmp_path / "out",
        EmptyFile,
        "The file is empty (0 bytes). The upload may have failed; please try again.",
    )


def test_png_image(uploads, tmp_path):
    png = make_media(
        uploads / "slide.mp4",
        "-f",
        "lavfi",
        "-i",
        "color=c=blue:s=64x64",
        "-frames:v",
        "1",
        "-f",
        "image2",
        "-c:v",
        "png",
    )
    _refused(
        png,
        tmp_path / "out",
        NotMediaFile,
        "This is a PNG image, not a video or audio recording. " + HINT,
    )


def test_truncated_mp4_without_its_index(uploads, tmp_path):
    # ffmpeg writes the index (moov) last unless told otherwise, so half a file has none.
    whole = lavfi_clip(tmp_path / "whole.mp4", size="320x180", seconds=2)
    truncated = uploads / "lesson.mp4"
    truncated.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    _refused(
        truncated,
        tmp_path / "out",
        CorruptMedia,
        "This video file is incomplete or damaged: it may not have finished uploading or "
        "recording. Try exporting or uploading it again.",
    )


def test_truncated_faststart_mp4_that_ends_early(uploads, tmp_path):
    whole = lavfi_clip(
        tmp_path / "whole.mp4", size="320x180", seconds=4, extra=("-movflags", "+faststart")
    )
    truncated = uploads / "lesson.mp4"
    truncated.write_bytes(whole.read_bytes()[: whole.stat().st_size // 3])
    out = tmp_path / "out"
    with pytest.raises(CorruptMedia) as rejected:
        transcode(truncated, out)
    assert rejected.value.message.startswith(
        "The file ends early: it says it lasts 4 seconds but only "
    )
    assert rejected.value.message.endswith(
        " seconds could be read. It may not have finished uploading or recording; upload it again."
    )
    assert sorted(p.name for p in out.iterdir()) == [], "staging removed, nothing published"


def test_video_claiming_20000_by_20000_pixels(uploads, tmp_path):
    # A real 64×64 raw-video MOV whose sample description and track header are rewritten.
    small = make_media(
        tmp_path / "small.mov",
        "-f",
        "lavfi",
        "-i",
        "testsrc2=size=64x64:duration=0.2",
        "-c:v",
        "rawvideo",
        "-pix_fmt",
        "uyvy422",
    )
    data = bytearray(small.read_bytes())
    entry = data.index(b"2vuy", data.index(b"stsd"))
    struct.pack_into(">HH", data, entry + 4 + 24, 20000, 20000)
    tkhd = data.index(b"tkhd")
    tkhd_end = tkhd - 4 + struct.unpack(">I", data[tkhd - 4 : tkhd])[0]
    struct.pack_into(">II", data, tkhd_end - 8, 20000 << 16, 20000 << 16)
    huge = uploads / "lesson.mov"
    huge.write_bytes(bytes(data))
    _refused(
        huge,
        tmp_path / "out",
        AbsurdDimensions,
        "The video claims to be 20000×20000 pixels, which no camera produces (Headway accepts "
        "16 to 7680×4320). The file is probably damaged; export it again.",
    )


def test_absurd_frame_rate(uploads, tmp_path):
    fast = make_media(
        uploads / "lesson.mp4",
        "-f",
        "lavfi",
        "-i",
        "testsrc2=size=64x64:rate=1000:duration=0.1",
        "-c:v",
        "libx264",
        "-preset",
        "ultrafast",
    )
    _refused(
        fast,
        tmp_path / "out",
        AbsurdFrameRate,
        "The video claims 1000 frames per second; Headway accepts up to 240. "
        "The file is probably damaged; export it again.",
    )


def test_recording_longer_than_the_limit(uploads, tmp_path):
    long_clip = lavfi_clip(uploads / "lesson.mp4", size="160x90", seconds=3)
    _refused(
        long_clip,
        tmp_path / "out",
        TooLong,
        "This recording is 3 seconds long; a lesson can be at most 2 seconds. "
        "Trim it or split it into shorter lessons.",
        limits=Limits(max_duration_s=2),
    )
    result = run_cli(
        "transcode", str(long_clip), "--out", str(tmp_path / "cli-out"), "--max-minutes", "0.02"
    )
    assert result.returncode == 2 and "a lesson can be at most 1 seconds" in result.stderr
    assert not (tmp_path / "cli-out").exists()


def test_file_over_the_size_limit(uploads, tmp_path):
    clip = lavfi_clip(uploads / "lesson.mp4", size="160x90", seconds=1)
    _refused(
        clip,
        tmp_path / "out",
        TooLarge,
        f"The file is {clip.stat().st_size / 1024:,.1f} KB; the limit is 1000 bytes. "
        "Export it at a lower quality or trim it, then upload again.",
        limits=Limits(max_bytes=1000),
    )


def test_file_with_neither_sound_nor_picture(uploads, tmp_path):
    subtitles = tmp_path / "words.srt"
    subtitles.write_text("1\n00:00:00,000 --> 00:00:01,000\nHello\n")
    only_text = make_media(uploads / "lesson.mp4", "-i", str(subtitles), "-c:s", "mov_text")
    _refused(
        only_text, tmp_path / "out", NoStreams, "This file has no video and no sound in it. " + HINT
    )


def test_binary_junk(uploads, tmp_path):
    junk = uploads / "lesson.bin"
    junk.write_bytes(bytes(range(256)) * 64)
    _refused(
        junk,
        tmp_path / "out",
        NotMediaFile,
        "This file is not a video or audio recording Headway can read. " + HINT,
    )


def test_binary_junk_named_mp4_reads_as_a_damaged_video(uploads, tmp_path):
    # ffprobe tries the MP4 reader because of the name and finds no index.
    junk = uploads / "lesson.mp4"
    junk.write_bytes(bytes(range(256)) * 64)
    _refused(
        junk,
        tmp_path / "out",
        CorruptMedia,
        "This video file is incomplete or damaged: it may not have finished uploading or "
        "recording. Try exporting or uploading it again.",
    )


def test_ffprobe_is_bounded_too(tmp_path):
    """The same limits apply to ffprobe: a tiny memory cap makes it fail, not the machine."""
    clip = lavfi_clip(tmp_path / "clip.mp4", size="160x90", seconds=1)
    with pytest.raises(TranscodeFailed) as failure:
        run_capture(commands.probe_argv(clip), timeout_s=10, memory_bytes=8 * 1024**2)
    assert failure.value.returncode != 0
    # Without the cap the same command succeeds: it is the limit that stopped it.
    assert '"streams"' in run_capture(commands.probe_argv(clip), timeout_s=10).stdout
