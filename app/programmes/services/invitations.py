"""Carrying out a bulk import in one transaction, and the invitation codes to send."""

from __future__ import annotations

import secrets
from collections import Counter
from datetime import timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from app import audit
from app.accounts import services as accounts
from app.accounts.models import User
from app.db import utcnow
from app.errors import N_
from app.extensions import db
from app.logs import log_event
from app.roles import Role
from app.urls import public_url

from ..models import Cohort, CohortMember, ImportBatch, Programme
from .common import ProgrammeError, csv_text
from .imports import ImportPlan, decode_upload, read_leaders_csv

DRAFT_LIFETIME = timedelta(days=1)


def prepare_import(
    data: bytes, programme: Programme, *, by
) -> tuple[ImportPlan, ImportBatch | None]:
    """Read and check the file. When every row is good, keep its text as a draft that the
    preview's confirmation names by a random key (nothing else is written; drafts a day
    old are dropped). Commits."""
    plan = read_leaders_csv(data, programme)
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


def confirm_import(
    programme: Programme, key: str, *, by
) -> tuple[ImportBatch | None, ImportPlan | None]:
    """Import the draft ``key`` names, whole or not at all; commits. Its rows are checked
    again (someone may have been given one of its numbers since the preview); if one
    fails now, nothing is imported and the plan with its problems comes back. Confirmed
    twice, even at the same moment, it is imported once: the first confirmation claims
    the draft, the other finds it claimed."""
    batch = db.session.scalars(
        select(ImportBatch).where(ImportBatch.key == key, ImportBatch.programme_id == programme.id)
    ).first()
    if batch is None:
        raise ProgrammeError(
            N_("This preview is no longer kept (after a day). Upload the file again.")
        )
    claim = (
        update(ImportBatch)
        .where(ImportBatch.id == batch.id, ImportBatch.confirmed_at.is_(None))
        .values(confirmed_at=utcnow())
    )
    if batch.confirmed_at is not None or not db.session.execute(claim).rowcount:
        db.session.rollback()
        return batch, None
    plan = read_leaders_csv(batch.content.encode(), programme)
    if not plan.ok:
        db.session.rollback()
        return None, plan
    import_leaders(plan, programme, batch, by=by)
    return batch, plan


def import_leaders(plan: ImportPlan, programme: Programme, batch: ImportBatch, *, by) -> None:
    """Create every leader of ``plan`` with their cohort membership, or none of them, as
    ``batch``; its draft text is dropped. Commits."""
    try:
        _add_leaders(plan, programme, batch)
        batch.content, batch.row_count = "", len(plan.rows)
        audit.record(
            "bulk_invite",
            actor=by,
            subject=f"import:{batch.id}",
            rows=len(plan.rows),
            cohorts={str(cid): n for cid, n in Counter(r.cohort_id for r in plan.rows).items()},
        )
        db.session.commit()
        log_event(
            "leaders_imported",
            programme_id=programme.id,
            batch_id=batch.id,
            rows=len(plan.rows),
            by=getattr(by, "id", None),
        )
    except IntegrityError:
        db.session.rollback()
        raise ProgrammeError(
            N_(
                "Nothing was imported: someone was given one of these phone numbers or "
                "email addresses meanwhile. Upload the file again to see who."
            )
        ) from None


def _add_leaders(plan: ImportPlan, programme: Programme, batch: ImportBatch) -> None:
    users = []
    for row in plan.rows:
        user = User(
            name=row.name,
            email=row.email,
            phone=row.phone,
            school=row.school,
            locale=row.language,
            country=programme.region,
        )
        user.set_roles([Role.LEADER])
        users.append(user)
    db.session.add_all(users)
    db.session.flush()
    db.session.add_all(
        CohortMember(
            cohort_id=row.cohort_id, user_id=user.id, region=row.region, import_batch_id=batch.id
        )
        for row, user in zip(plan.rows, users, strict=True)
    )
    for cohort_id, count in Counter(row.cohort_id for row in plan.rows).items():
        db.session.execute(
            Cohort.__table__.update()
            .where(Cohort.id == cohort_id)
            .values(member_count=Cohort.member_count + count)
        )


INVITATION_COLUMNS = ("name", "phone", "email", "cohort", "code", "link", "expires")


def invitations_csv(batch: ImportBatch, *, by) -> str:
    """New invitation codes for everyone of ``batch`` who has not accepted yet, as CSV to
    send by SMS or read out. Earlier codes of theirs stop working. Commits (and logs)."""
    rows = db.session.execute(
        select(User, Cohort.name)
        .join(CohortMember, CohortMember.user_id == User.id)
        .join(Cohort, Cohort.id == CohortMember.cohort_id)
        .where(CohortMember.import_batch_id == batch.id)
        .order_by(Cohort.name, User.name, User.id)
    ).all()
    cohort_of = {user.id: cohort for user, cohort in rows}
    audit.record("invitation_codes_export", actor=by, subject=f"import:{batch.id}")
    issued = accounts.issue_invitations([user for user, _ in rows], by)
    return csv_text(
        INVITATION_COLUMNS,
        (
            (
                item.access_code.user.name,
                item.access_code.user.phone,
                item.access_code.user.email,
                cohort_of[item.access_code.user.id],
                item.display_code,
                public_url("accounts.accept_invitation", token=item.token),
                item.access_code.expires_at.date().isoformat(),
            )
            for item in issued
        ),
    )
