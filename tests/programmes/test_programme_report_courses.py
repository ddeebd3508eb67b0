"""A programme's reports count the lessons of its own courses (issue 24): a leader in two
programmes is counted in each for that programme's lessons only; a programme that names
no course counts every course, as before programmes had courses."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.forms import new_form_key
from app.learning.models import Lesson
from app.programmes import services
from tests.programmes.conftest import START, add_progress, new_cohort, new_programme

TODAY = START + timedelta(days=60)


@pytest.fixture
def two_programmes(admin, make_user, enrol, make_course):
    """Six leaders in a cohort of each of three programmes: "Reading" has course x,
    "Maths" course y, "All" none. Each leader completes x's two lessons in week 0 and y's
    three in week 1; L0 also opens a y lesson in week 2 without finishing it."""
    x, y = make_course("x", lessons=2), make_course("y", lessons=3)
    made = {}
    for name, courses in (("Reading", [x.id]), ("Maths", [y.id]), ("All", [])):
        programme = new_programme(admin, name, region="", course_ids=courses)
        cohort = new_cohort(
            programme, admin, name, starts_on=START, ends_on=START + timedelta(weeks=4)
        )
        made[name] = (programme, cohort)
    lessons = {
        course: db.session.scalars(select(Lesson).where(Lesson.course_id == course.id)).all()
        for course in (x, y)
    }
    for n in range(6):
        person = make_user(name=f"L{n}")
        for _, cohort in made.values():
            enrol(person, region="Nairobi", to=cohort)
        for lesson in lessons[x]:
            add_progress(person, lesson, day=1)
        for lesson in lessons[y]:
            add_progress(person, lesson, day=8)
    return made


def _figures(report):
    return report.totals["lessons_completed"], [active for _, active in report.weeks][:3]


@pytest.mark.parametrize("kept", [False, True], ids=["computed now", "kept by the job"])
def test_each_programme_counts_its_own_courses(two_programmes, kept):
    found = {}
    for name, (programme, cohort) in two_programmes.items():
        if kept:
            services.refresh_reports(programme.id)
            report = services.report_view(services.Scope(programme, cohort)).report
        else:
            report = services.build_report(services.Scope(programme, cohort), today=TODAY)
        found[name] = _figures(report)
    assert found == {
        "Reading": (12, [6, 0, 0]),  # x's lessons, in week 0
        "Maths": (18, [0, 6, 0]),  # y's, in week 1
        "All": (30, [6, 6, 0]),  # every course
    }


def test_changing_a_programmes_courses_makes_its_figures_stale(two_programmes, admin):
    programme, cohort = two_programmes["Reading"]
    services.refresh_reports(programme.id)
    y = db.session.scalar(select(Lesson.course_id).order_by(Lesson.course_id.desc()))
    services.save_programme(
        programme,
        name="Reading",
        framework_id=None,
        region="",
        course_ids=[y],
        by=admin,
        key=new_form_key(),
    )
    view = services.report_view(services.Scope(programme, cohort))
    assert view.refreshing and view.report.totals["lessons_completed"] == 12
    services.refresh_reports(programme.id)
    view = services.report_view(services.Scope(programme, cohort))
    assert view.report.totals["lessons_completed"] == 18
