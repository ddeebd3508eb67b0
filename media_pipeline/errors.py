"""Why the pipeline refused a file or failed to transcode it, in words an author can act on.

Every rejection is a :class:`MediaRejected` whose message is shown to the person who uploaded
the file, so it says what is wrong and what to do, never ffmpeg's internals. Failures that are
ours (ffmpeg crashed, ran out of time) are :class:`TranscodeFailed` and carry the tail of
ffmpeg's stderr for the logs.
"""

from __future__ import annotations


class MediaError(Exception):
    """Base class for everything the pipeline raises on purpose."""


class MediaRejected(MediaError):
    """The upload itself is unacceptable; retrying will not help."""

    #: A short, stable code for the app and the tests (the message may be reworded).
    code = "rejected"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class EmptyFile(MediaRejected):
    code = "empty"


class NotMediaFile(MediaRejected):
    code = "not_media"


class UnsafeMedia(MediaRejected):
    """A playlist, concat list or other file that would make ffmpeg open something else."""

    code = "unsafe"


class NoStreams(MediaRejected):
    code = "no_streams"


class TooLong(MediaRejected):
    code = "too_long"


class TooLarge(MediaRejected):
    code = "too_large"


class AbsurdDimensions(MediaRejected):
    code = "absurd_dimensions"


class AbsurdFrameRate(MediaRejected):
    code = "absurd_frame_rate"


class UnsupportedStream(MediaRejected):
    code = "unsupported_stream"


class CorruptMedia(MediaRejected):
    code = "corrupt"


class CaptionError(MediaRejected):
    """A caption file that is not valid SRT or WebVTT; the message names the line."""

    code = "captions"

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(f"Line {line}: {message}" if line is not None else message)
        self.line = line


class TranscodeFailed(MediaError):
    """ffmpeg (or ffprobe) exited badly; ``stderr_tail`` holds its last lines for the logs."""

    def __init__(self, message: str, stderr_tail: str = "", returncode: int | None = None) -> None:
        detail = (
            f"{message}\n--- ffmpeg stderr (tail) ---\n{stderr_tail}" if stderr_tail else message
        )
        super().__init__(detail)
        self.message = message
        self.stderr_tail = stderr_tail
        self.returncode = returncode


class TranscodeTimeout(TranscodeFailed):
    """The process ran past its wall-clock limit and was killed."""
