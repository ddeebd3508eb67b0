"""The programme's jobs on the app's job queue (the media area's Huey,
``app.extensions["media_queue"]``): on SQLite with the in-process workers of ``make run``,
on Redis with ``flask media worker``. A message only names a batch or a programme; the job
reloads it and the database decides what happens (:mod:`.services.import_jobs`,
:mod:`.services.aggregates`), so a duplicate is harmless. Every five minutes a sweep
starts again the imports whose message or worker was lost
(``import_jobs.sweep_stalled_imports``), and another asks for new report figures where
they are stale (``aggregates.sweep_reports``)."""

from __future__ import annotations

import logging

from flask import Flask
from huey import crontab

from app.media.tasks import periodic

from .services import aggregates, import_jobs

log = logging.getLogger(__name__)
REPORTS_PRIORITY = 10  # Huey runs higher first; the media jobs have 0


def register(app: Flask) -> None:
    """``app.extensions["programme_tasks"]``: each task by name, to enqueue a batch id."""
    queue = app.extensions.get("media_queue")
    if queue is None:  # no job queue in this app
        return

    @queue.huey.task(name="programmes.import_leaders")
    def import_leaders(batch_id: int) -> None:
        with app.app_context():
            import_jobs.run_import(batch_id)

    @queue.huey.task(name="programmes.invitation_codes")
    def invitation_codes(batch_id: int) -> None:
        with app.app_context():
            import_jobs.write_invitation_codes(batch_id)

    # Ahead of transcodes waiting on the same queue: a few seconds' work an admin waits
    # for on the report page, where a transcode takes minutes and no one watches it.
    @queue.huey.task(name="programmes.refresh_reports", priority=REPORTS_PRIORITY)
    def refresh_reports(programme_id: int) -> None:
        with app.app_context():
            aggregates.refresh_reports(programme_id)

    periodic(app, crontab(minute="*/5"), "programmes.sweep_imports", _sweep)
    periodic(app, crontab(minute="*/5"), "programmes.sweep_reports", _sweep_reports)
    app.extensions["programme_tasks"] = {
        "import_leaders": import_leaders,
        "invitation_codes": invitation_codes,
        "refresh_reports": refresh_reports,
    }


def _sweep() -> None:
    started = import_jobs.sweep_stalled_imports()
    if started:
        log.info("stalled imports started again: %s", started)


def _sweep_reports() -> None:
    asked = aggregates.sweep_reports()
    if asked:
        log.info("report figures asked for: %s", asked)
