"""What learning contributes to programme reports and to a person's data (``app/registry.py``):
lessons completed, activity, self-assessed growth; and the progress, answers, reflections
and self-assessments a person can download or have erased."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select

from app import registry
from app.extensions import db
from app.frameworks.models import Competency

from .models import (
    Lesson,
    LessonProgress,
    QuickCheckAnswer,
    Reflection,
    SelfAssessment,
    SelfRating,
)


def _export_progress(user_id: int) -> list[dict]:
    return registry.rows(
        select(
            Lesson.slug.label("lesson"),
            LessonProgress.position_seconds,
            LessonProgress.started_at,
            LessonProgress.updated_at,
            LessonProgress.completed_at,
        )
        .join(Lesson, Lesson.id == LessonProgress.lesson_id)
        .where(LessonProgress.user_id == user_id)
        .order_by(LessonProgress.id)
    )


def _export_answers(user_id: int) -> list[dict]:
    return registry.rows(
        select(
            Lesson.slug.label("lesson"),
            QuickCheckAnswer.question_id,
            QuickCheckAnswer.choice,
            QuickCheckAnswer.correct,
            QuickCheckAnswer.attempts,
            QuickCheckAnswer.answered_at,
        )
        .join(Lesson, Lesson.id == QuickCheckAnswer.lesson_id)
        .where(QuickCheckAnswer.user_id == user_id)
        .order_by(QuickCheckAnswer.id)
    )


def _export_reflections(user_id: int) -> list[dict]:
    return registry.rows(
        select(Lesson.slug.label("lesson"), Reflection.body, Reflection.updated_at)
        .join(Lesson, Lesson.id == Reflection.lesson_id)
        .where(Reflection.user_id == user_id)
        .order_by(Reflection.id)
    )


def _export_self_assessments(user_id: int) -> list[dict]:
    return registry.rows(
        select(
            SelfAssessment.id.label("sitting"),
            SelfAssessment.created_at,
            Competency.code.label("competency"),
            SelfRating.level,
        )
        .join(SelfRating, SelfRating.assessment_id == SelfAssessment.id)
        .join(Competency, Competency.id == SelfRating.competency_id)
        .where(SelfAssessment.user_id == user_id)
        .order_by(SelfAssessment.id, Competency.code)
    )


def _eraser(model):
    def erase(user_id: int) -> None:
        db.session.execute(delete(model).where(model.user_id == user_id))

    return erase


def _erase_self_assessments(user_id: int) -> None:
    sittings = select(SelfAssessment.id).where(SelfAssessment.user_id == user_id)
    db.session.execute(delete(SelfRating).where(SelfRating.assessment_id.in_(sittings)))
    db.session.execute(delete(SelfAssessment).where(SelfAssessment.user_id == user_id))


registry.personal_data("lesson_progress", export=_export_progress, erase=_eraser(LessonProgress))
registry.personal_data(
    "quick_check_answers", export=_export_answers, erase=_eraser(QuickCheckAnswer)
)
registry.personal_data("reflections", export=_export_reflections, erase=_eraser(Reflection))
registry.personal_data(
    "self_assessments", export=_export_self_assessments, erase=_erase_self_assessments
)


def _lessons_completed(courses=None):
    statement = select(LessonProgress.user_id, func.count().label("value")).where(
        LessonProgress.completed_at.is_not(None)
    )
    if courses is not None:
        statement = statement.where(LessonProgress.course_id.in_(courses))
    return statement.group_by(LessonProgress.user_id)


def _progress_activity(courses=None):
    statement = select(LessonProgress.user_id, LessonProgress.updated_at.label("at"))
    if courses is not None:
        statement = statement.where(LessonProgress.course_id.in_(courses))
    return statement


def _answer_activity(courses=None):
    statement = select(QuickCheckAnswer.user_id, QuickCheckAnswer.answered_at.label("at"))
    if courses is not None:
        lessons = select(Lesson.id).where(Lesson.course_id.in_(courses))
        statement = statement.where(QuickCheckAnswer.lesson_id.in_(lessons))
    return statement


# A programme's report counts the lessons of its own courses (``by_course``).
registry.person_metric(
    "lessons_completed", _l("Lessons completed"), _lessons_completed, by_course=True
)
registry.activity("lesson_progress", _progress_activity, by_course=True)
registry.activity("quick_check_answers", _answer_activity, by_course=True)
registry.ratings(
    "self_assessment",
    _l("Self-assessment"),
    lambda: select(
        SelfAssessment.user_id,
        SelfRating.competency_id,
        SelfAssessment.created_at.label("at"),
        SelfRating.level,
    ).join(SelfRating, SelfRating.assessment_id == SelfAssessment.id),
)
