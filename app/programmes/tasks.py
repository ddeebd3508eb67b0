"""The programme's jobs on the app's job queue (the media area's Huey,
``app.extensions["media_queue"]``): on SQLite with the in-process workers of ``make run``,
on Redis with ``flask media worker``. A message only names a batch or a programme; the job
reloads it and the database decides what happens (:mod:`.services.import_checks`,
:mod:`.services.import_jobs`, :mod:`.services.aggregates`), so a duplicate is harmless.
Every five minutes a sweep starts again the checks and imports whose message or worker
was lost and drops the drafts a day old (:mod:`.services.import_sweep`), and another
asks for new report figures where they are stale (``aggregates.sweep_reports``)."""

from __future__ import annotations

import logging

from flask import Flask
from huey import SqliteHuey, crontab

from app.media.tasks import periodic

from .services import aggregates, import_checks, import_jobs, import_sweep

log = logging.getLogger(__name__)
REPORTS_PRIORITY = 10  # Huey runs higher first; the media jobs have 0


def register(app: Flask) -> None:
    """``app.extensions["programme_tasks"]``: each task by name, to enqueue a batch id."""
    queue = app.extensions.get("media_queue")
    if queue is None:  # no job queue in this app
        return
    # An admin watches these jobs' pages: on SQLite they go before the transcodes waiting
    # in the queue (one worker by default: a course import queues dozens), so a check
    # waits at most for the job running. Redis's plain list has no priorities (its
    # storage refuses one).
    first = 10 if isinstance(queue.huey, SqliteHuey) else None

    @queue.huey.task(name="programmes.check_import", priority=first)
    def check_import(batch_id: int) -> None:
        with app.app_context():
            import_checks.check_upload(batch_id)

    @queue.huey.task(name="programmes.import_leaders", priority=first)
    def import_leaders(batch_id: int) -> None:
        with app.app_context():
            import_jobs.run_import(batch_id)

    @queue.huey.task(name="programmes.invitation_codes", priority=first)
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
        "check_import": check_import,
        "import_leaders": import_leaders,
        "invitation_codes": invitation_codes,
        "refresh_reports": refresh_reports,
    }


def _sweep() -> None:
    started = import_sweep.sweep_stalled_imports()
    if started:
        log.info("stalled imports started again: %s", started)
    import_sweep.drop_expired_drafts()


def _sweep_reports() -> None:
    asked = aggregates.sweep_reports()
    if asked:
        log.info("report figures asked for: %s", asked)
