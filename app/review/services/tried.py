"""Beyond recall: a lesson's "have you tried it?" question ("Did you hold a short classroom
visit this week?"), written by its author (``Lesson.tried_prompt``, in every language of
the course), asked after the lesson's last recall review.

The rule: a lesson's recall is done for a leader when **every question of it that takes
part in the review has been answered right at least once in a review** (not only in the
lesson's quick check). Its question comes in the next day's review: on a later day of the
leader's than their last review answer to that lesson, once the day's questions are done
(or none are due). One lesson at a time, the longest learned first.

"Yes" and "Not for my school" are final. "Not yet" is asked again a week later
(:data:`ASK_AGAIN_AFTER`), as long as the lesson was completed at most four weeks before
(:data:`ASK_AGAIN_WITHIN`); so a leader is asked at most four times, then no more, and
"Not yet" stays their answer. Why: the prompts ask about a week at school ("this week"),
so a week on is a fresh one in which to try, and asking sooner would nag; a practice not
tried within a month of the lesson is unlikely to be tried because the phone asks once
more, and a prompt that comes back for ever teaches leaders to skip it. The stop is read
from the lesson's completion, which is kept anyway, rather than from a count of asks,
which would need a column. Their coach sees the "Not yet" and can take it up in a
check-in.

One row per leader and lesson holds the latest answer (the growth page and the coach show
it). An answer is taken only while the question is open — never answered, or a "Not yet"
due to be asked again — in one conditional upsert: a double tap, a replay from the
phone's queue or a second phone finds the answer just given and changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, case, exists, func, literal, or_, select
from sqlalchemy.orm import joinedload

from app.db import UTCDateTime, upsert
from app.errors import N_
from app.extensions import db
from app.learning.models import Lesson, LessonProgress

from ..models import ReviewAnswer, TriedAnswer
from ._common import ReviewError
from .today import day_start, learned_questions

YES, NOT_YET, NOT_FOR_US = "yes", "not_yet", "not_for_us"
ANSWERS = (YES, NOT_YET, NOT_FOR_US)
#: A "Not yet" is asked again this long after it was given ...
ASK_AGAIN_AFTER = timedelta(days=7)
#: ... while the lesson was completed at most this long before (the module's rule).
ASK_AGAIN_WITHIN = timedelta(days=28)


def _asked_again(answer, answered_at, completed_at, now: datetime):
    """Holds for a "Not yet" (its ``answer`` and ``answered_at``, of a lesson completed at
    ``completed_at``: columns) that is due to be asked again at ``now``."""
    return and_(
        answer == NOT_YET,
        answered_at <= now - ASK_AGAIN_AFTER,
        completed_at >= now - ASK_AGAIN_WITHIN,
    )


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
    """Ids of the leader's lessons whose recall is done (the module's rule) and that were
    not reviewed today."""
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
    return (
        select(base.c.lesson_id)
        .where(~reviewed_today)
        .group_by(base.c.lesson_id)
        .having(func.sum(case((right, 0), else_=1)) == 0)
    )


def tried_question(user, now: datetime, language: str) -> TriedQuestion | None:
    """The one "have you tried it?" question to ask the leader now, if any: never
    answered, or a "Not yet" due to be asked again. One statement."""
    lesson = db.session.scalars(
        select(Lesson)
        .options(joinedload(Lesson.course))
        .join(
            LessonProgress,
            and_(LessonProgress.lesson_id == Lesson.id, LessonProgress.user_id == user.id),
        )
        .outerjoin(
            TriedAnswer,
            and_(TriedAnswer.lesson_id == Lesson.id, TriedAnswer.user_id == user.id),
        )
        .where(
            Lesson.id.in_(_recalled_lessons(user.id, day_start(now, user.timezone))),
            Lesson.tried_prompt != "",
            or_(
                TriedAnswer.lesson_id.is_(None),
                _asked_again(
                    TriedAnswer.answer,
                    TriedAnswer.answered_at,
                    LessonProgress.completed_at,
                    now,
                ),
            ),
        )
        .order_by(LessonProgress.completed_at, Lesson.id)
        .limit(1)
    ).first()
    return TriedQuestion(lesson, language) if lesson else None


def record_tried(user, lesson_id: int, answer: str, now: datetime) -> bool:
    """Keep the leader's answer to a lesson's question while it is open (never answered, or
    a "Not yet" due to be asked again); otherwise (a double tap, a replay, an answer already
    final) change nothing. Returns whether the question will be asked again: the answer
    kept is a "Not yet" whose week ends within :data:`ASK_AGAIN_WITHIN`. Raises
    :class:`ReviewError` for a lesson that has no question for them (never learned, or no
    question written). Commits."""
    if answer not in ANSWERS:
        raise ReviewError(N_("Choose one of the answers."), field="answer")
    completed_at = db.session.scalar(
        select(LessonProgress.completed_at)
        .join(Lesson, Lesson.id == LessonProgress.lesson_id)
        .where(
            LessonProgress.user_id == user.id,
            LessonProgress.lesson_id == lesson_id,
            LessonProgress.completed_at.is_not(None),
            Lesson.tried_prompt != "",
        )
    )
    if completed_at is None:
        raise ReviewError(N_("This question is not in your review."))
    again = _asked_again(
        TriedAnswer.answer, TriedAnswer.answered_at, literal(completed_at, UTCDateTime), now
    )
    upsert(
        TriedAnswer,
        {"user_id": user.id, "lesson_id": lesson_id, "answer": answer, "answered_at": now},
        key=("user_id", "lesson_id"),
        update=["answer", "answered_at"],
        where=again,
    )
    kept = db.session.get(TriedAnswer, (user.id, lesson_id), populate_existing=True)
    db.session.commit()
    return (
        kept.answer == NOT_YET
        and kept.answered_at + ASK_AGAIN_AFTER <= completed_at + ASK_AGAIN_WITHIN
    )


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
