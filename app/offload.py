"""Run CPU-heavy calls without stalling a gevent worker.

Under gevent (``app/gunicorn.conf.py``) every request of a process shares one thread: a call
that keeps the CPU busy — checking a password hashes it with scrypt, some 50-100 ms;
re-encoding a group photo decodes and encodes JPEGs — holds up every other request
meanwhile. ``hashlib`` and Pillow let go of Python's lock while they work, so in one of
gevent's native threads the other requests go on. Elsewhere (tests, the CLI, a threaded
server) the call simply runs here.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def off_the_loop(function: Callable[..., T], *args) -> T:
    """``function(*args)``; what it raises is raised here, wherever it ran."""
    monkey = sys.modules.get("gevent.monkey")
    if monkey is not None and monkey.is_module_patched("threading"):
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
