"""What the daily review contributes to programme reports and to a person's data
(``app/registry.py``): review answers and how many were right per leader, the share right
per competency (first review against latest, under the reports' small-group rule); and
the cards, answers and choices a person can download or have erased."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, delete, func, select

from app import registry
from app.extensions import db
from app.learning.models import Lesson, LessonCompetency

from .models import ReviewAnswer, ReviewCard, ReviewSettings, TriedAnswer


def _export_answers(user_id: int) -> list[dict]:
    return registry.rows(
        select(
            Lesson.slug.label("lesson"),
            ReviewAnswer.question_id,
            ReviewAnswer.choice,
            ReviewAnswer.correct,
            ReviewAnswer.answered_at,
            ReviewAnswer.received_at,
        )
        .join(Lesson, Lesson.id == ReviewAnswer.lesson_id)
        .where(ReviewAnswer.user_id == user_id)
        .order_by(ReviewAnswer.answered_at, ReviewAnswer.id)
    )


def _export_cards(user_id: int) -> list[dict]:
    return registry.rows(
        select(
            Lesson.slug.label("lesson"),
            ReviewCard.question_id,
            ReviewCard.due,
            ReviewCard.last_review,
            ReviewCard.reviews,
            ReviewCard.lapses,
            ReviewCard.stability,
            ReviewCard.difficulty,
        )
        .join(Lesson, Lesson.id == ReviewCard.lesson_id)
        .where(ReviewCard.user_id == user_id)
        .order_by(ReviewCard.question_id)
    )


def _export_settings(user_id: int) -> list[dict]:
    return registry.rows(
        select(ReviewSettings.per_day, ReviewSettings.remind_hour, ReviewSettings.updated_at).where(
            ReviewSettings.user_id == user_id
        )
    )


def _eraser(model):
    def erase(user_id: int) -> None:
        db.session.execute(delete(model).where(model.user_id == user_id))

    return erase


registry.personal_data("review_answers", export=_export_answers, erase=_eraser(ReviewAnswer))
registry.personal_data("review_cards", export=_export_cards, erase=_eraser(ReviewCard))
registry.personal_data("review_settings", export=_export_settings, erase=_eraser(ReviewSettings))


def _export_tried(user_id: int) -> list[dict]:
    return registry.rows(
        select(Lesson.slug.label("lesson"), TriedAnswer.answer, TriedAnswer.answered_at)
        .join(Lesson, Lesson.id == TriedAnswer.lesson_id)
        .where(TriedAnswer.user_id == user_id)
        .order_by(TriedAnswer.answered_at, Lesson.slug)
    )


registry.personal_data("review_tried", export=_export_tried, erase=_eraser(TriedAnswer))


def _of_courses(statement, courses):
    if courses is None:
        return statement
    return statement.where(
        ReviewAnswer.lesson_id.in_(select(Lesson.id).where(Lesson.course_id.in_(courses)))
    )


def _answers(courses=None):
    statement = select(ReviewAnswer.user_id, func.count().label("value"))
    return _of_courses(statement, courses).group_by(ReviewAnswer.user_id)


def _right(courses=None):
    right = func.sum(case((ReviewAnswer.correct.is_(True), 1), else_=0)).label("value")
    statement = select(ReviewAnswer.user_id, right)
    return _of_courses(statement, courses).group_by(ReviewAnswer.user_id)


def _activity(courses=None):
    return _of_courses(select(ReviewAnswer.user_id, ReviewAnswer.answered_at.label("at")), courses)


def _recall(courses=None):
    """Each review answer as a "rating" of its lesson's competencies: 100 right, 0 wrong; the
    report shows each competency's mean at leaders' first review and at their latest."""
    level = case((ReviewAnswer.correct.is_(True), 100), else_=0).label("level")
    statement = select(
        ReviewAnswer.user_id,
        LessonCompetency.competency_id,
        ReviewAnswer.answered_at.label("at"),
        level,
    ).join(LessonCompetency, LessonCompetency.lesson_id == ReviewAnswer.lesson_id)
    return _of_courses(statement, courses)


# A programme's report counts the reviews of its own courses (``by_course``).
registry.person_metric("review_answers", _l("Review answers"), _answers, by_course=True)
registry.person_metric("review_right", _l("Review answers right"), _right, by_course=True)
registry.activity("review_answers", _activity, by_course=True)
registry.ratings("review_recall", _l("Daily review, share right"), _recall, by_course=True)
