"""The programme's jobs (``app/jobs.py``). A message only names a batch or a programme; the
job reloads it and the database decides what happens (:mod:`.services.import_checks`,
:mod:`.services.import_jobs`, :mod:`.services.aggregates`), so a duplicate is harmless.
An admin watches these jobs' pages, so on SQLite they go before the transcodes waiting
(``first``). Every five minutes a sweep starts again the checks and imports whose message or
worker was lost and drops the drafts a day old (:mod:`.services.import_sweep`), and another
asks for new report figures where they are stale (``aggregates.sweep_reports``)."""

from __future__ import annotations

import logging

from app import jobs

from .services import aggregates, import_checks, import_jobs, import_sweep

log = logging.getLogger(__name__)

jobs.task("programmes.check_import", first=True)(import_checks.check_upload)
jobs.task("programmes.import_leaders", first=True)(import_jobs.run_import)
jobs.task("programmes.invitation_codes", first=True)(import_jobs.write_invitation_codes)
# A few seconds' work an admin waits for on the report page, where a transcode takes
# minutes and no one watches it.
jobs.task("programmes.refresh_reports", first=True)(aggregates.refresh_reports)


@jobs.periodic("programmes.sweep_imports", jobs.every(minutes=5))
def sweep_imports() -> None:
    started = import_sweep.sweep_stalled_imports()
    if started:
        log.info("stalled imports started again: %s", started)
    import_sweep.drop_expired_drafts()


@jobs.periodic("programmes.sweep_reports", jobs.every(minutes=5))
def sweep_reports() -> None:
    asked = aggregates.sweep_reports()
    if asked:
        log.info("report figures asked for: %s", asked)
