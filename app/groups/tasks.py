"""The daily e-mail digest as a periodic job (``app/jobs.py``): every day at 06:00 UTC each
consumer enqueues it; two runs at once send each notification once (the digest claims
before it sends), and ``flask groups digest`` still does it by hand."""

from __future__ import annotations

import logging

from huey import crontab

from app import jobs

from .services import digest

log = logging.getLogger(__name__)


@jobs.periodic("groups.digest", crontab(minute="0", hour="6"))
def send_digest() -> None:
    log.info("digest: %s", digest.send_digests().summary())
