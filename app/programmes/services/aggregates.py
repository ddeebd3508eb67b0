"""Programme reports served from figures the job queue keeps, never worked out on a view.

**The job** (``programmes.refresh_reports``, :func:`refresh_reports`) reads the whole
programme in slices of :data:`SLICE_LEADERS` leaders (each statement of bounded cost, the
other requests let through between them: ``figures``), adds the slices up, then puts
every report an admin can ask for together from them (the programme, each cohort, each
region, each cohort in a region: ``reports.report_of``, the small-group rule applied as
for one report) and keeps each as JSON, with its researchers' records as a CSV file in
media storage. It writes them all in one transaction, with the moment it read the figures
(``computed_at``): the page says "as of" then.

**A view** (:func:`report_view`) reads the scope's kept report and the programme's state
in one statement, whatever the number of leaders. Where there is none yet it asks for
the job and shows "being prepared"; where the figures are stale it shows them, says as
of when, and asks for newer ones. Asking is one conditional upsert (a second view, or the
sweep, finds it asked and sends nothing).

**Stale** means older than ``REPORTS_REFRESH_AFTER_S`` (ten minutes), or older than an
admin's change to the programme's cohorts, members, courses or imports (``mark_changed``,
one UPDATE in the change's own transaction). A leader's write (a lesson, an answer, a
post) costs nothing here: a position save would otherwise pay a statement for a report
few read, so leaders' activity shows in the next figures, within the refresh time. The
sweep (every five minutes, ``tasks.py``) asks for every programme whose figures are stale
and that someone has looked at once (a programme nobody asked a report of costs nothing).
"""

from __future__ import annotations

import io
import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, delete, insert, or_, select, update

from app import csvfiles, jobs
from app.db import upsert, utcnow
from app.extensions import db
from app.logs import log_event
from app.offload import let_requests_run
from app.units import building_block
from media_pipeline.storage import new_key

from ..models import CohortMember, Programme, ReportSnapshot, ReportState
from ._common import pausing
from .figures import Figures, gather, load_competencies
from .records import (
    held_back_rows,
    log_records_export,
    memberships,
    record_rows,
    records_export,
    records_header,
)
from .reports import Report, columns, people_of, programme_courses, report_of
from .scopes import Scope, programme_layout, requestable_scopes
from .snapshots import from_json, key_of, to_json

#: Leaders read by one statement of the job: on SQLite the heaviest (each leader's first
#: and latest rating of each competency, a window over their ratings) then holds the CPU
#: some 60 ms (``benchmarks/reports.py`` prints the longest stretch).
SLICE_LEADERS = 500
#: A job that claimed a programme and has not finished after this long lost its worker.
RUN_STALE_AFTER = timedelta(minutes=30)
#: A refresh asked for and not started after this long lost its message: ask again.
ASK_AGAIN_AFTER = timedelta(minutes=15)


@dataclass
class ReportView:
    """What the report page shows: the report (None while the first figures are being
    prepared), as of when, and whether newer figures are on their way."""

    report: Report | None
    as_of: datetime | None
    refreshing: bool
    failed: bool
    regions: list[str]
    records_key: str | None = None
    records_rows: int = 0

    @property
    def preparing(self) -> bool:
        return self.report is None


def refresh_after() -> timedelta:
    return timedelta(seconds=current_app.config["REPORTS_REFRESH_AFTER_S"])


def report_view(scope: Scope, now: datetime | None = None) -> ReportView:
    """The kept report of ``scope``: one statement, and when it is missing or stale one
    more that asks for the job (committed)."""
    now = now or utcnow()
    row = db.session.execute(
        select(
            ReportState.computed_at,
            ReportState.changed_at,
            ReportState.asked_at,
            ReportState.started_at,
            ReportState.failed_at,
            ReportState.regions,
            ReportSnapshot.figures,
            ReportSnapshot.records_key,
            ReportSnapshot.records_rows,
        )
        .outerjoin(
            ReportSnapshot,
            and_(
                ReportSnapshot.programme_id == ReportState.programme_id,
                ReportSnapshot.scope_key == key_of(scope),
            ),
        )
        .where(ReportState.programme_id == scope.programme.id)
    ).first()
    computed, changed, asked, started, failed, regions, figures, records, rows = row or [None] * 9
    stale = (
        computed is None or (changed and changed >= computed) or computed < now - refresh_after()
    )
    pending = bool(asked and asked >= now - ASK_AGAIN_AFTER) or bool(
        started and started >= now - RUN_STALE_AFTER
    )
    if stale and not pending:
        pending = ask_for_refresh(scope.programme.id, now)
        db.session.commit()
    failed = bool(failed and (computed is None or failed > computed))
    if computed is None:
        return ReportView(None, None, pending, failed, [])
    if figures is None:  # no one was in this scope (so it is no whole blocks either)
        start, end = scope.period(computed.date())
        report = Report(scope, start, end, 0, columns(), held_back=True)
    else:
        report = from_json(scope, figures)
    return ReportView(
        report, computed, stale and pending, failed, regions or [], records, rows or 0
    )


@building_block
def ask_for_refresh(programme_id: int, now: datetime | None = None) -> bool:
    """Ask the job queue for new figures of the programme, once: False if a refresh is
    asked for already. The message goes when the caller commits. Never commits."""
    now = now or utcnow()
    asked = upsert(
        ReportState,
        {"programme_id": programme_id, "asked_at": now},
        key=("programme_id",),
        update={"asked_at": now},
        where=or_(ReportState.asked_at.is_(None), ReportState.asked_at < now - ASK_AGAIN_AFTER),
    )
    if asked:
        _enqueue_after_commit(programme_id)
    return bool(asked)


@building_block
def mark_changed(programmes) -> None:
    """An admin changed who is in these programmes' reports (cohorts, members, courses; an
    erasure): their figures are stale from now. ``programmes``: an id, or a statement of
    ids. One UPDATE (nothing for a programme nobody asked a report of); joins the
    caller's transaction, never commits."""
    which = (
        ReportState.programme_id == programmes
        if isinstance(programmes, int)
        else ReportState.programme_id.in_(programmes)
    )
    db.session.execute(
        update(ReportState)
        .where(which)
        .values(changed_at=utcnow())
        .execution_options(synchronize_session=False)
    )


def _enqueue_after_commit(programme_id: int) -> None:
    jobs.enqueue_after_commit("programmes.refresh_reports", programme_id)


def sweep_reports(now: datetime | None = None) -> int:
    """Ask for new figures of every programme whose figures are stale (and not asked for
    already). Harmless twice. Commits; how many it asked for."""
    now = now or utcnow()
    stale = db.session.scalars(
        select(ReportState.programme_id).where(
            or_(
                ReportState.computed_at.is_(None),
                ReportState.computed_at < now - refresh_after(),
                ReportState.changed_at >= ReportState.computed_at,
            ),
            or_(ReportState.asked_at.is_(None), ReportState.asked_at < now - ASK_AGAIN_AFTER),
        )
    ).all()
    asked = 0
    for programme_id in stale:
        asked += ask_for_refresh(programme_id, now)
        db.session.commit()
    return asked


def refresh_reports(programme_id: int, now: datetime | None = None) -> bool:
    """The job: every report of the programme from its figures now, kept for views.
    Claimed by one conditional upsert, so a duplicate message finds it taken. Commits;
    whether it made new figures."""
    now = now or utcnow()
    if db.session.get(Programme, programme_id) is None:
        return False
    claimed = upsert(
        ReportState,
        {"programme_id": programme_id, "started_at": now},
        key=("programme_id",),
        update={"started_at": now},
        where=or_(ReportState.started_at.is_(None), ReportState.started_at < now - RUN_STALE_AFTER),
    )
    db.session.commit()
    if not claimed:
        return False
    began, prefix = time.process_time(), new_key("reports", f"programme-{programme_id}")
    try:
        snapshots, regions, leaders = _snapshots(
            db.session.get(Programme, programme_id), now, prefix
        )
        published = _publish(programme_id, now, snapshots, regions, prefix)
    except Exception:
        db.session.rollback()
        _storage().delete_prefix(prefix)
        db.session.execute(
            update(ReportState)
            .where(ReportState.programme_id == programme_id, ReportState.started_at == now)
            .values(started_at=None, failed_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        db.session.commit()
        log_event("reports_failed", logging.ERROR, programme_id=programme_id)
        raise
    log_event(
        "reports_refreshed" if published else "reports_taken_over",
        programme_id=programme_id,
        leaders=leaders,
        scopes=len(snapshots),
        cpu_s=round(time.process_time() - began, 2),
    )
    return published


def _programme_figures(programme: Programme, layout, today) -> Figures:
    """The programme's figures, read in slices of leaders; each period's activity of the
    leaders of the scopes that cover that period."""
    periods: dict = {}  # period → cohort ids, or None: every leader of the programme
    for scope in requestable_scopes(programme, layout.people):
        period = scope.period(today)
        if scope.cohort is None:
            periods[period] = None
        elif periods.get(period, []) is not None:
            periods.setdefault(period, []).append(scope.cohort.id)
    courses, figures = programme_courses(programme), Figures()
    for members in _slices_of_leaders(programme, layout):
        figures.add(
            gather(
                members,
                layout,
                {
                    period: members
                    if cohorts is None
                    else members.where(CohortMember.cohort_id.in_(cohorts))
                    for period, cohorts in periods.items()
                },
                courses,
                pause=let_requests_run,
            )
        )
    load_competencies(figures)
    return figures


def _slices_of_leaders(programme: Programme, layout):
    """Statements of the programme's leaders' ids, :data:`SLICE_LEADERS` a statement, in
    the order of their ids."""
    leaders = sorted(layout.leaders)
    for start in range(0, len(leaders), SLICE_LEADERS):
        lowest, highest = leaders[start], leaders[min(start + SLICE_LEADERS, len(leaders)) - 1]
        yield Scope(programme).members().where(CohortMember.user_id.between(lowest, highest))


def _memberships(programme: Programme, layout) -> list[tuple]:
    """:func:`.records.memberships` of the whole programme, read a slice of leaders a
    statement with a pause between (in one, 80,000 leaders held the process 0.3 s)."""
    found = []
    for members in _slices_of_leaders(programme, layout):
        found += memberships(Scope(programme), members)
        let_requests_run()
    return found


def _snapshots(programme: Programme, now: datetime, prefix: str):
    """Every scope's kept report and records file (saved under ``prefix``). Scopes of the
    same leaders (a cohort all in one region, and that cohort in that region) share both:
    they are the same numbers."""
    today, layout = now.date(), programme_layout(programme, let_requests_run)
    figures = _programme_figures(programme, layout, today)
    found, names, made = _memberships(programme, layout), {}, {}
    snapshots = []
    for number, scope in enumerate(requestable_scopes(programme, layout.people)):
        same = (
            frozenset(layout.kinds(scope)),
            scope.cohort.id if scope.cohort else None,
            scope.period(today),
        )
        if same not in made:
            made[same] = _scope_snapshot(scope, layout, figures, today, found, names)
            if made[same]["records"] is not None:
                key = f"{prefix}/records-{number}.csv"
                _storage().save(key, io.BytesIO(made[same].pop("records")), "text/csv")
                made[same]["records_key"] = key
        kept = {k: v for k, v in made[same].items() if k != "records"}
        snapshots.append({"programme_id": programme.id, "scope_key": key_of(scope), **kept})
        let_requests_run()
    regions = sorted({region for kind in layout.people for _, region in kind if region})
    return snapshots, regions, len(layout.leaders)


def _scope_snapshot(scope: Scope, layout, figures: Figures, today, found, names) -> dict:
    """A scope's report as JSON, and its records as CSV bytes (None where held back)."""
    report = report_of(scope, layout, figures, today, let_requests_run)
    kept = {
        "figures": to_json(report, figures.competencies),
        "records": None,
        "records_key": None,
        "records_rows": 0,
    }
    if layout.shown(scope):
        period = (report.start, report.end)
        people = people_of(scope, layout, figures, period, let_requests_run)
        rows = record_rows(scope, layout, people, found, names, let_requests_run)
        kept["records"] = csvfiles.text(records_header(), pausing(rows, let_requests_run)).encode()
        kept["records_rows"] = len(rows)
    return kept


def _publish(programme_id: int, now: datetime, snapshots, regions, prefix: str) -> bool:
    """The new reports in place of the old, in one transaction, if this job still holds
    its claim; the files of the computation before the last are removed."""
    old = db.session.scalar(
        select(ReportState.previous_files_prefix).where(ReportState.programme_id == programme_id)
    )
    moved = db.session.execute(
        update(ReportState)
        .where(ReportState.programme_id == programme_id, ReportState.started_at == now)
        .values(
            computed_at=now,
            started_at=None,
            asked_at=None,
            failed_at=None,
            regions=regions,
            previous_files_prefix=ReportState.files_prefix,
            files_prefix=prefix,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    if not moved:  # judged dead and started again meanwhile: that job publishes
        db.session.rollback()
        _storage().delete_prefix(prefix)
        return False
    db.session.execute(delete(ReportSnapshot).where(ReportSnapshot.programme_id == programme_id))
    if snapshots:
        db.session.execute(insert(ReportSnapshot), snapshots)
    db.session.commit()
    if old:
        _storage().delete_prefix(old)
    return True


def records_download(scope: Scope, view: ReportView, *, by):
    """The researchers' records of ``scope`` as the job kept them (chunks to stream), or
    the one row saying they are held back; logged as an export and committed."""
    if not view.records_key:
        return records_export(scope, records_header(), held_back_rows(), by=by)
    log_records_export(scope, view.records_rows, by=by)
    return _storage().open(view.records_key)


def _storage():
    return current_app.extensions["media_storage"]
