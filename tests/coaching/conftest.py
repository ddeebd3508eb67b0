"""Fixtures for coaching: a coach paired with a leader, with the default framework."""

from __future__ import annotations

from datetime import date, time

import pytest

from app.coaching import services
from app.forms import new_form_key
from tests.learning.conftest import count_queries, demo_course, framework, make_course  # noqa: F401


@pytest.fixture
def coach(make_user):
    return make_user("coach", name="Joseph Coach", timezone="Africa/Nairobi")


@pytest.fixture
def leader(make_user):
    return make_user("leader", name="Grace Leader", timezone="Africa/Nairobi")


@pytest.fixture
def pair(coach, leader):
    return services.pair(coach, leader)


@pytest.fixture
def priority(pair, coach, leader, framework):  # noqa: F811  (the imported fixture)
    competencies = [c for d in framework.domains for c in d.competencies][:2]
    return services.save_priority(
        leader,
        services.PriorityFields(
            title="Every lesson checks understanding",
            why="Pupils fall behind unseen.",
            measure="Lessons observed that check understanding",
            baseline="2 of 10",
            target="8 of 10",
            competency_ids=tuple(c.id for c in competencies),
        ),
        by=coach,
        framework_id=framework.id,
        key=new_form_key(),
    )


@pytest.fixture
def check_in(pair, coach, leader):
    return services.schedule_check_in(
        coach, leader, day=date(2030, 3, 4), at=time(9, 30), mode="call", key=new_form_key()
    )
