"""The coach's dashboard: their leaders, the ones who need attention first, and why.

Each signal is one grouped statement over all of the coach's leaders, so the page costs
the same number of statements for one leader as for fifty.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import and_, bindparam, case, func, select, union_all
from sqlalchemy.orm import lazyload

from app.accounts.models import User
from app.db import UTCDateTime, utcnow
from app.extensions import db
from app.learning.models import (
    LessonCompetency,
    LessonProgress,
    QuickCheckAnswer,
    Reflection,
    SelfAssessment,
)

from ..models import ActionItem, CheckIn, CoachPairing, ImprovementPriority, PriorityCompetency

RECENT = timedelta(days=30)
QUIET_DAYS = 7
CHECK_IN_EVERY_DAYS = 30
QUICK_CHECKS_MIN = 4


@dataclass(frozen=True)
class Reason:
    """Why a leader needs attention: ``code`` names the words, the rest fills them in."""

    code: str
    count: int = 0
    total: int = 0
    when: datetime | None = None


@dataclass
class LeaderRow:
    leader: User
    priority: ImprovementPriority | None
    # Whether the priority names competencies (read with it; its links are not loaded).
    priority_has_competencies: bool = False
    last_active: datetime | None = None
    overdue_actions: int = 0
    last_held: datetime | None = None
    next_check_in: datetime | None = None
    missed_check_in: datetime | None = None
    priority_lessons: int = 0
    answers: int = 0
    answers_right: int = 0
    reasons: list[Reason] = field(default_factory=list)
    score: int = 0


@dataclass
class Dashboard:
    rows: list[LeaderRow]
    coached: bool  # the coach has a coach of their own


def dashboard(coach: User, now: datetime | None = None) -> Dashboard:
    """The coach's leaders, who needs attention first; each row says why.

    The statements are built once (:func:`functools.cache`) and the coach and the time bound
    on each view: building them, and their cache keys, cost more than running them."""
    now = now or utcnow()
    found = db.session.execute(_leaders_statement(), {"coach_id": coach.id}).all()
    rows = {
        leader.id: LeaderRow(leader, priority, bool(linked))
        for leader, priority, linked, _ in found
    }
    if not rows:
        return Dashboard([], coach.coach_pairing is not None)
    values = {"coach_id": coach.id, "now": now, "today": now.date(), "since": now - RECENT}
    for user_id, at in db.session.execute(_last_activity_statement(), values):
        rows[user_id].last_active = _aware(at)
    for leader_id, count in db.session.execute(_overdue_actions_statement(), values):
        rows[leader_id].overdue_actions = count
    for leader_id, held, upcoming, missed in db.session.execute(_check_ins_statement(), values):
        row = rows[leader_id]
        row.last_held, row.next_check_in = _aware(held), _aware(upcoming)
        row.missed_check_in = _aware(missed)
    for user_id, count in db.session.execute(_priority_lessons_statement(), values):
        rows[user_id].priority_lessons = count
    for user_id, count, right in db.session.execute(_quick_checks_statement(), values):
        rows[user_id].answers, rows[user_id].answers_right = count, int(right or 0)
    for row in rows.values():
        _judge(row, now)
    ranked = sorted(rows.values(), key=lambda r: (-r.score, r.leader.display_name, r.leader.id))
    return Dashboard(ranked, bool(found[0].coached))


def _leader_ids():
    return select(CoachPairing.leader_id).where(CoachPairing.coach_id == bindparam("coach_id"))


@functools.cache
def _leaders_statement():
    """The leaders with their priorities, whether each priority names competencies, and
    whether the coach has a coach of their own."""
    coach_id = bindparam("coach_id")
    has_competencies = (
        select(PriorityCompetency.priority_id)
        .where(PriorityCompetency.priority_id == ImprovementPriority.id)
        .exists()
    )
    coached = select(CoachPairing.id).where(CoachPairing.leader_id == coach_id).exists()
    return (
        select(User, ImprovementPriority, has_competencies, coached.label("coached"))
        .join(CoachPairing, CoachPairing.leader_id == User.id)
        .outerjoin(ImprovementPriority, ImprovementPriority.leader_id == User.id)
        .where(CoachPairing.coach_id == coach_id)
        # The page shows no leader's roles, nor a priority's competencies.
        .options(lazyload(User.role_rows), lazyload(ImprovementPriority.competency_links))
    )


@functools.cache
def _last_activity_statement():
    leader_ids = _leader_ids()
    moments = union_all(
        select(LessonProgress.user_id.label("uid"), LessonProgress.updated_at.label("at")).where(
            LessonProgress.user_id.in_(leader_ids)
        ),
        select(Reflection.user_id, Reflection.updated_at).where(Reflection.user_id.in_(leader_ids)),
        select(QuickCheckAnswer.user_id, QuickCheckAnswer.answered_at).where(
            QuickCheckAnswer.user_id.in_(leader_ids)
        ),
        select(SelfAssessment.user_id, SelfAssessment.created_at).where(
            SelfAssessment.user_id.in_(leader_ids)
        ),
        select(CheckIn.leader_id, CheckIn.prepared_at).where(
            CheckIn.leader_id.in_(leader_ids), CheckIn.prepared_at.is_not(None)
        ),
    ).subquery()
    return select(moments.c.uid, func.max(moments.c.at)).group_by(moments.c.uid)


def _aware(value) -> datetime | None:
    """MAX() over a union loses the column's type on SQLite: text back to an aware time."""
    if value is None or isinstance(value, datetime):
        return UTCDateTime().process_result_value(value, None)
    return UTCDateTime().process_result_value(datetime.fromisoformat(str(value)), None)


@functools.cache
def _overdue_actions_statement():
    return (
        select(ActionItem.leader_id, func.count())
        .where(
            ActionItem.leader_id.in_(_leader_ids()),
            ActionItem.status == "open",
            ActionItem.due_on < bindparam("today"),
        )
        .group_by(ActionItem.leader_id)
    )


@functools.cache
def _check_ins_statement():
    """Per leader: the last check-in held, the next one booked, the first one missed;
    a cancelled check-in is none of these."""
    now, not_held = bindparam("now", type_=UTCDateTime()), CheckIn.held_at.is_(None)
    return (
        select(
            CheckIn.leader_id,
            func.max(case((CheckIn.held_at.is_not(None), CheckIn.starts_at))),
            func.min(case((and_(not_held, CheckIn.starts_at >= now), CheckIn.starts_at))),
            func.min(case((and_(not_held, CheckIn.starts_at < now), CheckIn.starts_at))),
        )
        .where(CheckIn.leader_id.in_(_leader_ids()), CheckIn.cancelled_at.is_(None))
        .group_by(CheckIn.leader_id)
    )


@functools.cache
def _priority_lessons_statement():
    """Lessons on the priority's competencies completed lately."""
    return (
        select(LessonProgress.user_id, func.count(func.distinct(LessonProgress.lesson_id)))
        .join(LessonCompetency, LessonCompetency.lesson_id == LessonProgress.lesson_id)
        .join(
            PriorityCompetency, PriorityCompetency.competency_id == LessonCompetency.competency_id
        )
        .join(
            ImprovementPriority,
            and_(
                ImprovementPriority.id == PriorityCompetency.priority_id,
                ImprovementPriority.leader_id == LessonProgress.user_id,
            ),
        )
        .where(
            LessonProgress.user_id.in_(_leader_ids()),
            LessonProgress.completed_at >= bindparam("since", type_=UTCDateTime()),
        )
        .group_by(LessonProgress.user_id)
    )


@functools.cache
def _quick_checks_statement():
    return (
        select(
            QuickCheckAnswer.user_id,
            func.count(),
            func.sum(case((QuickCheckAnswer.first_correct, 1), else_=0)),
        )
        .where(
            QuickCheckAnswer.user_id.in_(_leader_ids()),
            QuickCheckAnswer.answered_at >= bindparam("since", type_=UTCDateTime()),
        )
        .group_by(QuickCheckAnswer.user_id)
    )


def _days(now: datetime, then: datetime) -> int:
    return max(0, (now - then).days)


def _judge(row: LeaderRow, now: datetime) -> None:
    """The reasons to look at this leader, worst first, and a score to rank by."""
    add = row.reasons.append
    if row.missed_check_in is not None:
        add(Reason("check_in_overdue", _days(now, row.missed_check_in), when=row.missed_check_in))
        row.score += 40
    elif row.next_check_in is None:
        if row.last_held is None:
            add(Reason("no_check_in_yet"))
            row.score += 25
        elif _days(now, row.last_held) >= CHECK_IN_EVERY_DAYS:
            add(Reason("no_check_in_booked", _days(now, row.last_held), when=row.last_held))
            row.score += 20
    if row.overdue_actions:
        add(Reason("overdue_actions", row.overdue_actions))
        row.score += 15 * row.overdue_actions
    if row.last_active is None:
        add(Reason("never_active"))
        row.score += 30
    elif _days(now, row.last_active) >= QUIET_DAYS:
        days = _days(now, row.last_active)
        add(Reason("quiet", days, when=row.last_active))
        row.score += min(days, 60)
    if row.priority is None:
        add(Reason("no_priority"))
        row.score += 10
    elif (
        row.priority.status == "active"
        and row.priority_has_competencies
        and not row.priority_lessons
    ):
        add(Reason("no_priority_progress", RECENT.days))
        row.score += 10
    if row.answers >= QUICK_CHECKS_MIN and 2 * row.answers_right < row.answers:
        add(Reason("quick_checks", row.answers_right, row.answers))
        row.score += 10
