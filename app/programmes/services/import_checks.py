"""The check of an uploaded file, as a job (``programmes.check_import``): every row read
and checked (:func:`.imports.read_leaders_text`), then what the preview shows kept on the
batch, and the refused rows written to a file the admin downloads, fixes and uploads again.

Like the import job, it claims its batch with one conditional UPDATE (``uploaded`` →
``checking``), so a duplicate message finds nothing to do, and records its progress every
500 lines (a commit, then the other requests of its process run). A file that cannot be
read at all leaves the batch ``unreadable`` with the reason, and its text is not kept.

The refused rows' file keeps the uploaded columns as they were (same header, same
delimiter) behind one added column saying what to fix, in the uploader's language; the
importer leaves that column out when the file comes back. Every cell is guarded against
formulas (:func:`app.csvfiles.guard`), whole E.164 numbers written plain.
"""

from __future__ import annotations

import io
from collections import defaultdict

from flask import current_app
from flask_babel import force_locale, gettext
from sqlalchemy import update

from app import csvfiles
from app.db import utcnow
from app.errors import N_
from app.extensions import db
from app.logs import log_event
from app.offload import let_requests_run
from media_pipeline.storage import new_key

from ..models import ImportBatch, ImportStatus
from ._common import ProgrammeError
from .import_jobs import LostClaim, claim_batch, end_batch
from .imports import FIX_COLUMN, ImportPlan, leaders_table, read_leaders_text, rows_of

#: What the preview lists: the first good rows, the first problems (the rest are in the
#: refused rows' file).
PREVIEW_ROWS = 50
PREVIEW_PROBLEMS = 100
UNEXPECTED_CHECK = N_("The check stopped unexpectedly. Upload the file again.")


def check_upload(batch_id: int) -> None:
    """Check the uploaded batch ``batch_id`` and keep what the preview shows. Commits."""
    claimed = claim_batch(batch_id, ImportStatus.UPLOADED, ImportStatus.CHECKING)
    if claimed is None:
        return
    batch, programme = claimed
    text = batch.content
    try:
        plan = read_leaders_text(text, programme, progress=_recorder(batch_id))
        _keep(batch, plan, text)
    except ProgrammeError as error:
        db.session.rollback()
        _unreadable(batch_id, error)
    except LostClaim:
        log_event("import_check_taken_over", batch_id=batch_id)
    except Exception:
        db.session.rollback()
        _unreadable(batch_id, ProgrammeError(UNEXPECTED_CHECK))
        raise


def _recorder(batch_id: int):
    def progress(line: int) -> None:
        moved = db.session.execute(
            update(ImportBatch)
            .where(ImportBatch.id == batch_id, ImportBatch.status == ImportStatus.CHECKING)
            .values(rows_done=line, progress_at=utcnow())
            .execution_options(synchronize_session=False)
        ).rowcount
        if not moved:  # the sweep judged this job dead and started it again
            db.session.rollback()
            raise LostClaim
        db.session.commit()
        let_requests_run()

    return progress


def _keep(batch: ImportBatch, plan: ImportPlan, text: str) -> None:
    batch_id, refused = batch.id, defaultdict(list)
    for problem in plan.problems:
        refused[problem.params["line"]].append(problem)
    storage = current_app.extensions["media_storage"]
    key = None
    if refused:
        with force_locale(batch.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
            body = refused_rows_csv(text, refused)
        key = new_key("imports", f"refused-{batch_id}.csv")
        storage.save(key, io.BytesIO(body.encode()), content_type="text/csv")
    try:
        kept = db.session.execute(
            update(ImportBatch)
            .where(ImportBatch.id == batch_id, ImportBatch.status == ImportStatus.CHECKING)
            .values(
                status=ImportStatus.DRAFT,
                row_count=len(plan.rows),
                rows_done=0,
                progress_at=utcnow(),
                summary=_summary(plan, len(refused)),
                refused_lines=sorted(refused),
                refused_key=key,
            )
            .execution_options(synchronize_session=False)
        ).rowcount
        db.session.commit()
    except Exception:
        db.session.rollback()
        if key:
            storage.delete(key)
        raise
    if not kept and key:
        storage.delete(key)  # the sweep started the check again: its file will be written
    log_event(
        "import_checked",
        batch_id=batch_id,
        good=len(plan.rows),
        skipped=len(plan.skipped),
        refused=len(refused),
    )


def _summary(plan: ImportPlan, refused: int) -> dict:
    return {
        "good": len(plan.rows),
        "skipped": len(plan.skipped),
        "refused": refused,
        "problem_count": len(plan.problems),
        "per_cohort": plan.per_cohort(),
        "sample": [
            [row.line, row.name, row.phone or row.email, row.cohort_name]
            for row in plan.rows[:PREVIEW_ROWS]
        ],
        "problems": [
            [problem.field, problem.template, problem.params]
            for problem in plan.problems[:PREVIEW_PROBLEMS]
        ],
    }


def _unreadable(batch_id: int, error: ProgrammeError) -> None:
    end_batch(batch_id, ImportStatus.UNREADABLE, error, event="import_unreadable")


def refused_rows_csv(text: str, refused: dict[int, list[ProgrammeError]]) -> str:
    """The rows of ``text`` at the ``refused`` lines, as uploaded, behind a first column
    saying what to fix (in the current language). UTF-8 with a BOM, so a spreadsheet
    opens the accents right; the importer reads it back as it is. Each cell is written
    with the guard of :mod:`app.csvfiles` over the text it was read as, so a cell the
    uploader (or our guard) had quoted reads back the same."""
    table = leaders_table(text)
    header, names = table.header_cells, table.header

    def rows():
        for row in rows_of(table):
            if row.line % 500 == 0:
                let_requests_run()
            problems = refused.get(row.line)
            if problems:
                cells = row.cells + [""] * (len(header) - len(row.cells))
                yield [_what_to_fix(problems, header, names), *map(csvfiles.unguard, cells)]

    return csvfiles.text(
        [gettext(FIX_COLUMN), *map(csvfiles.unguard, header)],
        rows(),
        delimiter=table.delimiter,
        bom=True,
    )


def _what_to_fix(problems: list[ProgrammeError], header: list[str], names: list) -> str:
    said = []
    for problem in problems:
        where = header[names.index(problem.field)].strip() if problem.field in names else ""
        said.append(f"{where}: {problem.translated()}" if where else problem.translated())
    return " ".join(said)
