"""Real server processes for the serving tests: gunicorn as ``make run`` and the reference
deployment start it, ``flask media worker``, and a way to wait for each to be ready."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def app_env(app, instance: Path, **extra: str) -> dict[str, str]:
    """Another process on the test app's database and settings (the web and worker
    processes of one deployment share these)."""
    config = app.config
    env = {
        **os.environ,
        "INSTANCE_PATH": str(instance),
        "DATABASE_URL": config["SQLALCHEMY_DATABASE_URI"],
        "HEADWAY_SECRET_KEY": config["SECRET_KEY"] + "-served",
        "HEADWAY_SESSION_COOKIE_SECURE": "false",
        "HEADWAY_REMEMBER_COOKIE_SECURE": "false",
        "HEADWAY_MEDIA_ROOT": config["MEDIA_ROOT"],
        "HEADWAY_MEDIA_WORK_DIR": str(instance / "media-work"),
        "HEADWAY_JOBS_QUEUE_PATH": config["JOBS_QUEUE_PATH"],
        **extra,
    }
    for name in ("REDIS_URL", "PROMETHEUS_MULTIPROC_DIR", "S3_BUCKET"):
        if name not in extra:
            env.pop(name, None)
    return env


def start(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


#: What the reference deployment adds for a web process behind nginx (README, "Serving a
#: country"): nginx holds the slow phones, so a process takes few requests at once and the
#: rest wait their turn in the kernel's queue, in order, instead of sharing the CPU and the
#: database connections until all of them are slow.
BEHIND_FRONT = ("--worker-connections", "50")


def gunicorn(
    port: int, env: dict[str, str], log: Path, workers: int = 1, extra: tuple[str, ...] = ()
) -> subprocess.Popen:
    """gunicorn with Headway's configuration, as ``make run`` and the deployment run it."""
    command = [sys.executable, "-m", "gunicorn", "--config", "app/gunicorn.conf.py"]
    command += ["--bind", f"127.0.0.1:{port}", "--workers", str(workers), *extra, "wsgi:app"]
    return start(command, env, log)


def media_worker(env: dict[str, str], log: Path) -> subprocess.Popen:
    command = [sys.executable, "-m", "flask", "--app", "app:create_app", "media", "worker"]
    return start(command, env, log)


def wait_until_answering(url: str, process: subprocess.Popen, log: Path, timeout=60) -> None:
    """Until ``url`` answers (any status); fail with the log if the process ends first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the server ended ({process.returncode}):\n{tail(log)}")
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer in {timeout} s:\n{tail(log)}")


def stop(process: subprocess.Popen, sig=signal.SIGTERM, timeout: float = 40) -> int:
    """Ask the process to stop; kill its group if it will not."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            process.send_signal(sig)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    return process.returncode


def kill(process: subprocess.Popen) -> None:
    """SIGKILL, the process and everything it started (ffmpeg)."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def tail(log: Path, chars: int = 4000) -> str:
    return log.read_text(errors="replace")[-chars:] if log.exists() else "(no log)"
