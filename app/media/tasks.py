"""Media's jobs on the app's queue (``app/jobs.py``).

The queue only carries "transcode asset N" messages; the database decides what actually
happens (:mod:`app.media.services`). That is why a lost message, a duplicate or a worker
killed mid-job are all harmless: the sweeper, a loop beside each consumer every
``MEDIA_SWEEP_INTERVAL_S``, finds assets whose heartbeat went stale or that were never
picked up, and queues them again. Stopping the workers hands a running transcode back to
the queue instead of losing it (``jobs.stopping``).
"""

from __future__ import annotations

from app import jobs

from .services import run_transcode, sweep_stale_jobs

jobs.task("media.transcode")(run_transcode)
jobs.loop("media.sweep", "MEDIA_SWEEP_INTERVAL_S")(sweep_stale_jobs)
