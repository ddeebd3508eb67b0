"""The studio's periodic jobs (``app/jobs.py``); each also runs by hand as a ``flask studio``
command, and two runs at once are harmless (a row deleted twice is deleted).

- every hour at 23 minutes past, expired uploads are removed;
- at 41 minutes past, failed uploads past their retention (``services.remove_failed_uploads``);
- at 53 minutes past, ``apply_ready_uploads`` applies any video made ready without the
  transcode job's announcement (``services.apply_ready_asset``; e.g. before an upgrade)."""

from __future__ import annotations

import logging

from huey import crontab

from app import jobs

from .services import apply_ready_uploads, expire_uploads, remove_failed_uploads

log = logging.getLogger(__name__)


@jobs.periodic("studio.expire_uploads", crontab(minute="23"))
def expire() -> None:
    log.info("expired uploads removed: %s", expire_uploads())


@jobs.periodic("studio.remove_failed_uploads", crontab(minute="41"))
def remove_failed() -> None:
    log.info("failed uploads removed past their retention: %s", remove_failed_uploads())


@jobs.periodic("studio.apply_ready_uploads", crontab(minute="53"))
def apply_ready() -> None:
    log.info("ready uploads applied to their lessons: %s", apply_ready_uploads())
