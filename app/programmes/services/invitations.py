"""Bulk imports from the admin's side: the upload that queues the file's check, the draft
the check leaves for the preview, the confirmation that hands its good rows to the job
queue, new invitation codes, and the files to download (codes, refused rows).

The work whose cost grows with the file (checking every row, creating the accounts,
making the codes, writing the refused rows) is the jobs' (:mod:`.import_checks`,
:mod:`.import_jobs`): a request here runs a handful of statements however many leaders
the file names."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterator
from datetime import timedelta

from flask import current_app
from sqlalchemy import select, update

from app import audit, jobs
from app.db import utcnow
from app.errors import N_
from app.extensions import db
from app.form_keys import claim_form_key
from media_pipeline.storage import Storage

from ..models import Cohort, CohortMember, ImportBatch, ImportStatus, Programme
from ._common import ProgrammeError
from .imports import check_header, decode_upload

DRAFT_LIFETIME = timedelta(days=1)
STILL_CHECKING = N_("The file is still being checked. Wait for its preview, then confirm.")
NOTHING_TO_IMPORT = N_("No row of this file can be imported. Fix the file and upload it again.")


def upload_import(data: bytes, programme: Programme, *, by, key: str, locale: str) -> ImportBatch:
    """Keep the uploaded file and queue its check (:func:`.import_checks.check_upload`);
    commits. Refuses at once a file that cannot be read or whose first line does not name
    the columns. The upload form's ``key`` is claimed (``app/form_keys.py``): the same form
    sent twice (a double tap) gets the same check back, and the same file sent again while
    its check runs joins that check."""
    text = decode_upload(data)
    check_header(text)
    digest = hashlib.sha256(text.encode()).hexdigest()
    claimed = claim_form_key(by.id, key, "programmes.upload_import", ProgrammeError)
    if not claimed.added:
        sent = db.session.get(ImportBatch, claimed.row_id) if claimed.row_id else None
        if sent is not None and sent.content_hash == digest:
            db.session.commit()
            return sent
        # Else the form came back with another file (Back, then send): a check of its own.
    mine = ImportBatch.programme_id == programme.id, ImportBatch.created_by_id == by.id
    running = db.session.scalar(
        select(ImportBatch)
        .where(
            *mine,
            ImportBatch.content_hash == digest,
            ImportBatch.status.in_(ImportStatus.CHECK_WORKING),
        )
        .limit(1)
    )
    if running is not None:
        db.session.commit()
        return running
    batch = ImportBatch(
        key=secrets.token_urlsafe(24),  # the draft's name in the confirm form, not the form's
        programme_id=programme.id,
        created_by_id=by.id,
        status=ImportStatus.UPLOADED,
        row_count=text.count("\n"),  # about the file's rows, for the progress bar
        content=text,
        content_hash=digest,
        locale=locale,
        progress_at=utcnow(),
    )
    db.session.add(batch)
    db.session.flush()
    if claimed.added:
        claimed.record(batch.id)
    enqueue_after_commit("check_import", batch.id)
    db.session.commit()
    return batch


def check_problems(batch: ImportBatch) -> list[ProgrammeError]:
    """The first problems the check found, to show translated, each with its line."""
    found = (batch.summary or {}).get("problems", [])
    return [ProgrammeError(template, field, **params) for field, template, params in found]


def confirm_import(programme: Programme, key: str, *, by) -> ImportBatch:
    """Hand the draft ``key`` names to the job queue (:func:`.import_jobs.run_import`
    checks every row again and imports every good row or none); commits. Confirmed twice, even
    at the same moment, it is queued once: one conditional UPDATE claims the draft, the
    other confirmation finds it claimed and gets the same import back."""
    batch = db.session.scalar(
        select(ImportBatch).where(ImportBatch.key == key, ImportBatch.programme_id == programme.id)
    )
    if batch is None:
        raise ProgrammeError(
            N_("This preview is no longer kept (after a day). Upload the file again.")
        )
    if batch.status in ImportStatus.CHECK_WORKING:
        raise ProgrammeError(STILL_CHECKING)
    if batch.status == ImportStatus.UNREADABLE or (
        batch.status == ImportStatus.DRAFT and not batch.row_count
    ):
        raise ProgrammeError(NOTHING_TO_IMPORT)
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


def refused_rows_file(batch: ImportBatch, *, by) -> Iterator[bytes] | None:
    """The refused rows with what to fix, as the check wrote them, to stream (logged as
    a download; commits), or None when there are none (or no longer: kept a day)."""
    if not batch.refused_key:
        return None
    audit.record("refused_rows_export", actor=by, subject=f"import:{batch.id}")
    db.session.commit()
    return _storage().open(batch.refused_key)


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
    """Send the import's job (``check_import``, ``import_leaders``, ``invitation_codes``)
    once this transaction commits; a queue that refuses it leaves the batch queued in the
    database for the sweep."""
    jobs.enqueue_after_commit(f"programmes.{task}", batch_id)


def _storage() -> Storage:
    return current_app.extensions["media_storage"]
