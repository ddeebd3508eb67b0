"""Readiness: can this process reach what it needs to serve (database, queue, storage)?"""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy import text

from app.extensions import db
from app.media import services as media
from app.media.tasks import queue

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


CHECKS: dict[str, Callable[[], None]] = {
    "database": check_database,
    "queue": check_queue,
    "storage": check_storage,
}


def readiness() -> dict[str, str]:
    """Each dependency by name: ``ok``, or ``down`` with the kind of error (the details go to
    the log, not to whoever asks)."""
    results = {}
    for name, check in CHECKS.items():
        try:
            check()
            results[name] = "ok"
        except Exception as error:  # whatever it is, this dependency is down
            log.warning("readiness: %s is down: %r", name, error)
            results[name] = f"down ({type(error).__name__})"
    return results
