"""The daily reminder sweep as a periodic job (``app/jobs.py``): every 15 minutes, so each
leader's hour is met on their own clock; two consumers running it at once are harmless,
since each reminder has a dedupe key per leader and day."""

from __future__ import annotations

import logging

from app import jobs

from .services import clock, send_reminders

log = logging.getLogger(__name__)


@jobs.periodic("review.remind", jobs.every(minutes=15))
def remind() -> None:
    done = send_reminders(clock())
    log.info("review reminders sent: %s", done.leaders)
