"""Recording a review answer: once per key, at the moment the leader answered (bounded),
moving the question's card on by FSRS."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, select

from app.db import upsert
from app.errors import N_
from app.extensions import db
from app.form_keys import claim_key
from app.learning import catalogue
from app.learning.catalogue import LessonEntry, QuestionEntry
from app.learning.models import LessonProgress, QuickCheckAnswer

from ..models import ReviewAnswer, ReviewCard
from . import scheduler
from ._common import ReviewError, question_language
from .reminders import withdraw_reminders

ACTION = "review.answer"


def _learned(user_id: int, question_id: int):
    """The leader's quick-check answer to the question in a lesson they completed, with
    its card (None: never reviewed); None when they never learned it."""
    return db.session.execute(
        select(QuickCheckAnswer, ReviewCard)
        .join(
            LessonProgress,
            and_(
                LessonProgress.user_id == QuickCheckAnswer.user_id,
                LessonProgress.lesson_id == QuickCheckAnswer.lesson_id,
                LessonProgress.completed_at.is_not(None),
            ),
        )
        .outerjoin(
            ReviewCard,
            and_(
                ReviewCard.user_id == QuickCheckAnswer.user_id,
                ReviewCard.question_id == QuickCheckAnswer.question_id,
            ),
        )
        .where(QuickCheckAnswer.user_id == user_id, QuickCheckAnswer.question_id == question_id)
    ).first()


def _published_question(lesson_id: int, question_id: int) -> QuestionEntry | None:
    lesson = catalogue.get(lesson_id)
    if lesson is None:
        return None
    return next((q for q in catalogue.lesson_detail(lesson).questions if q.id == question_id), None)


def _memory(card: ReviewCard) -> scheduler.Memory:
    return scheduler.Memory(
        card.state,
        card.stability,
        card.difficulty,
        card.due,
        card.last_review,
        card.reviews,
        card.lapses,
    )


def answer_moment(said: datetime | None, now: datetime, earliest: datetime) -> datetime:
    """When the leader answered: what the phone said, never after ``now``, never before
    ``earliest`` (the question's last review) nor older than the answers kept."""
    oldest = now - timedelta(days=current_app.config["REVIEW_ANSWER_MAX_AGE_DAYS"])
    moment = min(said or now, now)
    return max(moment, earliest, oldest)


def record_answer(
    user, question_id: int, choice: int, key: str, now: datetime, said_at: datetime | None = None
) -> ReviewAnswer:
    """Record ``user``'s review answer and move the question's card on, and withdraw their
    unread reminder once nothing is left to review today; the same ``key`` again (a double
    tap, a replay, a second phone with the same offline copy) gives back the first answer
    and changes nothing. Raises :class:`ReviewError` for a question the leader
    has not learned. Commits."""
    learned = _learned(user.id, question_id)
    question = learned and _published_question(learned[0].lesson_id, question_id)
    if not question:
        raise ReviewError(N_("This question is not in your review."))
    if not 1 <= choice <= len(question.choices):
        raise ReviewError(N_("Choose one of the answers."), field="choice")
    first, card = learned
    claim = claim_key(user.id, key, ACTION)
    if not claim.added:
        earlier = db.session.get(ReviewAnswer, claim.row_id) if claim.row_id else None
        db.session.commit()
        if earlier is None or earlier.user_id != user.id:
            raise ReviewError(N_("This question is not in your review."))
        return earlier
    memory = (
        _memory(card) if card else scheduler.first_review(first.first_correct, first.answered_at)
    )
    moment = answer_moment(said_at, now, memory.last_review)
    correct = choice == question.answer
    memory = scheduler.review(memory, correct, moment)
    values = {
        "user_id": user.id,
        "question_id": question_id,
        "lesson_id": first.lesson_id,
        "state": memory.state,
        "stability": memory.stability,
        "difficulty": memory.difficulty,
        "due": memory.due,
        "last_review": memory.last_review,
        "reviews": memory.reviews,
        "lapses": memory.lapses,
    }
    upsert(
        ReviewCard,
        values,
        key=("user_id", "question_id"),
        update=[k for k in values if k not in ("user_id", "question_id")],
    )
    answer = ReviewAnswer(
        user_id=user.id,
        question_id=question_id,
        lesson_id=first.lesson_id,
        choice=choice,
        correct=correct,
        answered_at=moment,
        received_at=now,
    )
    db.session.add(answer)
    db.session.flush()
    claim.record(answer.id)
    withdraw_reminders(now, user)  # the day's review done: its reminder is moot
    db.session.commit()
    return answer


@dataclass
class Feedback:
    answer: ReviewAnswer
    question: QuestionEntry
    lesson: LessonEntry
    language: str

    def text(self, field: str):
        return self.question.translated(field, self.language)

    @property
    def choices(self) -> tuple[str, ...]:
        return self.question.translation(self.language).get("choices") or self.question.choices


def feedback(user, answer_id: int, language: str) -> Feedback | None:
    """One of ``user``'s review answers with its question and explanation; None when it is
    not theirs (or the lesson is no longer published)."""
    answer = db.session.get(ReviewAnswer, answer_id)
    if answer is None or answer.user_id != user.id:
        return None
    question = _published_question(answer.lesson_id, answer.question_id)
    if question is None:
        return None
    return Feedback(
        answer, question, catalogue.get(answer.lesson_id), question_language(question, language)
    )
