"""The reminder sweep as a periodic job (``app/jobs.py``), every
``COACHING_REMIND_EVERY_MINUTES``; two consumers sending it at once are harmless, since every
reminder has a dedupe key. ``flask coaching remind`` does it by hand."""

from __future__ import annotations

import logging

from app import jobs

from .services import send_reminders

log = logging.getLogger(__name__)


@jobs.periodic("coaching.remind", jobs.every(minutes_setting="COACHING_REMIND_EVERY_MINUTES"))
def remind() -> None:
    sent = send_reminders()
    log.info("coaching reminders sent: %s", sent.total)
