"""The improvement priority a leader agrees with their coach, and its history."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import delete, select
from sqlalchemy.orm import joinedload

from app.accounts.models import User
from app.db import upsert, utcnow
from app.errors import N_
from app.extensions import db
from app.form_keys import claim_form_key
from app.frameworks.models import Competency
from app.learning import services as learning

from ..models import PRIORITY_STATUSES, ImprovementPriority, PriorityChange, PriorityCompetency
from ._common import CoachingError


@dataclass
class PriorityFields:
    title: str
    why: str = ""
    measure: str = ""
    baseline: str = ""
    target: str = ""
    status: str = "active"
    competency_ids: tuple[int, ...] = ()


def priority_of(leader: User) -> ImprovementPriority | None:
    """The leader's priority with its competencies: one statement."""
    return (
        db.session.scalars(
            select(ImprovementPriority)
            .where(ImprovementPriority.leader_id == leader.id)
            .options(
                joinedload(ImprovementPriority.competency_links)
                .joinedload(PriorityCompetency.competency)
                .joinedload(Competency.framework)  # the language its title is in
            )
        )
        .unique()
        .one_or_none()
    )


@dataclass
class RatingScale:
    """What a coach may rate at a check-in: the competencies of the leader's priority, each
    on the levels of the framework the leader self-assesses against."""

    priority: ImprovementPriority | None
    competencies: list = field(default_factory=list)
    levels: list = field(default_factory=list)
    self_levels: dict[int, int] = field(default_factory=dict)

    @property
    def competency_ids(self) -> list[int]:
        return [competency.id for competency in self.competencies]

    @property
    def level_numbers(self) -> list[int]:
        return [level.number for level in self.levels]


def rating_scale(leader: User) -> RatingScale:
    priority = priority_of(leader)
    assessment = learning.self_assessment_form(leader)
    return RatingScale(
        priority=priority,
        competencies=[link.competency for link in priority.competency_links] if priority else [],
        levels=list(assessment.framework.levels) if assessment else [],
        self_levels=assessment.latest if assessment else {},
    )


def _check(fields: PriorityFields, framework_id: int | None) -> list[int]:
    if not fields.title.strip():
        raise CoachingError(N_("Give the priority a title."), "title")
    if fields.status not in PRIORITY_STATUSES:
        raise CoachingError(N_("Choose one of the statuses shown."), "status")
    wanted = sorted(set(fields.competency_ids))
    if wanted:
        known = set(
            db.session.scalars(
                select(Competency.id).where(
                    Competency.id.in_(wanted),
                    Competency.framework_id == framework_id,
                    Competency.retired.is_(False),
                )
            )
        )
        if known != set(wanted):
            raise CoachingError(N_("Choose competencies from the list shown."), "competencies")
    return wanted


def save_priority(
    leader: User,
    fields: PriorityFields,
    *,
    by: User,
    framework_id: int | None,
    key: str,
) -> ImprovementPriority:
    """Set the leader's priority to ``fields`` and keep the change in its history. The same
    form sent again (``key``) is one change, holding what was sent last. Commits."""
    competency_ids = _check(fields, framework_id)
    now = utcnow()
    text = {
        "title": fields.title.strip(),
        "why": fields.why.strip(),
        "measure": fields.measure.strip(),
        "baseline": fields.baseline.strip(),
        "target": fields.target.strip(),
        "status": fields.status,
    }
    values = {**text, "leader_id": leader.id, "updated_at": now, "updated_by_id": by.id}
    upsert(
        ImprovementPriority,
        {**values, "created_at": now},
        key=("leader_id",),
        update=tuple(values),
    )
    priority = priority_of(leader)
    _link_competencies(priority, competency_ids)
    snapshot = {**text, "competency_ids": competency_ids}
    claimed = claim_form_key(by.id, key, "coaching.save_priority", CoachingError)
    if claimed.added:
        change = PriorityChange(priority_id=priority.id, changed_by_id=by.id)
        db.session.add(change)
    else:  # the same form again: that change, as sent last
        change = db.session.get(PriorityChange, claimed.row_id)
    change.changed_at, change.snapshot = now, snapshot
    db.session.flush()
    if claimed.added:
        claimed.record(change.id)
    db.session.commit()
    db.session.refresh(priority)
    return priority


def _link_competencies(priority: ImprovementPriority, competency_ids: list[int]) -> None:
    if competency_ids:
        upsert(
            PriorityCompetency,
            [{"priority_id": priority.id, "competency_id": c} for c in competency_ids],
            key=("priority_id", "competency_id"),
        )
    db.session.execute(
        delete(PriorityCompetency).where(
            PriorityCompetency.priority_id == priority.id,
            PriorityCompetency.competency_id.not_in(competency_ids),
        )
    )


def priority_history(priority: ImprovementPriority) -> list[PriorityChange]:
    """Every saved version, newest first, with who saved it: one statement."""
    return list(
        db.session.scalars(
            select(PriorityChange)
            .where(PriorityChange.priority_id == priority.id)
            .options(joinedload(PriorityChange.changed_by).lazyload(User.role_rows))
            .order_by(PriorityChange.changed_at.desc(), PriorityChange.id.desc())
        )
    )
