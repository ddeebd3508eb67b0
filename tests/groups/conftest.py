"""Fixtures for peer groups: a group with two leaders and a coach who moderates it, and
helpers that post through the services."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import pytest

from app.groups import services
from app.groups.models import MemberRole

_keys = itertools.count(1)


def new_key() -> str:
    return f"test-key-{next(_keys):08d}"


@dataclass
class Circle:
    group: object
    grace: object
    amani: object
    coach: object
    outsider: object
    admin: object


@pytest.fixture
def circle(make_user):
    """Grace and Amani (leaders) in "Kibera cluster", Joseph (coach) moderating it; Zawadi
    a leader in no group; Fatuma an admin."""
    group = services.create_group("Kibera cluster", "Head teachers of five nearby schools")
    grace = make_user("leader", name="Grace Wanjiru")
    amani = make_user("leader", name="Amani Mutesi")
    coach = make_user("coach", "leader", name="Joseph Otieno")
    outsider = make_user("leader", name="Zawadi Njeri")
    admin = make_user("admin", name="Fatuma Hassan")
    services.add_member(group, grace)
    services.add_member(group, amani)
    services.add_member(group, coach, MemberRole.MODERATOR)
    return Circle(group, grace, amani, coach, outsider, admin)


@pytest.fixture
def thread(circle):
    return services.start_thread(
        circle.group,
        circle.grace,
        "Reading corners",
        "How do you run **reading corners**?",
        new_key(),
    )


def reply(thread, author, body, key=None, **kwargs):
    membership = services.membership_of(author, thread.group_id)
    view, _created = services.reply(thread, membership, author, body, key or new_key(), **kwargs)
    return view.post


# Courses and statement counting come from the learning area's fixtures.
from tests.learning.conftest import count_queries, framework, make_course  # noqa: E402,F401
