"""The reminder sweep as a periodic task on the app's job queue.

The queue is the media area's Huey (``app.extensions["media_queue"]``): on SQLite with the
in-process workers of ``make run``, on Redis with ``flask media worker``. Its consumers run
periodic tasks, so each one enqueues this sweep every ``COACHING_REMIND_EVERY_MINUTES``;
two workers sending it at once are harmless, since every reminder has a dedupe key.
"""

from __future__ import annotations

import logging

from flask import Flask
from huey import crontab

from app.media.tasks import periodic

from .services import send_reminders

log = logging.getLogger(__name__)


def register(app: Flask) -> None:
    every = int(app.config["COACHING_REMIND_EVERY_MINUTES"])
    task = periodic(app, crontab(minute=f"*/{every}"), "coaching.remind", _remind)
    if task is not None:  # no job queue in this app: `flask coaching remind` still works
        app.extensions["coaching_remind_task"] = task


def _remind() -> None:
    sent = send_reminders()
    log.info("coaching reminders sent: %s", sent.total)
