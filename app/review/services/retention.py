"""Retention, for the leader's coach: per competency, the share of review answers given
right, over all and in the last two weeks (the trend), in one statement."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, func, select
from sqlalchemy.orm import lazyload

from app.accounts.models import User
from app.coaching.models import CoachPairing
from app.extensions import db
from app.frameworks.models import Competency
from app.learning.models import LessonCompetency

from ..models import ReviewAnswer

RECENT = timedelta(days=14)
#: A fall in the share right this large (recent against before) is flagged.
FALL = 0.15


@dataclass
class CompetencyRetention:
    competency: Competency
    answers: int
    right: int
    recent_answers: int
    recent_right: int

    @property
    def share(self) -> int:
        return round(100 * self.right / self.answers) if self.answers else 0

    @property
    def recent_share(self) -> int | None:
        if not self.recent_answers:
            return None
        return round(100 * self.recent_right / self.recent_answers)

    @property
    def falling(self) -> bool:
        """Right less often in the last two weeks than before them."""
        earlier = self.answers - self.recent_answers
        if not earlier or not self.recent_answers:
            return False
        before = (self.right - self.recent_right) / earlier
        return self.recent_right / self.recent_answers < before - FALL


def leader_retention(leader_id: int, now: datetime) -> list[CompetencyRetention]:
    """The leader's review answers by the competencies of their lessons, by code."""
    recent = ReviewAnswer.answered_at >= now - RECENT
    right = case((ReviewAnswer.correct.is_(True), 1), else_=0)
    rows = db.session.execute(
        select(
            Competency,
            func.count(),
            func.sum(right),
            func.sum(case((recent, 1), else_=0)),
            func.sum(case((recent & ReviewAnswer.correct.is_(True), 1), else_=0)),
        )
        .join(LessonCompetency, LessonCompetency.competency_id == Competency.id)
        .join(ReviewAnswer, ReviewAnswer.lesson_id == LessonCompetency.lesson_id)
        .where(ReviewAnswer.user_id == leader_id)
        .group_by(Competency.id)
        .order_by(Competency.code)
    ).all()
    return [
        CompetencyRetention(c, n, int(r or 0), int(rn or 0), int(rr or 0))
        for c, n, r, rn, rr in rows
    ]


def falling_leaders(coach_id: int, now: datetime) -> list[User]:
    """The coach's leaders whose share right is falling in some competency (the rule of
    :attr:`CompetencyRetention.falling`), by name: one statement for the whole list, for
    the coach's dashboard."""
    recent = ReviewAnswer.answered_at >= now - RECENT
    right = ReviewAnswer.correct.is_(True)
    leaders = select(CoachPairing.leader_id).where(CoachPairing.coach_id == coach_id)
    per_competency = (
        select(
            ReviewAnswer.user_id,
            func.count().label("answers"),
            func.sum(case((right, 1), else_=0)).label("right"),
            func.sum(case((recent, 1), else_=0)).label("recent"),
            func.sum(case((recent & right, 1), else_=0)).label("recent_right"),
        )
        .join(LessonCompetency, LessonCompetency.lesson_id == ReviewAnswer.lesson_id)
        .where(ReviewAnswer.user_id.in_(leaders))
        .group_by(ReviewAnswer.user_id, LessonCompetency.competency_id)
        .subquery()
    )
    c = per_competency.c
    earlier = c.answers - c.recent
    # recent_right / recent < (right - recent_right) / earlier - FALL, times recent × earlier.
    falling = (earlier > 0) & (c.recent > 0)
    falling &= c.recent_right * earlier < (c.right - c.recent_right) * c.recent - (
        FALL * c.recent * earlier
    )
    return list(
        db.session.scalars(
            select(User)
            .where(User.id.in_(select(c.user_id).where(falling)))
            .order_by(User.name, User.id)
            .options(lazyload(User.role_rows))
        )
    )
