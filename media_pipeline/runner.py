"""Run ffmpeg and ffprobe as bounded child processes.

Each process gets a wall-clock timeout (the whole process group is killed when it passes), a
virtual-memory cap (``RLIMIT_AS``, so a crafted header cannot make a decoder allocate the
machine) and no stdin. :func:`run_ffmpeg` streams ``-progress pipe:1`` into a callback as a
percentage, keeps the tail of stderr, deletes the outputs it was given if anything goes wrong,
and raises :class:`~media_pipeline.errors.TranscodeFailed` with that tail.
"""

from __future__ import annotations

import collections
import contextlib
import ctypes
import os
import resource
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from media_pipeline.errors import TranscodeFailed, TranscodeTimeout

ProgressCallback = Callable[[float], None]
STDERR_TAIL_LINES = 40
#: Report progress at least this often, however slowly the percentage moves: callers beat
#: their job's heartbeat on it (1 % of a 30-minute lesson can take minutes on a slow machine).
PROGRESS_EVERY_S = 1.0


@dataclass(frozen=True)
class Completed:
    stdout: str
    stderr: str


_LIBC = ctypes.CDLL(None, use_errno=True) if sys.platform.startswith("linux") else None
_PR_SET_PDEATHSIG = 1


def _limit_child(memory_bytes: int | None) -> Callable[[], None]:
    def preexec() -> None:  # runs in the child between fork and exec
        os.setsid()  # own process group, so a timeout kills ffmpeg's helpers too
        if _LIBC is not None:
            # If the worker is killed, ffmpeg dies with it instead of running on unowned.
            _LIBC.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        if memory_bytes:
            resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

    return preexec


def _child_env() -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.endswith("_proxy")}
    # glibc reserves 64 MiB of address space per thread arena; x264's many threads would
    # otherwise hit RLIMIT_AS long before they use the memory.
    env["MALLOC_ARENA_MAX"] = "2"
    env.pop("FFREPORT", None)  # ffmpeg would write a report file wherever it points
    return env


def _kill_group(process: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)


def _tail(lines: Iterable[str]) -> str:
    return "\n".join(line.rstrip() for line in lines)


def _spawn(argv: Sequence[str], memory_bytes: int | None, **options) -> subprocess.Popen:
    """A tool process with no stdin, text pipes, its memory limit and a bare environment."""
    return subprocess.Popen(
        list(argv),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        errors="replace",
        preexec_fn=_limit_child(memory_bytes),
        env=_child_env(),
        **options,
    )


def run_capture(
    argv: Sequence[str], *, timeout_s: float, memory_bytes: int | None = None
) -> Completed:
    """Run a short command (ffprobe) to completion and return its output, or raise."""
    process = _spawn(argv, memory_bytes)
    try:
        stdout, stderr = process.communicate(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        _kill_group(process)
        stdout, stderr = process.communicate()
        raise TranscodeTimeout(
            f"{Path(argv[0]).name} took longer than {timeout_s:.0f} s and was stopped",
            _tail(stderr.splitlines()[-STDERR_TAIL_LINES:]),
        ) from None
    if process.returncode != 0:
        raise TranscodeFailed(
            f"{Path(argv[0]).name} exited with status {process.returncode}",
            _tail(stderr.splitlines()[-STDERR_TAIL_LINES:]),
            process.returncode,
        )
    return Completed(stdout=stdout, stderr=stderr)


def _remove(paths: Iterable[Path]) -> None:
    for path in paths:
        Path(path).unlink(missing_ok=True)


def _start_stderr_reader(
    process: subprocess.Popen, stderr_tail: collections.deque[str]
) -> threading.Thread:
    """Keep the last lines of stderr; reading it also stops a chatty ffmpeg blocking on the pipe."""

    def drain_stderr() -> None:
        assert process.stderr is not None
        for line in process.stderr:
            stderr_tail.append(line)

    reader = threading.Thread(target=drain_stderr, name="ffmpeg-stderr", daemon=True)
    reader.start()
    return reader


def _start_watchdog(
    process: subprocess.Popen, timeout_s: float, timed_out: threading.Event
) -> threading.Timer:
    def on_timeout() -> None:
        timed_out.set()
        _kill_group(process)

    watchdog = threading.Timer(timeout_s, on_timeout)
    watchdog.daemon = True
    watchdog.start()
    return watchdog


def _follow_progress(
    stdout: Iterable[str], duration_s: float, progress: ProgressCallback | None
) -> float:
    """Read ``-progress`` output to its end, reporting percent done; return the last reported."""
    last_percent, last_report = -1.0, time.monotonic()
    for line in stdout:
        key, _, value = line.strip().partition("=")
        # ffmpeg 5.1 writes both; out_time_us is the one whose unit is what it says.
        if key == "out_time_us" and progress and duration_s > 0 and value.isdigit():
            percent = min(100.0, int(value) / 1e6 / duration_s * 100)
            if (
                percent - last_percent >= 1
                or percent >= 100
                or time.monotonic() - last_report >= PROGRESS_EVERY_S
            ):
                last_percent, last_report = percent, time.monotonic()
                progress(percent)
    return last_percent


def _raise_if_failed(
    returncode: int, timed_out: bool, timeout_s: float, stderr_tail: Iterable[str]
) -> None:
    # Timeout first: the watchdog's kill leaves a non-zero status too.
    if timed_out:
        raise TranscodeTimeout(
            f"ffmpeg took longer than {timeout_s:.0f} s and was stopped", _tail(stderr_tail)
        )
    if returncode != 0:
        raise TranscodeFailed(
            f"ffmpeg exited with status {returncode}", _tail(stderr_tail), returncode
        )


def run_ffmpeg(
    argv: Sequence[str],
    *,
    duration_s: float,
    timeout_s: float,
    memory_bytes: int | None = None,
    progress: ProgressCallback | None = None,
    outputs: Iterable[Path] = (),
) -> Completed:
    """Run an ffmpeg command built with ``-progress pipe:1``; report percent done.

    ``outputs`` are deleted if the command fails or times out, so a failed run never leaves a
    half-written rendition behind for a later step to mistake for a finished one.
    """
    outputs = list(outputs)
    stderr_tail: collections.deque[str] = collections.deque(maxlen=STDERR_TAIL_LINES)
    timed_out = threading.Event()
    try:
        process = _spawn(argv, memory_bytes, bufsize=1)
    except BaseException:
        _remove(outputs)
        raise
    reader = _start_stderr_reader(process, stderr_tail)
    watchdog = _start_watchdog(process, timeout_s, timed_out)
    succeeded = False
    try:
        assert process.stdout is not None
        last_percent = _follow_progress(process.stdout, duration_s, progress)
        returncode = process.wait()
        reader.join()
        _raise_if_failed(returncode, timed_out.is_set(), timeout_s, stderr_tail)
        succeeded = True
        if progress and last_percent < 100:
            progress(100.0)
        return Completed(stdout="", stderr=_tail(stderr_tail))
    finally:
        watchdog.cancel()
        if process.poll() is None:  # an exception in the callback, or KeyboardInterrupt
            _kill_group(process)
            process.wait()
        if not succeeded:
            _remove(outputs)
