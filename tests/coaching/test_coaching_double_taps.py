"""Double taps on every coaching write a person may repeat: identical requests sent at the
same moment each get their ordinary answer, never a 500, and leave one row (see
tests/learning/test_double_taps.py for the pattern)."""

from __future__ import annotations

from datetime import date, time

import pytest
from sqlalchemy import delete, func, select

from app.coaching import services
from app.coaching.models import (
    ActionItem,
    CheckIn,
    CoachPairing,
    CoachRating,
    ImprovementPriority,
    PriorityChange,
    PriorityCompetency,
    PrivateNote,
    SharedEntry,
)
from app.extensions import db
from app.forms import new_form_key
from app.learning import services as learning
from app.learning.models import Lesson
from app.notifications.models import Notification
from tests.phones import Phone

ROUNDS = 5
TAPS = 3


def _count(model, **where) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(model).filter_by(**where))


def _forget(*models) -> None:
    db.session.rollback()
    for model in models:
        db.session.execute(delete(model))
    db.session.commit()


@pytest.fixture
def coach_phone(live_server, coach):
    return Phone(live_server, coach)


@pytest.fixture
def leader_phone(live_server, leader):
    return Phone(live_server, leader)


def test_pairing(live_server, make_user, coach, leader):
    admin = Phone(live_server, make_user("admin"))
    for _round in range(ROUNDS):
        _forget(CoachPairing)
        fields = {"coach": coach.id, "leader": leader.id}
        assert admin.together("POST", "/coaching/pairings", fields, taps=TAPS) == [303] * TAPS
        assert _count(CoachPairing, leader_id=leader.id, coach_id=coach.id) == 1


def test_priority(coach_phone, pair, leader, framework):
    competency = [c for d in framework.domains for c in d.competencies][0]
    url = f"/coaching/leaders/{leader.id}/priority"
    for n in range(ROUNDS):
        _forget(ImprovementPriority)
        fields = {
            "title": f"Reading {n}",
            "status": "active",
            "competency": competency.id,
            "key": new_form_key(),
        }
        assert coach_phone.together("POST", url, fields, taps=TAPS) == [303] * TAPS
        assert _count(ImprovementPriority, leader_id=leader.id) == 1
        assert _count(PriorityChange) == 1
        assert _count(PriorityCompetency, competency_id=competency.id) == 1


def test_booking_a_check_in(coach_phone, pair, leader):
    url = f"/coaching/leaders/{leader.id}/check-ins/new"
    for _n in range(ROUNDS):
        _forget(CheckIn)
        fields = {"day": "2030-05-06", "at": "10:00", "mode": "call", "key": new_form_key()}
        assert coach_phone.together("POST", url, fields, taps=TAPS) == [303] * TAPS
        assert _count(CheckIn, leader_id=leader.id) == 1


def test_moving_a_check_in(coach_phone, leader, check_in):
    """The same move sent three times at once moves it once: one more on the calendar
    file's sequence, one notification."""
    url = f"/coaching/check-ins/{check_in.id}/reschedule"
    for n in range(ROUNDS):
        fields = {"day": f"2030-04-{n + 1:02d}", "at": "10:00"}
        assert coach_phone.together("POST", url, fields, taps=TAPS) == [303] * TAPS
        db.session.rollback()
        moved = db.session.get(CheckIn, check_in.id)
        assert (moved.sequence, moved.starts_at.day) == (n + 1, n + 1)
        assert _count(Notification, user_id=leader.id, kind="coaching.check_in_moved") == n + 1


def test_cancelling_a_check_in(leader_phone, coach, leader, pair):
    for n in range(ROUNDS):
        check_in = services.schedule_check_in(
            coach, leader, day=date(2030, 5, n + 1), at=time(9), mode="call", key=new_form_key()
        )
        url = f"/coaching/check-ins/{check_in.id}/cancel"
        statuses = leader_phone.together("POST", url, {"reason": f"Ill {n}"}, taps=TAPS)
        assert statuses == [303] * TAPS
        db.session.rollback()
        cancelled = db.session.get(CheckIn, check_in.id)
        assert (cancelled.sequence, cancelled.cancel_reason) == (1, f"Ill {n}")
        assert cancelled.cancelled_at is not None
        kind = "coaching.check_in_cancelled_because"
        assert _count(Notification, user_id=coach.id, kind=kind) == n + 1


def test_preparation_notes_ratings_and_actions(coach_phone, leader_phone, priority, check_in):
    base = f"/coaching/check-ins/{check_in.id}"
    prep = {"tried": "a", "happened": "b", "help_needed": "c"}
    competency = priority.competency_ids[0]
    for n in range(ROUNDS):
        _forget(ActionItem, CoachRating, PrivateNote)
        assert leader_phone.together("POST", f"{base}/preparation", prep, taps=TAPS) == [303] * TAPS
        notes = {"notes": f"shared {n}", "private": f"private {n}"}
        assert coach_phone.together("POST", f"{base}/notes", notes, taps=TAPS) == [303] * TAPS
        assert _count(PrivateNote) == 1
        ratings = {f"c{competency}": "2"}
        assert coach_phone.together("POST", f"{base}/ratings", ratings, taps=TAPS) == [303] * TAPS
        assert _count(CoachRating) == 1
        action = {
            "title": "Observe",
            "owner": "leader",
            "due_on": "2030-05-20",
            "key": new_form_key(),
        }
        assert coach_phone.together("POST", f"{base}/actions", action, taps=TAPS) == [303] * TAPS
        assert _count(ActionItem) == 1
        action_id = db.session.scalar(select(ActionItem.id))
        statuses = leader_phone.together(
            "POST", f"/coaching/actions/{action_id}", {"done": "1"}, taps=TAPS
        )
        assert statuses == [303] * TAPS
        db.session.rollback()
        assert db.session.get(ActionItem, action_id).done


def test_sharing_an_entry(leader_phone, pair, leader, make_course):
    make_course("taps", lessons=1)
    reflection = learning.save_reflection(leader, db.session.scalar(select(Lesson)), "My entry")
    for _round in range(ROUNDS):
        _forget(SharedEntry)
        url = f"/coaching/notebook/{reflection.id}"
        assert leader_phone.together("POST", f"{url}/share", taps=TAPS) == [303] * TAPS
        assert _count(SharedEntry) == 1
        assert leader_phone.together("POST", f"{url}/unshare", taps=TAPS) == [303] * TAPS
        assert _count(SharedEntry) == 0
    assert services.notebook(leader)[0].shared is False
