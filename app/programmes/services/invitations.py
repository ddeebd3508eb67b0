"""Carrying out a bulk import in one transaction, and the invitation codes to send."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app import audit
from app.accounts import services as accounts
from app.accounts.models import User
from app.db import upsert
from app.errors import N_
from app.extensions import db
from app.roles import Role
from app.urls import public_url

from ..models import Cohort, CohortMember, ImportBatch, Programme
from .common import ProgrammeError, csv_text
from .imports import ImportPlan, read_leaders_csv


def batch_for_key(key: str) -> ImportBatch | None:
    return db.session.scalars(select(ImportBatch).where(ImportBatch.key == key)).first()


def confirm_import(
    data: bytes, programme: Programme, *, by, key: str
) -> tuple[ImportBatch | None, ImportPlan | None]:
    """The confirmation of a preview: the file is read and checked again in full (the
    world may have changed since), then imported whole. The same key sent again is the
    import already made. Returns the batch, or None and the plan with its problems."""
    existing = batch_for_key(key)
    if existing is not None:
        return existing, None
    plan = read_leaders_csv(data, programme)
    if not plan.ok:
        # The same confirmation, sent at the same moment, may have imported these very
        # rows since we looked: then they are "already there" because of it.
        return batch_for_key(key), plan
    return import_leaders(plan, programme, by=by, key=key), plan


def import_leaders(plan: ImportPlan, programme: Programme, *, by, key: str) -> ImportBatch:
    """Create every leader of ``plan`` with their cohort membership, or none of them;
    commits. ``key`` is the preview form's: the same confirmation sent twice is the
    import already made."""
    if not plan.ok:
        raise ProgrammeError(N_("Nothing was imported: fix the problems in the file first."))
    created = upsert(
        ImportBatch,
        {
            "key": key,
            "programme_id": programme.id,
            "created_by_id": by.id,
            "row_count": len(plan.rows),
        },
        key=("key",),
    )
    if not created:  # sent twice at once: the other request imported it
        db.session.rollback()
        return batch_for_key(key)
    [batch] = created
    try:
        _add_leaders(plan, programme, batch)
        audit.record(
            "bulk_invite",
            actor=by,
            subject=f"import:{batch.id}",
            rows=len(plan.rows),
            cohorts={str(cid): n for cid, n in Counter(r.cohort_id for r in plan.rows).items()},
        )
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise ProgrammeError(
            N_(
                "Nothing was imported: someone was given one of these phone numbers or "
                "email addresses meanwhile. Upload the file again to see who."
            )
        ) from None
    return batch


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
