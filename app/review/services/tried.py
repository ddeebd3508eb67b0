"""Beyond recall: a lesson's "have you tried it?" question ("Did you hold a short classroom
visit this week?"), written by its author (``Lesson.tried_prompt``, in every language of
the course), asked once per leader after the lesson's last recall review.

The rule: a lesson's recall is done for a leader when **every question of it that takes
part in the review has been answered right at least once in a review** (not only in the
lesson's quick check). Its question comes in the next day's review: on a later day of the
leader's than their last review answer to that lesson, once the day's questions are done
(or none are due). One lesson at a time, the longest learned first, until the leader
answers Yes, Not yet or Not for my school; an answer is final (one row per leader and
lesson, so a double tap or a second phone keeps one). The answers show on the leader's
growth page and to their coach.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case, exists, func, select
from sqlalchemy.orm import joinedload

from app.db import upsert
from app.errors import N_
from app.extensions import db
from app.learning.models import Lesson, LessonProgress

from ..models import ReviewAnswer, TriedAnswer
from ._common import ReviewError
from .today import day_start, learned_questions

YES, NOT_YET, NOT_FOR_US = "yes", "not_yet", "not_for_us"
ANSWERS = (YES, NOT_YET, NOT_FOR_US)


@dataclass
class TriedQuestion:
    lesson: Lesson
    language: str

    @property
    def prompt(self):
        return self.lesson.translated("tried_prompt", self.language)

    @property
    def title(self):
        return self.lesson.translated("title", self.language)


def _recalled_lessons(user_id: int, today: datetime):
    """Ids of the leader's lessons whose recall is done (the module's rule), with a
    question, not yet answered, and not reviewed today."""
    base = learned_questions(user_id).subquery()
    right = (
        select(ReviewAnswer.question_id)
        .where(
            ReviewAnswer.user_id == user_id,
            ReviewAnswer.question_id == base.c.question_id,
            ReviewAnswer.correct.is_(True),
        )
        .exists()
    )
    reviewed_today = exists().where(
        ReviewAnswer.user_id == user_id,
        ReviewAnswer.lesson_id == base.c.lesson_id,
        ReviewAnswer.answered_at >= today,
    )
    answered = exists().where(
        TriedAnswer.user_id == user_id, TriedAnswer.lesson_id == base.c.lesson_id
    )
    return (
        select(base.c.lesson_id)
        .where(~answered, ~reviewed_today)
        .group_by(base.c.lesson_id)
        .having(func.sum(case((right, 0), else_=1)) == 0)
    )


def tried_question(user, now: datetime, language: str) -> TriedQuestion | None:
    """The one "have you tried it?" question to ask the leader now, if any: one statement."""
    lesson = db.session.scalars(
        select(Lesson)
        .options(joinedload(Lesson.course))
        .join(
            LessonProgress,
            and_(LessonProgress.lesson_id == Lesson.id, LessonProgress.user_id == user.id),
        )
        .where(
            Lesson.id.in_(_recalled_lessons(user.id, day_start(now, user.timezone))),
            Lesson.tried_prompt != "",
        )
        .order_by(LessonProgress.completed_at, Lesson.id)
        .limit(1)
    ).first()
    return TriedQuestion(lesson, language) if lesson else None


def record_tried(user, lesson_id: int, answer: str, now: datetime) -> None:
    """Keep the leader's answer to a lesson's question; the same again changes nothing.
    Raises :class:`ReviewError` for a lesson that has no question for them (never learned,
    or no question written). Commits."""
    if answer not in ANSWERS:
        raise ReviewError(N_("Choose one of the answers."), field="answer")
    asked = db.session.scalar(
        select(Lesson.id)
        .join(
            LessonProgress,
            and_(
                LessonProgress.lesson_id == Lesson.id,
                LessonProgress.user_id == user.id,
                LessonProgress.completed_at.is_not(None),
            ),
        )
        .where(Lesson.id == lesson_id, Lesson.tried_prompt != "")
    )
    if asked is None:
        raise ReviewError(N_("This question is not in your review."))
    upsert(
        TriedAnswer,
        {"user_id": user.id, "lesson_id": lesson_id, "answer": answer, "answered_at": now},
        key=("user_id", "lesson_id"),
    )
    db.session.commit()


@dataclass
class TriedRow:
    lesson: Lesson
    answer: str
    answered_at: datetime


def tried_answers(user_id: int) -> list[TriedRow]:
    """The leader's answers, the latest first (their growth page, their coach): one
    statement."""
    rows = db.session.execute(
        select(Lesson, TriedAnswer.answer, TriedAnswer.answered_at)
        .options(joinedload(Lesson.course))
        .join(TriedAnswer, TriedAnswer.lesson_id == Lesson.id)
        .where(TriedAnswer.user_id == user_id)
        .order_by(TriedAnswer.answered_at.desc(), Lesson.id)
    ).all()
    return [TriedRow(lesson, answer, at) for lesson, answer, at in rows]
