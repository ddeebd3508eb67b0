"""Action items agreed at a check-in: an owner, a due date, ticked off by either side."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select, update

from app.accounts.models import User
from app.db import upsert, utcnow
from app.errors import N_
from app.extensions import db
from app.form_keys import claim_form_key
from app.units import building_block

from ..models import OWNERS, ActionItem, CheckIn
from ._common import CoachingError

TITLE_MAX_CHARS = 300


def add_action(check_in: CheckIn, *, title: str, owner: str, due_on: date, key: str) -> ActionItem:
    """A new action on ``check_in``, added by its coach (who alone may); the same form sent
    again (``key``) gives back the action it added. Commits."""
    title = (title or "").strip()
    if not title:
        raise CoachingError(N_("Say what is to be done."), "title")
    if len(title) > TITLE_MAX_CHARS:
        raise CoachingError(N_("Keep it under %(count)s characters."), "title", count=300)
    if owner not in OWNERS:
        raise CoachingError(N_("Choose who will do it."), "owner")
    claimed = claim_form_key(check_in.coach_id, key, "coaching.add_action", CoachingError)
    if not claimed.added:
        db.session.commit()
        return db.session.get(ActionItem, claimed.row_id)
    action = ActionItem(
        check_in_id=check_in.id,
        leader_id=check_in.leader_id,
        create_key=key,  # an action's own key, as a practice's (add_leader_action) is
        title=title,
        owner=owner,
        due_on=due_on,
        status="open",
        created_at=utcnow(),
    )
    db.session.add(action)
    db.session.flush()
    claimed.record(action.id)
    db.session.commit()
    return action


@building_block
def add_leader_action(
    leader_id: int, *, title: str, due_on: date, create_key: str
) -> ActionItem | None:
    """An action a leader takes on from elsewhere (a practice they will try), put on their
    latest check-in that was not cancelled, so their coach sees it with the others; None
    when they have no check-in to put it on yet. The same ``create_key`` again adds it
    once. Never commits (the calling area's unit of work)."""
    check_in_id = db.session.scalar(
        select(CheckIn.id)
        .where(CheckIn.leader_id == leader_id, CheckIn.cancelled_at.is_(None))
        .order_by(CheckIn.starts_at.desc(), CheckIn.id.desc())
        .limit(1)
    )
    if check_in_id is None:
        return None
    upsert(
        ActionItem,
        {
            "check_in_id": check_in_id,
            "leader_id": leader_id,
            "create_key": create_key,
            "title": title.strip()[:TITLE_MAX_CHARS],
            "owner": "leader",
            "due_on": due_on,
            "status": "open",
            "created_at": utcnow(),
        },
        key=("check_in_id", "create_key"),
    )
    return db.session.scalars(
        select(ActionItem).filter_by(check_in_id=check_in_id, create_key=create_key)
    ).one()


def get_action(action_id: int) -> ActionItem | None:
    return db.session.get(ActionItem, action_id)


def set_action_done(action: ActionItem, done: bool, by: User) -> ActionItem:
    """Tick an action off (or open it again). Saying the same twice changes nothing more:
    the first tick's time and person stay. Commits."""
    if done:
        values = {"status": "done", "done_at": utcnow(), "done_by_id": by.id}
        condition = ActionItem.status != "done"
    else:
        values = {"status": "open", "done_at": None, "done_by_id": None}
        condition = ActionItem.status != "open"
    db.session.execute(
        update(ActionItem).where(ActionItem.id == action.id, condition).values(**values)
    )
    db.session.commit()
    db.session.refresh(action)
    return action


def actions_of(leader: User) -> list[ActionItem]:
    """The leader's actions: open ones first, soonest due first."""
    return list(
        db.session.scalars(
            select(ActionItem)
            .where(ActionItem.leader_id == leader.id)
            .order_by(ActionItem.status.desc(), ActionItem.due_on, ActionItem.id)
        )
    )


def actions_at(check_in: CheckIn) -> list[ActionItem]:
    return list(
        db.session.scalars(
            select(ActionItem)
            .where(ActionItem.check_in_id == check_in.id)
            .order_by(ActionItem.due_on, ActionItem.id)
        )
    )
