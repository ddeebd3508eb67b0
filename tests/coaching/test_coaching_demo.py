"""`flask demo load` pairs the demo coach with the demo leaders, once, and the dashboard
has something to say."""

from __future__ import annotations

from sqlalchemy import func, select

from app.accounts import services as accounts
from app.coaching import services
from app.coaching.models import ActionItem, CheckIn, CoachPairing, PriorityChange, SharedEntry
from app.extensions import db


def _counts() -> dict[str, int]:
    return {
        model.__name__: db.session.scalar(select(func.count()).select_from(model))
        for model in (CoachPairing, CheckIn, ActionItem, PriorityChange, SharedEntry)
    }


def test_demo_coaching_loads_once_and_the_dashboard_is_alive(runner):
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    assert "Demo coaching: Joseph Otieno coaches Grace Wanjiru and Amani Mutesi." in first.output
    loaded = _counts()
    assert loaded == {
        "CoachPairing": 2,
        "CheckIn": 4,
        "ActionItem": 4,  # 3 agreed at check-ins, 1 Amani's "I'll try this" (practices demo)
        "PriorityChange": 1,
        "SharedEntry": 1,
    }
    again = runner.invoke(args=["demo", "load"])
    assert again.exit_code == 0, again.output
    assert _counts() == loaded
    rows = services.dashboard(accounts.find_user("coach@example.org")).rows
    assert [row.leader.name for row in rows] == ["Amani Mutesi", "Grace Wanjiru"]
    assert {r.code for r in rows[0].reasons} >= {"check_in_overdue", "no_priority"}
    assert {r.code for r in rows[1].reasons} == {"overdue_actions"}
