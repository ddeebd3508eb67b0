"""Removing expired uploads as a periodic task on the app's job queue, as coaching's
reminders ride on it (``app/coaching/tasks.py``): every hour, at 23 minutes past, each
consumer enqueues the sweep; two sweeps at once remove each upload once (a row deleted
twice is deleted), and ``flask studio expire-uploads`` still does it by hand."""

from __future__ import annotations

import logging

from flask import Flask
from huey import crontab

from .services import expire_uploads

log = logging.getLogger(__name__)


def register(app: Flask) -> None:
    queue = app.extensions.get("media_queue")
    if queue is None:  # no job queue in this app: the command still works
        return

    @queue.huey.periodic_task(crontab(minute="23"), name="studio.expire_uploads")
    def expire() -> None:
        with app.app_context():
            log.info("expired uploads removed: %s", expire_uploads())

    app.extensions["studio_expire_task"] = expire
