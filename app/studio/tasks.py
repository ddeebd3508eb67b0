"""Removing expired uploads as a periodic task on the app's job queue, as coaching's
reminders ride on it (``app/coaching/tasks.py``): every hour, at 23 minutes past, each
consumer enqueues the sweep; two sweeps at once remove each upload once (a row deleted
twice is deleted), and ``flask studio expire-uploads`` still does it by hand.

Failed uploads past their retention go the same way, every hour at 41 minutes past
(``services.remove_failed_uploads``).

A finished video reaches its lesson when the transcode job announces it ready
(``services.apply_ready_asset``); every hour at 53 minutes past, ``apply_ready_uploads``
applies any made ready without that announcement (before an upgrade)."""

from __future__ import annotations

import logging

from flask import Flask
from huey import crontab

from app.media.tasks import periodic

from .services import apply_ready_uploads, expire_uploads, remove_failed_uploads

log = logging.getLogger(__name__)


def register(app: Flask) -> None:
    task = periodic(app, crontab(minute="23"), "studio.expire_uploads", _expire)
    if task is not None:  # no job queue in this app: the command still works
        app.extensions["studio_expire_task"] = task
    task = periodic(app, crontab(minute="41"), "studio.remove_failed_uploads", _remove_failed)
    if task is not None:
        app.extensions["studio_remove_failed_task"] = task
    task = periodic(app, crontab(minute="53"), "studio.apply_ready_uploads", _apply_ready)
    if task is not None:
        app.extensions["studio_apply_ready_task"] = task


def _expire() -> None:
    log.info("expired uploads removed: %s", expire_uploads())


def _remove_failed() -> None:
    log.info("failed uploads removed past their retention: %s", remove_failed_uploads())


def _apply_ready() -> None:
    log.info("ready uploads applied to their lessons: %s", apply_ready_uploads())
