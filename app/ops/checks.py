"""Readiness: can this process reach what it needs to serve (database, queue, storage), and
has it room to write (disk)?

``/readyz`` is public and each check touches the database, the queue and the storage, so
anyone calling it in a loop would load all three. The answer is kept for ``READYZ_CACHE_S``
seconds (2 by default) per process: a load balancer polling every few seconds sees each
change within that time, and a flood costs one set of checks each time it lapses.
"""

from __future__ import annotations

import logging
import shutil
import threading
import time
from collections.abc import Callable
from pathlib import Path

from flask import current_app
from sqlalchemy import text

from app.extensions import db
from app.jobs import queue
from app.media import services as media

log = logging.getLogger(__name__)


def check_database() -> None:
    try:
        db.session.execute(text("SELECT 1"))
    finally:
        db.session.rollback()


def check_queue() -> None:
    queue().huey.pending_count()


def check_storage() -> None:
    media.storage().check()


def _written_folders() -> list[Path]:
    config = current_app.config
    folders = [Path(current_app.instance_path), Path(config["MEDIA_WORK_DIR"])]
    if media.storage().local_path("probe") is not None:
        folders.append(Path(config["MEDIA_ROOT"]))
    return folders


def check_disk() -> str | None:
    """``low (…)`` when a folder this process writes to has less than ``LOW_DISK_BYTES``
    free; None when all have room."""
    threshold = int(current_app.config["LOW_DISK_BYTES"])
    free = {}
    for folder in _written_folders():
        while not folder.exists() and folder != folder.parent:
            folder = folder.parent  # (a work folder not made yet lives on its parent's disk)
        free[folder] = shutil.disk_usage(folder).free
    fullest = min(free, key=free.get)
    if free[fullest] >= threshold:
        return None
    return f"low ({free[fullest] / 1024**3:.1f} GiB free in {fullest})"


#: Each check raises when its dependency is down, or returns what is wrong with it while
#: it still serves (a low disk), or None.
CHECKS: dict[str, Callable[[], str | None]] = {
    "database": check_database,
    "queue": check_queue,
    "storage": check_storage,
    "disk": check_disk,
}


def readiness() -> dict[str, str]:
    """Each dependency by name: ``ok``; ``down`` with the kind of error (the details go to
    the log, not to whoever asks); or what a check returned (``low (…)``)."""
    results = {}
    for name, check in CHECKS.items():
        try:
            results[name] = check() or "ok"
        except Exception as error:  # whatever it is, this dependency is down
            log.warning("readiness: %s is down: %r", name, error)
            results[name] = f"down ({type(error).__name__})"
        if results[name] != "ok" and not results[name].startswith("down"):
            log.warning("readiness: %s is %s", name, results[name])
    return results


#: Seconds since some fixed point; a test replaces it to move time on.
clock = time.monotonic
_lock = threading.Lock()


def cached_readiness() -> dict[str, str]:
    """:func:`readiness`, run again only once the last answer is ``READYZ_CACHE_S`` old.
    Requests arriving meanwhile wait for one set of checks rather than each running one."""
    state = current_app.extensions.setdefault("readiness", {"at": None, "checks": None})
    with _lock:
        now = clock()
        age = None if state["at"] is None else now - state["at"]
        if age is None or not 0 <= age < current_app.config["READYZ_CACHE_S"]:
            state["checks"] = readiness()
            state["at"] = clock()
        return dict(state["checks"])
