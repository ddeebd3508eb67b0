"""Why the pipeline refused a file or failed to transcode it, in words an author can act on.

Every rejection is a :class:`MediaRejected` whose message is shown to the person who uploaded
the file, so it says what is wrong and what to do, never ffmpeg's internals. Failures that are
ours (ffmpeg crashed, ran out of time) are :class:`TranscodeFailed` and carry the tail of
ffmpeg's stderr for the logs.

A rejection carries its sentence twice: ``message``, in English, for logs, the command line and
tests; and ``template`` with ``params`` (plain JSON), so an app can store them and translate the
sentence at display time in the reader's language. Templates are marked with :func:`N_` so
``pybabel extract -k N_`` finds them; a parameter may itself be a :func:`phrase` (a unit, a
hint), which is translated too. This module knows nothing of any web framework:
:func:`render` takes the translation function as an argument.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def N_(template: str) -> str:  # noqa: N802 - the conventional name for a no-op gettext marker
    """Mark ``template`` for extraction; it is translated later, where the reader is known."""
    return template


def phrase(template: str, **params: Any) -> dict[str, Any]:
    """A translatable piece of a message, for use as a parameter of another (JSON-serialisable)."""
    return {"template": template, "params": params}


def _is_phrase(value: Any) -> bool:
    return isinstance(value, dict) and isinstance(value.get("template"), str)


def render(
    template: str,
    params: dict[str, Any] | None = None,
    translate: Callable[[str], str] = N_,
) -> str:
    """``translate(template) % params``, with phrase parameters rendered the same way first."""
    text = translate(template)
    if not params:
        return text
    return text % {
        name: render(value["template"], value.get("params"), translate)
        if _is_phrase(value)
        else value
        for name, value in params.items()
    }


class MediaError(Exception):
    """Base class for everything the pipeline raises on purpose."""


class MediaRejected(MediaError):
    """The upload itself is unacceptable; retrying will not help."""

    #: A short, stable code for the app and the tests (the message may be reworded).
    code = "rejected"

    def __init__(self, template: str, **params: Any) -> None:
        self.template = template
        self.params = params
        self.message = render(template, params)
        super().__init__(self.message)


class EmptyFile(MediaRejected):
    code = "empty"


class NotMediaFile(MediaRejected):
    code = "not_media"


class UnsafeMedia(MediaRejected):
    """A playlist, concat list or other file that would make ffmpeg open something else."""

    code = "unsafe"


class NoStreams(MediaRejected):
    code = "no_streams"


class NoPicture(MediaRejected):
    code = "no_picture"


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

    def __init__(self, template: str, line: int | None = None, **params: Any) -> None:
        if line is None:
            super().__init__(template, **params)
        else:
            super().__init__(
                N_("Line %(line)s: %(problem)s"), line=line, problem=phrase(template, **params)
            )
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
