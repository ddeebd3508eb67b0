"""A leader's coaching record: what their coach sees on the leader's page, and what the
leader sees of their own."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select

from app.accounts.models import User
from app.extensions import db
from app.learning import services as learning
from app.learning.models import LessonProgress

from ..models import ActionItem, CheckIn, ImprovementPriority, PriorityChange
from .actions import DONE_SHOWN, actions_of
from .checkins import check_ins_of, latest_coach_ratings
from .pairings import coach_of
from .priorities import priority_history, priority_of
from .sharing import NotebookEntry, shared_with


@dataclass
class CompetencyView:
    """One competency: the leader's first and latest self-rating and the coach's latest."""

    growth: learning.CompetencyGrowth
    coach_level: int | None
    in_priority: bool


@dataclass
class LeaderRecord:
    leader: User
    coach: User | None
    priority: ImprovementPriority | None
    history: list[PriorityChange]
    check_ins: list[CheckIn]
    actions: list[ActionItem]
    done_not_shown: int = 0
    lessons_done: int = 0
    competencies: list[CompetencyView] = field(default_factory=list)
    level_label: object = None
    assessments: int = 0
    shared: list[NotebookEntry] = field(default_factory=list)

    @property
    def open_actions(self) -> list[ActionItem]:
        return [a for a in self.actions if not a.done]


def _lessons_done(leader: User) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(LessonProgress)
        .where(LessonProgress.user_id == leader.id, LessonProgress.completed_at.is_not(None))
    )


def _competencies(leader: User, priority: ImprovementPriority | None):
    """Competencies worth showing: the priority's first, then any the leader or the coach
    rated."""
    growth = learning.growth(leader)
    coach_levels = latest_coach_ratings(leader)
    in_priority = set(priority.competency_ids) if priority else set()
    views = [
        CompetencyView(row, coach_levels.get(row.competency.id), row.competency.id in in_priority)
        for domain in growth.domains
        for row in domain.competencies
        if row.competency.id in in_priority
        or row.latest_level is not None
        or row.competency.id in coach_levels
    ]
    views.sort(key=lambda v: not v.in_priority)
    return views, growth


def leader_record(
    leader: User, coach: User | None = None, *, every_done_action: bool = False
) -> LeaderRecord:
    """The record as ``coach`` sees it (their shared entries, the priority's earlier
    versions, the leader's growth), or as the leader sees it when ``coach`` is None (their
    coach's name; the page shows no history, and only the latest done actions unless
    ``every_done_action``)."""
    priority = priority_of(leader)
    shown = None if coach is not None or every_done_action else DONE_SHOWN
    actions, done_not_shown = actions_of(leader, done_shown=shown)
    record = LeaderRecord(
        leader=leader,
        coach=coach or coach_of(leader),
        priority=priority,
        history=priority_history(priority) if priority and coach is not None else [],
        check_ins=check_ins_of(leader),
        actions=actions,
        done_not_shown=done_not_shown,
    )
    record.competencies, growth = _competencies(leader, priority)
    record.level_label, record.assessments = growth.level_label, growth.assessments
    if coach is not None:
        record.lessons_done = _lessons_done(leader)
        record.shared = shared_with(coach, leader)
    return record
