"""Run CPU-heavy calls without stalling a gevent worker.

Under gevent (``app/gunicorn.conf.py``) every request of a process shares one thread: a call
that keeps the CPU busy — checking a password hashes it with scrypt, some 50-100 ms — holds
up every other request meanwhile. ``hashlib`` lets go of Python's lock while it hashes, so
in one of gevent's native threads the other requests go on. Elsewhere (tests, the CLI, a
threaded server) the call simply runs here.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def off_the_loop(function: Callable[..., T], *args) -> T:
    monkey = sys.modules.get("gevent.monkey")
    if monkey is not None and monkey.is_module_patched("threading"):
        hub = sys.modules["gevent"].get_hub()
        return hub.threadpool.apply(function, args)
    return function(*args)
