"""The practices' periodic job (``app/jobs.py``): every hour at 27 minutes past, the
practices' video uploads left unfinished past their expiry are removed with their bytes
(as the studio's are at 23 past); two runs at once are harmless."""

from __future__ import annotations

import logging

from huey import crontab

from app import jobs

from .services import expire_uploads

log = logging.getLogger(__name__)


@jobs.periodic("practices.expire_uploads", crontab(minute="27"))
def expire() -> None:
    log.info("expired practice uploads removed: %s", expire_uploads())
