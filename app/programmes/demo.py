"""Demo programme for `make run`: the demo leaders and forty more in one cohort, with ten
weeks of lessons and two self-assessments each, so the reports have something to show.
Safe to run again: nothing is added once the cohort exists. Its report's figures are
worked out at once, so the report page says "as of" from the start.

Reports hide any count of one to four people in any region (``services/suppression.py``),
so the demo's leaders keep a steady rhythm: each opens a lesson every other week, half of
each region one week and half the next, and every week has five or more active leaders in
each region to show."""

from __future__ import annotations

import random
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import select

from app.accounts import services as accounts
from app.accounts.models import User
from app.db import utcnow
from app.extensions import db
from app.frameworks.models import Competency, Framework
from app.learning.models import Course, Lesson, LessonProgress, SelfAssessment, SelfRating
from app.roles import Role

from .models import Cohort, CohortMember, LeaderProfile, Programme, ProgrammeCourse
from .services.aggregates import refresh_reports

PROGRAMME = "Kenya School Leaders 2026"
COHORT = "Nairobi and Coast"
DEMO_LEADERS = ("+254700000001", "amani@example.org", "+254700000003", "coach@example.org")
EXTRA_LEADERS = 40
STEADY_LESSONS = 5  # lessons every extra leader opens, one every other week
WEEKS = 10


def load_demo_programme() -> str:
    if db.session.scalar(select(Cohort.id).where(Cohort.name == COHORT)):
        return "Demo programme already loaded."
    framework = db.session.scalars(select(Framework).order_by(Framework.id)).first()
    programme = Programme(name=PROGRAMME, region="KE", framework=framework)
    programme.course_links = [
        ProgrammeCourse(course_id=cid) for cid in db.session.scalars(select(Course.id))
    ]
    today = utcnow().date()
    cohort = Cohort(
        programme=programme,
        name=COHORT,
        starts_on=today - timedelta(weeks=WEEKS),
        ends_on=today + timedelta(weeks=16),
    )
    db.session.add_all([programme, cohort])
    db.session.flush()
    members = [accounts.find_user(identifier) for identifier in DEMO_LEADERS]
    members = [user for user in members if user is not None]
    members += _extra_leaders()
    rng = random.Random(15)
    for n, user in enumerate(members):
        region = "Coast" if n % 3 == 0 else "Nairobi"
        db.session.add(CohortMember(cohort_id=cohort.id, user_id=user.id, region=region))
        if n >= len(DEMO_LEADERS):  # the demo people's own learning is theirs to do
            _answers(user, rng)
            _activity(user, n % 2, cohort, framework, rng)
    cohort.member_count = len(members)
    db.session.commit()
    # Its report's figures now, as the job queue would work them out on the first view.
    refresh_reports(programme.id)
    return f"Demo programme: {len(members)} leaders in cohort {COHORT!r}, report ready."


def _extra_leaders() -> list[User]:
    users = []
    for n in range(1, EXTRA_LEADERS + 1):
        email = f"leader{n:02d}@demo.example.org"
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None:
            user = User(email=email, name=f"Demo Leader {n:02d}", country="KE")
            user.set_roles([Role.LEADER])
            db.session.add(user)
        users.append(user)
    db.session.flush()
    return users


def _answers(user: User, rng: random.Random) -> None:
    if rng.random() < 0.15:
        return  # some leaders answer nothing
    db.session.add(
        LeaderProfile(
            user_id=user.id,
            consent_at=utcnow(),
            gender=rng.choice(["woman", "woman", "man", "man", None]),
            years_as_head=rng.choice([1, 2, 4, 7, 12, None]),
            school_type=rng.choice(["public", "public", "private", "faith"]),
            school_size=rng.choice(["under_200", "200_499", "500_999"]),
            locality=rng.choice(["rural", "rural", "urban", "peri_urban"]),
        )
    )


def _activity(user, first_week: int, cohort, framework, rng: random.Random) -> None:
    start = datetime.combine(cohort.starts_on, time(9), tzinfo=UTC)
    lessons = db.session.scalars(select(Lesson).order_by(Lesson.course_id, Lesson.position)).all()
    keen = rng.random()
    for n, lesson in enumerate(lessons):
        if n >= STEADY_LESSONS and rng.random() > keen:
            break
        week = first_week + 2 * n if n < STEADY_LESSONS else rng.randrange(WEEKS)
        moment = start + timedelta(weeks=week, days=rng.randrange(5), hours=rng.randrange(10))
        db.session.add(
            LessonProgress(
                user_id=user.id,
                lesson_id=lesson.id,
                course_id=lesson.course_id,
                started_at=moment,
                updated_at=moment,
                completed_at=moment if rng.random() < 0.8 else None,
            )
        )
    if framework is None:
        return
    competencies = db.session.scalars(
        select(Competency.id).where(Competency.framework_id == framework.id)
    ).all()
    levels = {cid: rng.randint(1, 2) for cid in competencies}
    for week in (0, WEEKS - 1):
        sitting = SelfAssessment(
            user_id=user.id, framework_id=framework.id, created_at=start + timedelta(weeks=week)
        )
        sitting.ratings = [SelfRating(competency_id=c, level=lv) for c, lv in levels.items()]
        db.session.add(sitting)
        levels = {c: min(4, lv + rng.choice([0, 0, 1, 1, 2])) for c, lv in levels.items()}
