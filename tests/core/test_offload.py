"""off_the_loop under gevent: the call runs in a native thread while other greenlets go on,
and what it raises comes back to the caller without gevent printing it as a failure.
let_requests_run: under gevent a job pauses once per slice of its time, however often it
asks; elsewhere it never sleeps."""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from pathlib import Path

from app import offload

ROOT = Path(__file__).resolve().parents[2]

PROGRAM = textwrap.dedent(
    """
    from gevent import monkey

    monkey.patch_all()

    import threading

    from app.offload import off_the_loop

    loop_thread = threading.get_ident()

    def elsewhere():
        return threading.get_ident() != loop_thread

    def refuse():
        raise ValueError("too many pixels")

    assert off_the_loop(elsewhere) is True
    try:
        off_the_loop(refuse)
    except ValueError as error:
        print("raised:", error)
    """
)


def test_a_call_runs_in_a_native_thread_and_its_error_comes_back_quietly():
    done = subprocess.run(
        [sys.executable, "-c", PROGRAM], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "raised: too many pixels"
    assert "Traceback" not in done.stderr and "failed with" not in done.stderr


SLICES = textwrap.dedent(
    """
    from gevent import monkey

    monkey.patch_all()

    from app import offload

    clock, slept = [1000.0], []

    class Time:
        monotonic = staticmethod(lambda: clock[0])
        sleep = staticmethod(lambda seconds: slept.append(round(clock[0] - 1000.0, 4)))

    offload.time = Time
    for _ in range(120):  # a job that asks every 0.1 ms, for 12 ms of its time
        offload.let_requests_run()
        clock[0] += 0.0001
    print(slept)
    """
)


def test_under_gevent_a_job_pauses_once_per_slice_however_often_it_asks():
    done = subprocess.run(
        [sys.executable, "-c", SLICES], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    # At once (its first ask), then after each 5 ms it has run: 3 pauses for 120 asks.
    assert [round(at * 1000) for at in ast.literal_eval(done.stdout)] == [0, 5, 10]


def test_elsewhere_a_job_never_sleeps(monkeypatch):
    slept = []
    monkeypatch.setattr(offload.time, "sleep", slept.append)
    for _ in range(1000):
        offload.let_requests_run()
    assert slept == []
