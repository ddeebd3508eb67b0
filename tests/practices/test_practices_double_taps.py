"""Double taps on every write of practices: the same form sent several times at the same
moment to a real threaded server leaves one row (or one move), and every tap gets its
ordinary answer (see tests/learning/test_double_taps.py for the method)."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, func, select

from app.coaching.models import ActionItem
from app.extensions import db
from app.form_keys import FormKey
from app.notifications.models import Notification
from app.practices.models import Practice, PracticeReview, PracticeTry, Status
from tests.learning.test_double_taps import TAPS, Phone
from tests.practices.conftest import book_check_in, make_practice, new_key

pytestmark = pytest.mark.usefixtures("live_server")
ROUNDS = 5


def _count(model, **where) -> int:
    db.session.rollback()  # read what the server committed
    return db.session.scalar(select(func.count()).select_from(model).filter_by(**where))


def _forget(*models) -> None:
    db.session.rollback()
    for model in models:
        db.session.execute(delete(model))
    db.session.commit()


def test_a_new_practice_sent_at_once_is_one_draft(live_server, w):
    phone = Phone(live_server, w.amina)
    for n in range(ROUNDS):
        form = {"key": new_key(), "title": f"Huddles {n}", "steps": "Daily.", "language": "en"}
        assert phone.together("POST", "/practices/new", form) == [303] * TAPS
        assert _count(Practice, title=f"Huddles {n}") == 1
    assert _count(Practice) == ROUNDS


def test_saving_a_draft_at_once_saves_it(live_server, w):
    practice = make_practice(w, Status.DRAFT)
    phone = Phone(live_server, w.amina)
    form = {"title": "Corners", "problem": "P.", "steps": "S.", "language": "fr"}
    for _round in range(ROUNDS):
        statuses = phone.together("POST", f"/practices/{practice.id}/edit", form)
        assert statuses == [303] * TAPS
    db.session.rollback()
    assert db.session.get(Practice, practice.id).language == "fr"


def test_sending_for_review_at_once_sends_once(live_server, w):
    phone = Phone(live_server, w.amina)
    for _round in range(ROUNDS):
        practice = make_practice(w, Status.DRAFT)
        statuses = phone.together("POST", f"/practices/{practice.id}/submission")
        assert statuses == [303] * TAPS
        db.session.rollback()
        assert db.session.get(Practice, practice.id).status == Status.SUBMITTED
        assert _count(Notification, user_id=w.coach.id, url=f"/practices/{practice.id}") == 1


@pytest.mark.parametrize("decision", ["approve", "changes"])
def test_a_review_sent_at_once_is_one_review(live_server, w, decision):
    phone = Phone(live_server, w.coach)
    for _round in range(ROUNDS):
        practice = make_practice(w, Status.SUBMITTED)
        form = {"key": new_key(), "decision": decision, "comment": "Add week 2."}
        statuses = phone.together("POST", f"/practices/{practice.id}/reviews", form)
        assert statuses == [303] * TAPS
        assert _count(PracticeReview, practice_id=practice.id) == 1
        assert _count(FormKey, person_id=w.coach.id, key=form["key"]) == 1
        assert _count(Notification, user_id=w.amina.id, url=f"/practices/{practice.id}") == 1


def test_i_will_try_this_at_once_is_one_try_and_one_action(live_server, w):
    practice = make_practice(w)
    book_check_in(w, w.baraka)
    phone = Phone(live_server, w.baraka)
    for _round in range(ROUNDS):
        _forget(PracticeTry, ActionItem)
        assert phone.together("POST", f"/practices/{practice.id}/try") == [303] * TAPS
        assert _count(PracticeTry, practice_id=practice.id) == 1
        assert _count(ActionItem, leader_id=w.baraka.id) == 1
        db.session.rollback()
        assert db.session.get(Practice, practice.id).tried_count == 1


def test_how_it_went_at_once_is_counted_once(live_server, w):
    practice = make_practice(w)
    phone = Phone(live_server, w.baraka)
    for _round in range(ROUNDS):
        _forget(PracticeTry)
        form = {"outcome": "worked", "note": "Yes."}
        statuses = phone.together("POST", f"/practices/{practice.id}/outcome", form)
        assert statuses == [303] * TAPS
        assert _count(PracticeTry, practice_id=practice.id) == 1
        db.session.rollback()
        counted = db.session.get(Practice, practice.id)
        assert (counted.tried_count, counted.worked_count) == (1, 1)
    assert _count(Notification, user_id=w.amina.id, url=f"/practices/{practice.id}") == 2
