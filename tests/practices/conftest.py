"""Fixtures for practices: Amina (a leader coached by Joseph) in a group with Baraka;
Chen, a leader in no group; another coach; an admin; and helpers that write practices
through the services."""

from __future__ import annotations

import itertools
from datetime import date, time
from types import SimpleNamespace

import pytest

from app.coaching import services as coaching
from app.forms import new_form_key
from app.groups import services as groups
from app.practices import services
from app.practices.models import Status
from tests.learning.conftest import framework  # noqa: F401  (fixture)
from tests.programmes.conftest import admin, cohort, enrol, programme  # noqa: F401  (fixtures)

_keys = itertools.count(1)


def new_key() -> str:
    return f"practice-key-{next(_keys):08d}"


def fields(title="Reading corners", **overrides) -> services.PracticeFields:
    values = {
        "title": title,
        "problem": "Pupils read little at home.",
        "steps": "Each class builds a corner with donated books; pupils borrow them.",
        "takes": "A shelf, 30 books, one teacher a week.",
        "evidence": "Books borrowed per week went from 0 to 120.",
        "language": "en",
        **overrides,
    }
    return services.PracticeFields(**values)


@pytest.fixture
def w(make_user, framework):  # noqa: F811
    w = SimpleNamespace(
        amina=make_user("leader", name="Amina Yusuf"),
        baraka=make_user("leader", name="Baraka Odhiambo"),
        chen=make_user("leader", name="Chen Wei"),
        coach=make_user("coach", name="Joseph Otieno"),
        other_coach=make_user("coach", name="Ruth Achieng"),
        admin=make_user("admin", name="Fatuma Hassan"),
        framework=framework,
    )
    coaching.pair(w.coach, w.amina)
    coaching.pair(w.coach, w.baraka)
    w.group = groups.create_group("Kibera cluster")
    groups.add_member(w.group, w.amina)
    groups.add_member(w.group, w.baraka)
    return w


def make_practice(w, status=Status.APPROVED, author=None, **overrides):
    """A practice by ``author`` (Amina) brought to ``status`` through the services."""
    author = author or w.amina
    practice = services.create_practice(author, fields(**overrides), new_key())
    if status == Status.DRAFT:
        return practice
    services.submit_practice(practice, author)
    if status == Status.SUBMITTED:
        return practice
    reviewer = w.coach if practice.reviewer_id == w.coach.id else w.admin
    decision = "approve" if status == Status.APPROVED else "changes"
    services.review_practice(practice, reviewer, decision, "Say more about week 1.", new_key())
    return practice


def book_check_in(w, leader):
    return coaching.schedule_check_in(
        w.coach, leader, day=date(2030, 3, 4), at=time(9), mode="call", key=new_form_key()
    )
