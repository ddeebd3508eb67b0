"""Demo coaching for `make run`: the demo coach paired with the demo leaders, a priority,
past check-ins with notes, ratings and actions, one coming up, and a shared notebook
entry, so the dashboard is alive. Safe to run again: rows are found by their keys, and
a priority someone has edited since is left as it is."""

from __future__ import annotations

from datetime import time, timedelta

from sqlalchemy import select

from app.accounts import services as accounts
from app.db import utcnow
from app.extensions import db
from app.frameworks import services as frameworks
from app.frameworks.models import Competency
from app.learning import services as learning
from app.learning.models import Lesson

from . import services

COACH = "coach@example.org"
GRACE, AMANI = "+254700000001", "amani@example.org"


def _book(coach, leader, key: str, days: int, hour: int = 10, mode: str = "call"):
    """A check-in ``days`` from today at ``hour`` on the coach's clock."""
    day = (utcnow() + timedelta(days=days)).date()
    return services.schedule_check_in(coach, leader, day=day, at=time(hour), mode=mode, key=key)


def _hold(check_in, notes: str, private: str) -> None:
    services.save_notes(check_in, shared=notes, private=private)
    check_in.held_at = check_in.starts_at + timedelta(hours=1)
    db.session.commit()


def _due(days: int):
    return (utcnow() + timedelta(days=days)).date()


def _priority(coach, leader, framework) -> None:
    if services.priority_of(leader) is not None:
        return
    ids = db.session.scalars(
        select(Competency.id).where(
            Competency.framework_id == framework.id, Competency.code.in_(("LL.1", "LL.2"))
        )
    ).all()
    services.save_priority(
        leader,
        services.PriorityFields(
            title="Every lesson checks understanding before moving on",
            why="Pupils in P3 and P4 fall behind without anyone noticing until the exams.",
            measure="Lessons observed where the teacher checks understanding",
            baseline="3 of 12",
            target="10 of 12",
            competency_ids=tuple(ids),
        ),
        by=coach,
        framework_id=framework.id,
        key="demo-priority",
    )


def _grace(coach, leader, framework) -> None:
    """On track, mostly: a priority, two check-ins held, one booked, an action late."""
    _priority(coach, leader, framework)
    first = _book(coach, leader, "demo-grace-1", -28, mode="visit")
    _hold(
        first,
        "We walked P3 and P4 together. Agreed to start with exit tickets.",
        "Stretched by the building works; keep actions small.",
    )
    second = _book(coach, leader, "demo-grace-2", -10)
    services.save_preparation(
        second,
        tried="Exit tickets in four classes.",
        happened="Two teachers kept it up; two stopped after a week.",
        help_needed="How to talk to the two who stopped.",
    )
    _hold(second, "Plan a short staff meeting on exit tickets; Grace models one.", "")
    priority = services.priority_of(leader)
    services.save_ratings(second, {c: 2 for c in priority.competency_ids})
    observed = services.add_action(
        first, title="Observe two P3 lessons", owner="leader", due_on=_due(-20), key="demo-action-1"
    )
    services.set_action_done(observed, True, leader)
    services.add_action(
        second,
        title="Send exit-ticket examples",
        owner="coach",
        due_on=_due(3),
        key="demo-action-2",
    )
    services.add_action(
        second,
        title="Staff meeting on checking",
        owner="leader",
        due_on=_due(-2),
        key="demo-action-3",
    )
    _book(coach, leader, "demo-grace-3", 2, mode="video")
    # Rated herself at the start and again since: growth to set beside the coach's ratings.
    ids = priority.competency_ids
    learning.record_self_assessment(leader, framework, {c: 1 for c in ids}, "demo-start")
    learning.record_self_assessment(leader, framework, {c: 2 for c in ids}, "demo-since")
    lesson = db.session.scalar(select(Lesson).order_by(Lesson.position, Lesson.id).limit(1))
    if lesson is not None:
        learning.complete_lesson(leader, lesson)
        reflection = learning.save_reflection(
            leader, lesson, "Tried cold-calling in P4: the quiet ones knew more than I thought."
        )
        services.share_entry(leader, reflection)


def _amani(coach, leader) -> None:
    """Needs attention: a check-in that was never recorded, nothing agreed yet."""
    _book(coach, leader, "demo-amani-1", -5, mode="visit")


def load_demo_coaching() -> list[str]:
    coach = accounts.find_user(COACH)
    grace, amani = accounts.find_user(GRACE), accounts.find_user(AMANI)
    framework = frameworks.default_framework()
    if None in (coach, grace, amani) or framework is None:
        return ["Demo coaching skipped: load the demo people and framework first."]
    for leader in (grace, amani):
        services.pair(coach, leader)
    _grace(coach, grace, framework)
    _amani(coach, amani)
    return [
        f"Demo coaching: {coach.display_name} coaches {grace.display_name} and {amani.display_name}."
    ]
