"""The leader's growth against the default framework, and self-assessment sittings."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import case, delete, func, literal, select, union_all

from app.db import upsert
from app.extensions import db
from app.form_keys import claim_form_key
from app.frameworks import catalogue as framework_catalogue
from app.frameworks import services as frameworks
from app.frameworks.catalogue import CompetencyEntry, DomainEntry, FrameworkEntry
from app.frameworks.models import Competency, Domain, Framework

from .. import catalogue
from ..models import (
    LessonProgress,
    QuickCheckAnswer,
    SelfAssessment,
    SelfRating,
)
from ._common import LearningError


@dataclass
class CompetencyGrowth:
    competency: CompetencyEntry
    lessons_available: int = 0
    lessons_done: int = 0
    answers: int = 0
    answers_correct: int = 0
    first_level: int | None = None
    latest_level: int | None = None

    @property
    def accuracy(self) -> int | None:
        return round(100 * self.answers_correct / self.answers) if self.answers else None

    @property
    def level_change(self) -> int | None:
        if self.first_level is None or self.latest_level is None:
            return None
        return self.latest_level - self.first_level


@dataclass
class DomainGrowth:
    domain: DomainEntry
    competencies: list[CompetencyGrowth]


@dataclass
class Growth:
    framework: FrameworkEntry | None
    domains: list[DomainGrowth]
    assessments: int
    first_assessed: datetime | None
    latest_assessed: datetime | None
    level_names: dict[int, str] = field(default_factory=dict)

    def level_label(self, number: int | None) -> str:
        return f"{number} {self.level_names.get(number, '')}".strip() if number else ""


def growth(user) -> Growth:
    """The leader's growth in each competency of the default framework: two statements
    (the framework and the lessons are the process's kept published content)."""
    framework = framework_catalogue.default_framework()
    if framework is None:
        return Growth(None, [], 0, None, None)
    rows = {c.id: CompetencyGrowth(c) for d in framework.domains for c in d.competencies}
    _add_lessons_and_answers(rows, user)
    dates = _add_levels(rows, user, framework)
    return Growth(
        framework=framework,
        domains=[
            DomainGrowth(d, [rows[c.id] for c in d.competencies])
            for d in framework.domains
            if d.competencies
        ],
        assessments=len(dates),
        first_assessed=dates[0] if dates else None,
        latest_assessed=dates[-1] if dates else None,
        level_names={level.number: level.name for level in framework.levels},
    )


def _add_lessons_and_answers(rows: dict[int, CompetencyGrowth], user) -> None:
    """Published lessons per competency (the kept catalogue), how many of them the leader
    completed, and their quick-check answers in them and how many were right first time:
    one statement, per lesson, spread over each lesson's competencies."""
    lessons = catalogue.current().by_id
    for lesson in lessons.values():
        for tag in lesson.competencies:
            if row := rows.get(tag.id):
                row.lessons_available += 1
    done = select(
        LessonProgress.lesson_id,
        literal(1).label("done"),
        literal(0).label("answers"),
        literal(0).label("correct"),
    ).where(LessonProgress.user_id == user.id, LessonProgress.completed_at.is_not(None))
    answered = select(
        QuickCheckAnswer.lesson_id,
        literal(0),
        literal(1),
        case((QuickCheckAnswer.first_correct, 1), else_=0),
    ).where(QuickCheckAnswer.user_id == user.id)
    both = union_all(done, answered).subquery()
    per_lesson = select(
        both.c.lesson_id, func.max(both.c.done), func.sum(both.c.answers), func.sum(both.c.correct)
    ).group_by(both.c.lesson_id)
    for lesson_id, was_done, answers, correct in db.session.execute(per_lesson):
        lesson = lessons.get(lesson_id)
        if lesson is None:
            continue
        for tag in lesson.competencies:
            if row := rows.get(tag.id):
                row.lessons_done += int(was_done or 0)
                row.answers += int(answers or 0)
                row.answers_correct += int(correct or 0)


def _add_levels(rows: dict[int, CompetencyGrowth], user, framework) -> list[datetime]:
    """Each competency's first and latest self-rated level; returns the dates of the
    leader's self-assessment sittings, oldest first."""
    ratings = db.session.execute(
        select(
            SelfAssessment.id, SelfAssessment.created_at, SelfRating.competency_id, SelfRating.level
        )
        .join(SelfRating, SelfRating.assessment_id == SelfAssessment.id)
        .where(SelfAssessment.user_id == user.id, SelfAssessment.framework_id == framework.id)
        .order_by(SelfAssessment.created_at, SelfAssessment.id)
    )
    sittings: dict[int, datetime] = {}
    for assessment_id, created_at, competency_id, level in ratings:
        sittings[assessment_id] = created_at
        row = rows.get(competency_id)
        if row is None:
            continue
        if row.first_level is None:
            row.first_level = level
        row.latest_level = level
    return list(sittings.values())


@dataclass
class AssessmentForm:
    framework: Framework
    domains: list[tuple[Domain, list[Competency]]]
    latest: dict[int, int]


def self_assessment_form(user) -> AssessmentForm | None:
    framework = frameworks.default_framework()
    if framework is None:
        return None
    by_domain = frameworks.competencies_by_domain(framework)
    latest_id = (
        select(SelfAssessment.id)
        .where(SelfAssessment.user_id == user.id, SelfAssessment.framework_id == framework.id)
        .order_by(SelfAssessment.created_at.desc(), SelfAssessment.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    latest = dict(
        db.session.execute(
            select(SelfRating.competency_id, SelfRating.level).where(
                SelfRating.assessment_id == latest_id
            )
        ).all()
    )
    return AssessmentForm(
        framework=framework,
        domains=[(d, by_domain[d.id]) for d in framework.domains if by_domain.get(d.id)],
        latest=latest,
    )


def record_self_assessment(
    user, framework: Framework, ratings: dict[int, int], key: str
) -> SelfAssessment:
    """A new sitting; competencies left unrated are simply absent. Commits.

    ``key`` is the key of the form the leader filled in (``app/form_keys.py``). The same
    key sent again (a double tap, or the form sent a second time) is the same sitting: one
    row, holding the ratings sent last.
    """
    levels = {level.number for level in framework.levels}
    valid = {
        c.id
        for c in db.session.scalars(
            select(Competency).where(
                Competency.framework_id == framework.id, Competency.retired.is_(False)
            )
        )
    }
    for competency_id, level in ratings.items():
        if competency_id not in valid or level not in levels:
            raise ValueError(f"competency {competency_id} cannot be rated {level}")
    claim = claim_form_key(user.id, key, "learning.self_assessment", LearningError)
    if claim.added:
        assessment = SelfAssessment(user_id=user.id, framework_id=framework.id)
        db.session.add(assessment)
        db.session.flush()
        claim.record(assessment.id)
    else:  # sent before: this is that sitting
        assessment = db.session.get(SelfAssessment, claim.row_id)
    if ratings:
        upsert(
            SelfRating,
            [
                {"assessment_id": assessment.id, "competency_id": competency_id, "level": level}
                # in one order, so two sends of the sitting lock its ratings in the same order
                for competency_id, level in sorted(ratings.items())
            ],
            key=("assessment_id", "competency_id"),
            update=("level",),
        )
    if not claim.added:  # what the sitting rated before and not this time goes
        db.session.execute(
            delete(SelfRating).where(
                SelfRating.assessment_id == assessment.id,
                SelfRating.competency_id.not_in(list(ratings)),
            )
        )
    db.session.commit()
    return assessment
