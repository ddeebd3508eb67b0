"""The daily e-mail digest as a periodic task on the app's job queue, as coaching's
reminders ride on it (``app/coaching/tasks.py``): every day at 06:00 UTC each consumer
enqueues it; two runs at once send each notification once (the digest claims before it
sends), and ``flask groups digest`` still does it by hand."""

from __future__ import annotations

import logging

from flask import Flask
from huey import crontab

from app.media.tasks import periodic

from .services import digest

log = logging.getLogger(__name__)


def register(app: Flask) -> None:
    task = periodic(app, crontab(minute="0", hour="6"), "groups.digest", _send)
    if task is not None:  # no job queue in this app: the command still works
        app.extensions["groups_digest_task"] = task


def _send() -> None:
    log.info("digest: %s", digest.send_digests().summary())
