"""Who coaches whom: admins pair a coach with leaders and end pairings."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import aliased, lazyload

from app import audit
from app.accounts.models import User, UserRole
from app.db import upsert, utcnow
from app.errors import N_
from app.extensions import db
from app.roles import Role

from ..models import CoachPairing
from ._common import CoachingError


def pair(coach: User, leader: User, by: User | None = None) -> CoachPairing:
    """Make ``coach`` the coach of ``leader``, in place of any coach they had. Pairing
    them again (a double tap) changes nothing. Commits."""
    if not coach.has_role(Role.COACH):
        raise CoachingError(N_("%(name)s is not a coach."), "coach", name=coach.display_name)
    if not leader.has_role(Role.LEADER):
        raise CoachingError(N_("%(name)s is not a leader."), "leader", name=leader.display_name)
    if coach.id == leader.id:
        raise CoachingError(N_("Nobody can coach themself: choose another coach."), "coach")
    values = {
        "coach_id": coach.id,
        "leader_id": leader.id,
        "created_at": utcnow(),
        "created_by_id": by.id if by else None,
    }
    changed = upsert(
        CoachPairing,
        values,
        key=("leader_id",),
        update=("coach_id", "created_at", "created_by_id"),
        where=CoachPairing.coach_id != coach.id,
    )
    if changed:  # a double tap pairs once, and is logged once
        audit.record("pairing", actor=by, target=leader, subject=f"coach:{coach.id}")
    db.session.commit()
    return db.session.scalars(select(CoachPairing).filter_by(leader_id=leader.id)).one()


def unpair(leader: User, by: User | None = None) -> bool:
    """``leader`` has no coach any more; their record stays. Commits. False if they had none."""
    result = db.session.execute(delete(CoachPairing).where(CoachPairing.leader_id == leader.id))
    if result.rowcount:
        audit.record("unpairing", actor=by, target=leader)
    db.session.commit()
    db.session.expire(leader)
    return bool(result.rowcount)


def coach_of(leader: User) -> User | None:
    """The leader's coach: one statement (their roles are read only if asked)."""
    return db.session.scalar(
        select(User)
        .join(CoachPairing, CoachPairing.coach_id == User.id)
        .where(CoachPairing.leader_id == leader.id)
        .options(lazyload(User.role_rows))
    )


def leaders_of(coach: User) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .join(CoachPairing, CoachPairing.leader_id == User.id)
            .where(CoachPairing.coach_id == coach.id)
            .order_by(User.name, User.id)
        )
    )


@dataclass
class PairingsOverview:
    pairings: list[tuple[User, User]]  # (coach, leader)
    coaches: list[User]
    leaders: list[User]


def _people_with(role: str) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .join(UserRole, UserRole.user_id == User.id)
            .where(UserRole.role == role, User.active.is_(True))
            .order_by(User.name, User.id)
        )
    )


def pairings_overview() -> PairingsOverview:
    coach, leader = aliased(User), aliased(User)
    rows = db.session.execute(
        select(coach, leader)
        .join(CoachPairing, CoachPairing.coach_id == coach.id)
        .join(leader, leader.id == CoachPairing.leader_id)
        .order_by(coach.name, coach.id, leader.name, leader.id)
    ).all()
    return PairingsOverview(
        pairings=[(c, ld) for c, ld in rows],
        coaches=_people_with(Role.COACH),
        leaders=_people_with(Role.LEADER),
    )
