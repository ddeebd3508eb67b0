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

from .services import send_reminders

log = logging.getLogger(__name__)


def register(app: Flask) -> None:
    queue = app.extensions.get("media_queue")
    if queue is None:  # no job queue in this app: `flask coaching remind` still works
        return
    every = int(app.config.get("COACHING_REMIND_EVERY_MINUTES", 15))

    @queue.huey.periodic_task(crontab(minute=f"*/{every}"), name="coaching.remind")
    def remind() -> None:
        with app.app_context():
            sent = send_reminders()
            log.info("coaching reminders sent: %s", sent.total)

    app.extensions["coaching_remind_task"] = remind
