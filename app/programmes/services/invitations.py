"""Bulk imports from the admin's side: the draft a preview keeps, the confirmation that
hands it to the job queue, new invitation codes, and the codes file to download.

The work whose cost grows with the file (checking every row again, creating the
accounts, making the codes) is the job's (:mod:`.import_jobs`): a request here runs a
handful of statements however many leaders the file names."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterator
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, event, select, update

from app import audit
from app.db import utcnow
from app.errors import N_
from app.extensions import db
from app.logs import log_event
from media_pipeline.storage import Storage

from ..models import Cohort, CohortMember, ImportBatch, ImportStatus, Programme
from .common import ProgrammeError, let_requests_run
from .imports import ImportPlan, decode_upload, read_leaders_csv

DRAFT_LIFETIME = timedelta(days=1)


def prepare_import(
    data: bytes, programme: Programme, *, by
) -> tuple[ImportPlan, ImportBatch | None]:
    """Read and check the file. When every row is good, keep its text as a draft that the
    preview's confirmation names by a random key (nothing else is written; drafts a day
    old are dropped). Commits."""
    plan = read_leaders_csv(data, programme, pause=let_requests_run)
    if not plan.ok:
        return plan, None
    db.session.execute(
        delete(ImportBatch).where(
            ImportBatch.confirmed_at.is_(None), ImportBatch.created_at < utcnow() - DRAFT_LIFETIME
        )
    )
    batch = ImportBatch(
        key=secrets.token_urlsafe(24),
        programme_id=programme.id,
        created_by_id=by.id,
        row_count=len(plan.rows),
        content=decode_upload(data),
    )
    db.session.add(batch)
    db.session.commit()
    return plan, batch


def confirm_import(programme: Programme, key: str, *, by) -> ImportBatch:
    """Hand the draft ``key`` names to the job queue (:func:`.import_jobs.run_import`
    checks every row again and imports them all or none); commits. Confirmed twice, even
    at the same moment, it is queued once: one conditional UPDATE claims the draft, the
    other confirmation finds it claimed and gets the same import back."""
    batch = db.session.scalar(
        select(ImportBatch).where(ImportBatch.key == key, ImportBatch.programme_id == programme.id)
    )
    if batch is None:
        raise ProgrammeError(
            N_("This preview is no longer kept (after a day). Upload the file again.")
        )
    claim = (
        update(ImportBatch)
        .where(ImportBatch.id == batch.id, ImportBatch.status == ImportStatus.DRAFT)
        .values(
            status=ImportStatus.QUEUED,
            confirmed_at=utcnow(),
            progress_at=utcnow(),
            created_by_id=by.id,
        )
        .execution_options(synchronize_session=False)
    )
    if batch.status != ImportStatus.DRAFT or not db.session.execute(claim).rowcount:
        db.session.rollback()
        return batch
    enqueue_after_commit("import_leaders", batch.id)
    db.session.commit()
    db.session.refresh(batch)
    return batch


def request_new_codes(batch: ImportBatch, *, by) -> bool:
    """Queue new invitation codes for everyone of ``batch`` who has not accepted yet (the
    job retires their earlier codes and writes a new file); commits. Only an import that
    is ready and not already making codes: a second tap asks once. Whether it was queued."""
    claim = (
        update(ImportBatch)
        .where(ImportBatch.id == batch.id, ImportBatch.status == ImportStatus.READY)
        .values(status=ImportStatus.CODES, rows_done=0, progress_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if not db.session.execute(claim).rowcount:
        db.session.rollback()
        return False
    audit.record("invitation_reissued", actor=by, subject=f"import:{batch.id}")
    enqueue_after_commit("invitation_codes", batch.id)
    db.session.commit()
    db.session.refresh(batch)
    return True


def invitation_codes_file(batch: ImportBatch, *, by) -> Iterator[bytes] | None:
    """The codes file the job wrote for ``batch``, to stream (logged as a download;
    commits), or None while there is none."""
    if batch.status != ImportStatus.READY or not batch.codes_key:
        return None
    audit.record("invitation_codes_export", actor=by, subject=f"import:{batch.id}")
    db.session.commit()
    return _storage().open(batch.codes_key)


def import_cohorts(batch: ImportBatch) -> list[Cohort]:
    """The cohorts ``batch`` brought leaders into, once it is imported (one statement)."""
    if batch.status != ImportStatus.READY:
        return []
    ids = select(CohortMember.cohort_id).where(CohortMember.import_batch_id == batch.id)
    return db.session.scalars(
        select(Cohort).where(Cohort.id.in_(ids.distinct())).order_by(Cohort.name)
    ).all()


def import_error(batch: ImportBatch) -> ProgrammeError | None:
    """Why ``batch`` failed (or its codes could not be written), to show translated."""
    if not batch.error_template:
        return None
    return ProgrammeError(batch.error_template, **(batch.error_params or {}))


def enqueue_after_commit(task: str, batch_id: int) -> None:
    """Send the job's message once this transaction commits, so a worker never looks for
    a batch that is not there yet. A queue that refuses it leaves the batch queued in the
    database, with a log line."""
    tasks = current_app.extensions["programme_tasks"]
    session = db.session()

    @event.listens_for(session, "after_commit", once=True)
    def _enqueue(_session) -> None:
        try:
            tasks[task](batch_id)
        except Exception as error:  # the batch waits in the database; the log says so
            log_event(
                "import_not_queued",
                logging.WARNING,
                batch=batch_id,
                task=task,
                error=f"{type(error).__name__}: {error}"[:300],
            )


def _storage() -> Storage:
    return current_app.extensions["media_storage"]
