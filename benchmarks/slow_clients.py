"""Slow clients: do phones on 2G stall everyone else?

Opens N connections that each trickle a request at 2G pace (one byte every ``--byte-every``
seconds, 0.5 by default) and, once it is sent, read the response as slowly (a small
receive buffer, a few hundred bytes at a time). Meanwhile one normal client asks for a
normal page again and again and records how long each answer takes. Prints p50, p95 and
the worst of the normal requests, and how many trickling connections were still open when
the measurement ended. Bounded: the run lasts ``--seconds`` after the connections are open.

    .venv/bin/python -m benchmarks.slow_clients --url http://127.0.0.1:5000 --connections 500

With ``--scaled`` it starts the reference deployment instead (as benchmarks/load.py does:
nginx in front of two web processes on a fresh PostgreSQL database) and measures through
nginx. With ``--serve``, it starts the server itself on a free port, as ``make run`` does (gunicorn
with ``app/gunicorn.conf.py``) on the instance folder ``INSTANCE_PATH`` (migrated and with
the demo loaded), and stops it at the end; ``--worker-class gthread`` measures the threaded
worker instead of the default.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Trickle:
    """The shared state of the trickling connections."""

    opened: int = 0
    open_now: int = 0
    refused: int = 0
    finished: int = 0
    dropped: int = 0
    stop: asyncio.Event = field(default_factory=asyncio.Event)


async def trickle_one(host: str, port: int, path: str, byte_every: float, state: Trickle) -> None:
    """One 2G phone: the request a byte at a time, then the response a little at a time."""
    request = f"GET {path} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: 2G\r\n\r\n".encode()
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 2048)
    sock.setblocking(False)
    try:
        await asyncio.get_running_loop().sock_connect(sock, (host, port))
        reader, writer = await asyncio.open_connection(sock=sock, limit=512)
    except OSError:
        state.refused += 1
        sock.close()
        return
    state.opened += 1
    state.open_now += 1
    try:
        for byte in request:
            if state.stop.is_set():
                return
            writer.write(bytes([byte]))
            await writer.drain()
            await asyncio.sleep(byte_every)
        while not state.stop.is_set():
            chunk = await reader.read(256)
            if not chunk:
                state.finished += 1
                return
            await asyncio.sleep(byte_every)
    except OSError:
        state.dropped += 1
    finally:
        state.open_now -= 1
        writer.close()


async def normal_request(host: str, port: int, path: str, timeout: float) -> tuple[float, int]:
    """One ordinary request on a fresh connection: (seconds, status); status 0 on timeout."""
    started = time.monotonic()
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout)
        writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
        await writer.drain()
        data = await asyncio.wait_for(reader.read(), timeout)
        writer.close()
        status = int(data.split(b" ", 2)[1]) if data.startswith(b"HTTP/") else 0
    except (TimeoutError, OSError):
        status = 0
    return time.monotonic() - started, status


async def measure(args) -> dict:
    parts = urlsplit(args.url)
    host, port = parts.hostname, parts.port or 80
    state = Trickle()
    tasks = []
    for _ in range(args.connections):
        tasks.append(
            asyncio.create_task(trickle_one(host, port, args.slow_path, args.byte_every, state))
        )
        await asyncio.sleep(args.ramp / max(1, args.connections))
    await asyncio.sleep(1.0)  # every connection has started its request
    timings, statuses = [], []
    deadline = time.monotonic() + args.seconds
    while time.monotonic() < deadline:
        seconds, status = await normal_request(host, port, args.path, args.timeout)
        timings.append(seconds)
        statuses.append(status)
        await asyncio.sleep(args.pause)
    still_open = state.open_now
    state.stop.set()
    await asyncio.gather(*tasks, return_exceptions=True)
    return summarise(timings, statuses, state, still_open)


def summarise(timings: list[float], statuses: list[int], state: Trickle, still_open: int) -> dict:
    ordered = sorted(timings)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))] if ordered else float("nan")
    return {
        "normal requests": len(timings),
        "ok (2xx/3xx)": sum(1 for s in statuses if 200 <= s < 400),
        "failed or timed out": sum(1 for s in statuses if not 200 <= s < 400),
        "p50 s": round(statistics.median(ordered), 3) if ordered else float("nan"),
        "p95 s": round(p95, 3),
        "max s": round(max(ordered), 3) if ordered else float("nan"),
        "trickling opened": state.opened,
        "trickling refused": state.refused,
        "trickling still open at the end": still_open,
        "trickling answered in full": state.finished,
        "trickling dropped by the server": state.dropped,
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def served(worker_class: str | None, port: int):
    """gunicorn as ``make run`` starts it, on ``port``; stopped (SIGTERM) on the way out."""
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "--config",
        "app/gunicorn.conf.py",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "1",
        "--threads",
        "8",
        "wsgi:app",
    ]
    if worker_class:
        command[-1:-1] = ["--worker-class", worker_class]
    env = {
        **os.environ,
        "HEADWAY_SESSION_COOKIE_SECURE": "false",
        "HEADWAY_REMEMBER_COOKIE_SECURE": "false",
        "HEADWAY_INPROCESS_WORKER": "1",
    }
    server = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    try:
        wait_until_listening("127.0.0.1", port)
        yield server
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def wait_until_listening(host: str, port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=1):
            return
        time.sleep(0.2)
    raise RuntimeError(f"nothing listens on {host}:{port} after {timeout} s")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default=None, help="a running server (default: --serve)")
    parser.add_argument("--serve", action="store_true", help="start gunicorn as make run does")
    parser.add_argument("--worker-class", default=None, help="with --serve: gthread, gevent…")
    parser.add_argument(
        "--scaled",
        action="store_true",
        help="start the reference deployment (nginx, two web processes, PostgreSQL) instead",
    )
    parser.add_argument("--connections", type=int, default=500)
    parser.add_argument("--byte-every", type=float, default=0.5, help="seconds between bytes")
    parser.add_argument("--ramp", type=float, default=5.0, help="seconds to open them all")
    parser.add_argument("--seconds", type=float, default=20.0, help="how long to measure")
    parser.add_argument("--path", default="/sign-in", help="the normal client's page")
    parser.add_argument("--slow-path", default="/sign-in", help="the slow clients' page")
    parser.add_argument("--pause", type=float, default=0.1, help="between normal requests")
    parser.add_argument("--timeout", type=float, default=30.0, help="a normal request's limit")
    args = parser.parse_args(argv)
    with contextlib.ExitStack() as stack:
        if args.scaled:
            from benchmarks.load import scaled_layout  # (its layout, set up the same way)

            tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="headway-slow-")))
            args.url = stack.enter_context(scaled_layout(tmp))
        elif args.url is None:
            port = free_port()
            stack.enter_context(served(args.worker_class, port))
            args.url = f"http://127.0.0.1:{port}"
        result = asyncio.run(measure(args))
    print(f"{args.connections} trickling connections against {args.url} ({args.path}):")
    for key, value in result.items():
        print(f"  {key:<34} {value}")


if __name__ == "__main__":
    main()
