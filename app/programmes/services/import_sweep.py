"""The imports' sweep, every five minutes on the job queue (``programmes.sweep_imports``):
checks and imports whose job stopped moving are started again, and what a draft kept
(the file, the refused rows' file) goes once it is a day old."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, select, update

from app.db import utcnow
from app.extensions import db
from app.logs import log_event

from ..models import ImportBatch, ImportStatus
from .import_jobs import remove_imported
from .invitations import DRAFT_LIFETIME, enqueue_after_commit

#: A check or import, queued or running, that has not moved for this long lost its
#: message or its worker: the sweep starts it again. A slice takes well under a second.
IMPORT_STALE_AFTER = timedelta(minutes=10)
#: Drafts dropped (and refused rows' files deleted) by one sweep at most.
EXPIRED_PER_SWEEP = 200

_STARTED_AGAIN = {
    # status found → (status it goes back to, the task that takes it up)
    ImportStatus.UPLOADED: (ImportStatus.UPLOADED, "check_import"),
    ImportStatus.CHECKING: (ImportStatus.UPLOADED, "check_import"),
    ImportStatus.QUEUED: (ImportStatus.QUEUED, "import_leaders"),
    ImportStatus.IMPORTING: (ImportStatus.QUEUED, "import_leaders"),
    ImportStatus.CODES: (ImportStatus.CODES, "invitation_codes"),
}


def sweep_stalled_imports(now: datetime | None = None) -> int:
    """Start again the checks and imports whose job stopped moving (its message lost, its
    worker killed): a check or a queued import is sent again, a half-done import first
    loses the slices it had put in, a codes file is written again. Harmless twice: every
    step is conditional on the batch as it is. Commits; how many were started again."""
    now = now or utcnow()
    stale = now - IMPORT_STALE_AFTER
    found = db.session.execute(
        select(ImportBatch.id, ImportBatch.status, ImportBatch.progress_at).where(
            ImportBatch.status.in_(list(_STARTED_AGAIN)), ImportBatch.progress_at < stale
        )
    ).all()
    db.session.rollback()
    started = 0
    for batch_id, status, moved_at in found:
        back_to, task = _STARTED_AGAIN[status]
        claim = db.session.execute(
            update(ImportBatch)
            .where(
                ImportBatch.id == batch_id,
                ImportBatch.status == status,
                ImportBatch.progress_at == moved_at,
            )
            .values(status=back_to, rows_done=0, progress_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        if not claim:
            db.session.rollback()
            continue
        enqueue_after_commit(task, batch_id)
        if status == ImportStatus.IMPORTING:
            remove_imported(batch_id)  # commits, with the claim
        else:
            db.session.commit()
        log_event("import_started_again", batch_id=batch_id, was=status)
        started += 1
    return started


def drop_expired_drafts(now: datetime | None = None) -> int:
    """Drop the drafts nobody confirmed within :data:`DRAFT_LIFETIME` (their file's people
    are not kept for an import that never was) and the refused rows' files of that age.
    Commits; how many files and drafts went."""
    expired = (now or utcnow()) - DRAFT_LIFETIME
    found = db.session.execute(
        select(ImportBatch.id, ImportBatch.confirmed_at, ImportBatch.refused_key)
        .where(
            ImportBatch.created_at < expired,
            (ImportBatch.confirmed_at.is_(None)) | (ImportBatch.refused_key.is_not(None)),
        )
        .limit(EXPIRED_PER_SWEEP)
    ).all()
    drafts = [batch_id for batch_id, confirmed_at, _ in found if confirmed_at is None]
    if drafts:
        db.session.execute(
            delete(ImportBatch).where(
                ImportBatch.id.in_(drafts), ImportBatch.confirmed_at.is_(None)
            )
        )
    db.session.execute(
        update(ImportBatch)
        .where(ImportBatch.id.in_([batch_id for batch_id, *_ in found]))
        .values(refused_key=None)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    storage = current_app.extensions["media_storage"]
    for _, _, key in found:
        if key:
            storage.delete(key)  # after the commit: no batch names it any more
    if found:
        log_event("import_drafts_dropped", drafts=len(drafts), files=len(found) - len(drafts))
    return len(found)
