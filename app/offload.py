"""Run CPU-heavy calls, and long jobs, without stalling a gevent worker.

Under gevent (``app/gunicorn.conf.py``) every request of a process shares one thread: a call
that keeps the CPU busy — checking a password hashes it with scrypt, some 50-100 ms;
re-encoding a group photo decodes and encodes JPEGs — holds up every other request
meanwhile. ``hashlib`` and Pillow let go of Python's lock while they work, so in one of
gevent's native threads the other requests go on. Elsewhere (tests, the CLI, a threaded
server) the call simply runs here.

A long job of the in-process workers (``make run``) is a greenlet of that same thread: it
calls :func:`let_requests_run` as it goes, and the requests waiting go first.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def _under_gevent(module: str) -> bool:
    monkey = sys.modules.get("gevent.monkey")
    return monkey is not None and monkey.is_module_patched(module)


def off_the_loop(function: Callable[..., T], *args) -> T:
    """``function(*args)``; what it raises is raised here, wherever it ran."""
    if _under_gevent("threading"):
        hub = sys.modules["gevent"].get_hub()
        result, error = hub.threadpool.apply(_outcome, (function, args))
        if error is not None:
            raise error
        return result
    return function(*args)


def _outcome(function: Callable[..., T], args: tuple) -> tuple[T | None, Exception | None]:
    # gevent's pool would hand an exception back too, but first print it to stderr as a
    # failure of its own: a refused photo is the person's to put right, not a server error.
    try:
        return function(*args), None
    except Exception as error:
        return None, error


def let_requests_run() -> None:
    """Called by a long job between slices of its work (every few hundred rows): under gevent
    it sleeps a moment, so that the requests waiting go first and the job gets what they
    leave. Not ``sleep(0)``: gevent may run this greenlet again before its loop looks at the
    waiting connections. (Pausing only once per few milliseconds of the job instead gave the
    job more of a busy process: at 2,000 leaders their p95 went from 0.18 s to 2.7 s.)
    Elsewhere (a worker process of its own, tests) the system shares the CPU between
    threads, and this returns at once."""
    if _under_gevent("time"):
        time.sleep(0.001)
