"""off_the_loop under gevent: the call runs in a native thread while other greenlets go on,
and what it raises comes back to the caller without gevent printing it as a failure.
let_requests_run: under gevent a job pauses each time it asks; elsewhere it never sleeps."""

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


PAUSES = textwrap.dedent(
    """
    from gevent import monkey

    monkey.patch_all()

    from app import offload

    slept = []

    class Time:
        sleep = staticmethod(slept.append)

    offload.time = Time
    for _ in range(3):
        offload.let_requests_run()
    print(slept)
    """
)


def test_under_gevent_a_job_pauses_each_time_it_asks():
    done = subprocess.run(
        [sys.executable, "-c", PAUSES], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert ast.literal_eval(done.stdout) == [0.001] * 3


def test_elsewhere_a_job_never_sleeps(monkeypatch):
    slept = []
    monkeypatch.setattr(offload.time, "sleep", slept.append)
    for _ in range(1000):
        offload.let_requests_run()
    assert slept == []
