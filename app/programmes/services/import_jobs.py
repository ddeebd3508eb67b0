"""The import job: a confirmed file's leaders created in slices, with progress, then their
invitation codes written to a file to download. Run by the app's job queue
(``programmes.import_leaders``, ``programmes.invitation_codes``: ``app/programmes/tasks.py``).

The database is the truth, not the message: the job reloads its batch by id and claims it
with one conditional UPDATE (``queued`` → ``importing``), so a duplicate message finds
nothing to do. Every row is checked again first (someone may have been given one of its
numbers since the preview): the rows the check refused stay out, the people imported
since (by another upload of the same rows) are skipped, and should a row the preview
called good fail now, nothing is imported. Accounts, roles and memberships go in 500 rows
at a time (an executemany each, the new ids read back in one SELECT; no row is loaded or
reloaded), each slice committed with the batch's ``rows_done``, so the progress page moves
and other requests get the database between slices. Should a slice fail (a number taken
meanwhile), the slices already in are removed again and the batch fails with a reason the
admin can read: every good row, or none. A job whose worker died is started again by
:func:`.import_sweep.sweep_stalled_imports`.

The codes: new ones for everyone of the batch who has not accepted, in one transaction
that also records where the file is; the file is stored first (media storage: the
instance folder, or S3 when scaled out), and removed again if that transaction fails.
"""

from __future__ import annotations

import io
from collections import Counter

from flask import current_app
from sqlalchemy import delete, event, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from app import audit, csvfiles
from app.accounts import services as accounts
from app.accounts.models import User, UserRole
from app.db import utcnow
from app.errors import N_
from app.extensions import db
from app.logs import log_event
from app.offload import let_requests_run
from app.roles import Role
from app.units import building_block
from app.urls import public_url
from media_pipeline.storage import new_key

from ..models import Cohort, CohortMember, ImportBatch, ImportStatus, Programme
from ._common import ProgrammeError
from .aggregates import mark_changed
from .imports import LeaderRow, read_leaders_text

SLICE_ROWS = 500
INVITATION_COLUMNS = ("name", "phone", "email", "cohort", "code", "link", "expires")

CLASH = N_(
    "Nothing was imported: someone was given one of these phone numbers or email "
    "addresses meanwhile. Upload the file again to see who."
)
NO_LONGER_GOOD = N_(
    "Nothing was imported: %(count)s rows no longer pass the checks (the first, line "
    "%(line)s: %(problem)s). Upload the file again to see them all."
)
UNEXPECTED = N_("Nothing was imported: the import stopped unexpectedly. Upload the file again.")
CODES_FAILED = N_(
    "The leaders are imported, but their invitation codes could not be written. "
    "Choose “Make new codes” to try again."
)


class LostClaim(Exception):
    """The sweep started this import again: the job that was running stops."""


def claim_batch(
    batch_id: int, waiting: ImportStatus, running: ImportStatus
) -> tuple[ImportBatch, Programme] | None:
    """Take batch ``batch_id`` from ``waiting`` to ``running`` with one conditional UPDATE
    (committed): the batch and its programme, or None when it is gone or another message's
    job has it."""
    claimed = db.session.execute(
        update(ImportBatch)
        .where(ImportBatch.id == batch_id, ImportBatch.status == waiting)
        .values(status=running, rows_done=0, progress_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    if not claimed:
        return None
    batch = db.session.get(ImportBatch, batch_id)
    return batch, db.session.get(Programme, batch.programme_id)


def run_import(batch_id: int) -> None:
    """Import the confirmed batch ``batch_id``, then write its codes. Commits each slice."""
    claimed = claim_batch(batch_id, ImportStatus.QUEUED, ImportStatus.IMPORTING)
    if claimed is None:
        return
    batch, programme = claimed
    try:
        rows, skipped = _rows_still_good(batch, programme)
        _insert_slices(batch, programme, rows, skipped)
    except ProgrammeError as error:
        db.session.rollback()
        _fail(batch_id, error)
        return
    except LostClaim:
        log_event("import_taken_over", batch_id=batch_id)
        return
    except Exception:
        db.session.rollback()
        _fail(batch_id, ProgrammeError(UNEXPECTED))
        raise
    write_invitation_codes(batch_id)


def _rows_still_good(batch: ImportBatch, programme: Programme) -> tuple[list[LeaderRow], int]:
    """The rows to import (the good rows of the preview, less the people imported since)
    and how many were skipped as imported already."""
    plan = read_leaders_text(batch.content, programme, lambda _line: let_requests_run())
    refused = set(batch.refused_lines or ())
    problems = [p for p in plan.problems if p.params.get("line") not in refused]
    if problems:
        first = problems[0]
        raise ProgrammeError(
            NO_LONGER_GOOD,
            count=len({problem.params.get("line") for problem in problems}),
            line=first.params.get("line", 1),
            problem=str(first),
        )
    rows = [row for row in plan.rows if row.line not in refused]
    return rows, len([row for row in plan.skipped if row.line not in refused])


def _insert_slices(
    batch: ImportBatch, programme: Programme, rows: list[LeaderRow], skipped: int
) -> None:
    batch_id, by_id = batch.id, batch.created_by_id
    summary = {**(batch.summary or {}), "skipped": skipped}
    try:
        for start in range(0, len(rows), SLICE_ROWS):
            chunk = rows[start : start + SLICE_ROWS]
            _insert_slice(batch_id, programme.region, chunk)
            moved = db.session.execute(
                update(ImportBatch)
                .where(ImportBatch.id == batch_id, ImportBatch.status == ImportStatus.IMPORTING)
                .values(rows_done=start + len(chunk), progress_at=utcnow())
                .execution_options(synchronize_session=False)
            ).rowcount
            if not moved:  # the sweep judged this job dead and started it again
                db.session.rollback()
                raise LostClaim
            db.session.commit()
            let_requests_run()
    except LostClaim:
        raise
    except IntegrityError:
        db.session.rollback()
        remove_imported(batch_id)
        raise ProgrammeError(CLASH) from None
    except Exception:
        db.session.rollback()
        remove_imported(batch_id)
        raise
    audit.record(
        "bulk_invite",
        actor=by_id,
        subject=f"import:{batch_id}",
        rows=len(rows),
        skipped=skipped,
        refused=summary.get("refused", 0),
        cohorts={str(cid): n for cid, n in Counter(r.cohort_id for r in rows).items()},
    )
    db.session.execute(
        update(ImportBatch)
        .where(ImportBatch.id == batch_id)
        .values(content="", row_count=len(rows), status=ImportStatus.CODES, summary=summary)
        .execution_options(synchronize_session=False)
    )
    mark_changed(programme.id)
    db.session.commit()
    log_event(
        "leaders_imported",
        programme_id=programme.id,
        batch_id=batch_id,
        rows=len(rows),
        by=by_id,
    )


def _insert_slice(batch_id: int, country: str, rows: list[LeaderRow]) -> None:
    # One executemany, then one SELECT for the new ids by their unique phone or email:
    # INSERT … RETURNING in the rows' order would go one row a statement on SQLite.
    db.session.execute(
        insert(User),
        [
            {
                "name": row.name,
                "email": row.email,
                "phone": row.phone,
                "school": row.school,
                "locale": row.language,
                "country": country,
            }
            for row in rows
        ],
    )
    phones = [row.phone for row in rows if row.phone]
    emails = [row.email for row in rows if not row.phone]
    new = db.session.execute(
        select(User.id, User.phone, User.email).where(
            or_(User.phone.in_(phones), User.email.in_(emails))
        )
    ).all()
    by_phone = {phone: uid for uid, phone, _ in new if phone}
    by_email = {email: uid for uid, phone, email in new if email and not phone}
    user_ids = [by_phone[row.phone] if row.phone else by_email[row.email] for row in rows]
    db.session.execute(
        insert(UserRole), [{"user_id": uid, "role": Role.LEADER.value} for uid in user_ids]
    )
    db.session.execute(
        insert(CohortMember),
        [
            {
                "cohort_id": row.cohort_id,
                "user_id": uid,
                "region": row.region,
                "import_batch_id": batch_id,
            }
            for row, uid in zip(rows, user_ids, strict=True)
        ],
    )
    for cohort_id, count in Counter(row.cohort_id for row in rows).items():
        db.session.execute(
            update(Cohort)
            .where(Cohort.id == cohort_id)
            .values(member_count=Cohort.member_count + count)
            .execution_options(synchronize_session=False)
        )


def remove_imported(batch_id: int) -> None:
    """Take out again every account this batch's earlier slices created; commits."""
    counts = db.session.execute(
        select(CohortMember.cohort_id, CohortMember.user_id).where(
            CohortMember.import_batch_id == batch_id
        )
    ).all()
    user_ids = [user_id for _, user_id in counts]
    for cohort_id, count in Counter(cohort_id for cohort_id, _ in counts).items():
        db.session.execute(
            update(Cohort)
            .where(Cohort.id == cohort_id)
            .values(member_count=Cohort.member_count - count)
            .execution_options(synchronize_session=False)
        )
    for start in range(0, len(user_ids), SLICE_ROWS):
        chunk = user_ids[start : start + SLICE_ROWS]
        for model in (CohortMember, UserRole):
            db.session.execute(delete(model).where(model.user_id.in_(chunk)))
        db.session.execute(delete(User).where(User.id.in_(chunk)))
    # Figures worked out while the slices were in counted them.
    mark_changed(select(ImportBatch.programme_id).where(ImportBatch.id == batch_id))
    db.session.commit()


def end_batch(batch_id: int, status: ImportStatus, error: ProgrammeError, *, event: str) -> None:
    """The batch ends in ``status`` (failed, or unreadable when checked) saying why; its
    file's people are not kept for an import that never was. Commits and logs ``event``."""
    db.session.execute(
        update(ImportBatch)
        .where(ImportBatch.id == batch_id)
        .values(
            status=status,
            rows_done=0,
            content="",
            error_template=error.template,
            error_params=error.params,
        )
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    log_event(event, batch_id=batch_id, reason=str(error))


def _fail(batch_id: int, error: ProgrammeError) -> None:
    end_batch(batch_id, ImportStatus.FAILED, error, event="import_failed")


def write_invitation_codes(batch_id: int) -> None:
    """New codes for everyone of the batch who has not accepted (their earlier codes stop
    working), written as CSV to media storage; the batch is then ``ready``. Commits."""
    batch = db.session.get(ImportBatch, batch_id)
    if batch is None or batch.status != ImportStatus.CODES:
        return
    rows = db.session.execute(
        select(User.id, User.name, User.phone, User.email, Cohort.name)
        .join(CohortMember, CohortMember.user_id == User.id)
        .join(Cohort, Cohort.id == CohortMember.cohort_id)
        .where(CohortMember.import_batch_id == batch_id, User.password_hash.is_(None))
        .order_by(Cohort.name, User.name, User.id)
    ).all()
    try:
        _write_codes(batch, rows)
    except Exception:
        db.session.rollback()
        db.session.execute(
            update(ImportBatch)
            .where(ImportBatch.id == batch_id)
            .values(status=ImportStatus.READY, error_template=CODES_FAILED, error_params={})
            .execution_options(synchronize_session=False)
        )
        db.session.commit()
        raise


def _pausing(items):
    for n, item in enumerate(items, 1):
        if n % SLICE_ROWS == 0:
            let_requests_run()
        yield item


def _write_codes(batch: ImportBatch, rows) -> None:
    """Draw the codes and write the file, pausing as it goes, before anything is written
    to the database; then store the codes and the file's key in one transaction with no
    pause in it (``accounts.draw_invitation_codes`` says why)."""
    batch_id = batch.id
    issued, code_rows = accounts.draw_invitation_codes(
        [row[0] for row in rows], batch.created_by_id, pause=let_requests_run
    )
    text = csvfiles.text(
        INVITATION_COLUMNS,
        (
            (
                name,
                phone,
                email,
                cohort,
                code,
                public_url("accounts.accept_invitation", token=token),
                expires.date().isoformat(),
            )
            for (_, name, phone, email, cohort), (_, token, code, expires) in _pausing(
                zip(rows, issued, strict=True)
            )
        ),
    )
    storage = current_app.extensions["media_storage"]
    key, old_key = new_key("imports", f"invitations-{batch_id}.csv"), batch.codes_key
    storage.save(key, io.BytesIO(text.encode()), content_type="text/csv")
    try:
        accounts.store_invitation_codes(code_rows)
        db.session.execute(
            update(ImportBatch)
            .where(ImportBatch.id == batch_id)
            .values(
                status=ImportStatus.READY,
                codes_key=key,
                rows_done=batch.row_count,
                error_template=None,
                error_params=None,
            )
            .execution_options(synchronize_session=False)
        )
        db.session.commit()
    except Exception:
        db.session.rollback()
        storage.delete(key)
        raise
    if old_key:
        storage.delete(old_key)  # its codes stopped working with this commit
    log_event("invitation_codes_written", batch_id=batch_id, codes=len(issued))


@building_block
def drop_from_codes_files(user_id: int) -> None:
    """Rewrite the codes files that name ``user_id`` without their row (their erasure):
    the new file replaces the old one when the caller commits. A building block."""
    user = db.session.get(User, user_id)
    if user is None:
        return
    found = db.session.execute(
        select(ImportBatch.id, ImportBatch.codes_key)
        .join(CohortMember, CohortMember.import_batch_id == ImportBatch.id)
        .where(CohortMember.user_id == user_id, ImportBatch.codes_key.is_not(None))
    ).all()
    storage = current_app.extensions["media_storage"]
    theirs = {("phone", user.phone), ("email", user.email)} - {("phone", None), ("email", None)}
    for batch_id, old_key in found:
        table = csvfiles.read(csvfiles.decode(b"".join(storage.open(old_key))))
        text = csvfiles.text(
            table.header,
            (
                [row.values.get(column) for column in table.header]
                for row in table
                if not theirs & {(c, row.values.get(c) or None) for c in ("phone", "email")}
            ),
        )
        key = new_key("imports", f"invitations-{batch_id}.csv")
        storage.save(key, io.BytesIO(text.encode()), content_type="text/csv")
        db.session.execute(
            update(ImportBatch)
            .where(ImportBatch.id == batch_id)
            .values(codes_key=key)
            .execution_options(synchronize_session=False)
        )
        _delete_after_commit(storage, old_key)


def _delete_after_commit(storage, key: str) -> None:
    @event.listens_for(db.session(), "after_commit", once=True)
    def _delete(_session) -> None:
        storage.delete(key)
