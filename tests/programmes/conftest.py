"""Fixtures for the programme area: an admin, a programme with cohorts, leaders with
learning activity at known times."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from app.extensions import db
from app.forms import new_form_key
from app.learning.models import LessonProgress, SelfAssessment, SelfRating
from app.programmes import services
from app.programmes.models import CohortMember, LeaderProfile
from tests.learning.conftest import count_queries, framework, make_course  # noqa: F401

START = date(2026, 1, 5)  # a Monday


@pytest.fixture
def admin(make_user):
    return make_user("admin", name="Fatuma Admin")


def new_programme(admin, name: str, *, region: str = "", course_ids=()):
    """A programme, added as its form adds one (with the form's key)."""
    return services.save_programme(
        None,
        name=name,
        framework_id=None,
        region=region,
        course_ids=list(course_ids),
        by=admin,
        key=new_form_key(),
    )


def new_cohort(programme, admin, name: str, *, starts_on=START, ends_on=None):
    """A cohort of ``programme``, added as its form adds one (with the form's key)."""
    return services.save_cohort(
        programme,
        None,
        name=name,
        starts_on=starts_on,
        ends_on=ends_on,
        by=admin,
        key=new_form_key(),
    )


@pytest.fixture
def programme(app, admin):
    return new_programme(admin, "Heads Kenya", region="KE")


@pytest.fixture
def cohort(programme, admin):
    return new_cohort(programme, admin, "Nairobi 2026", ends_on=START + timedelta(weeks=4))


def at(day: int, hour: int = 10) -> datetime:
    """``day`` days after the cohort's start, in UTC."""
    return datetime.combine(START + timedelta(days=day), datetime.min.time(), tzinfo=UTC) + (
        timedelta(hours=hour)
    )


@pytest.fixture
def enrol(cohort):
    """``enrol(user, region="Nairobi", cohort=…)`` adds a member and keeps the count."""

    def factory(user, region="", to=None):
        target = to or cohort
        db.session.add(CohortMember(cohort_id=target.id, user_id=user.id, region=region))
        target.member_count += 1
        db.session.commit()

    return factory


def add_progress(user, lesson, *, day: int, completed: bool = True) -> None:
    moment = at(day)
    db.session.add(
        LessonProgress(
            user_id=user.id,
            lesson_id=lesson.id,
            course_id=lesson.course_id,
            started_at=moment,
            updated_at=moment,
            completed_at=moment if completed else None,
        )
    )
    db.session.commit()


def add_sitting(user, framework_id: int, levels: dict[int, int], *, day: int) -> None:
    sitting = SelfAssessment(user_id=user.id, framework_id=framework_id, created_at=at(day))
    sitting.ratings = [SelfRating(competency_id=c, level=lv) for c, lv in levels.items()]
    db.session.add(sitting)
    db.session.commit()


def add_profile(user, **answers) -> None:
    db.session.add(LeaderProfile(user_id=user.id, consent_at=at(0), **answers))
    db.session.commit()
