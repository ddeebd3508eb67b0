"""Action items agreed at a check-in: an owner, a due date, ticked off by either side."""

from __future__ import annotations

from datetime import date
from functools import cache

from sqlalchemy import bindparam, func, or_, select, update
from sqlalchemy.orm import aliased

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


@cache
def _actions_statement():
    """Built once: each done action's rank, most recently done first, and how many of
    each status there are; every open one and the done ones up to ``:shown``."""
    done_first = func.coalesce(ActionItem.done_at, ActionItem.created_at).desc()
    ranked = select(
        ActionItem,
        func.row_number()
        .over(partition_by=ActionItem.status, order_by=(done_first, ActionItem.id.desc()))
        .label("rank"),
        func.count().over(partition_by=ActionItem.status).label("of"),
    ).where(ActionItem.leader_id == bindparam("leader_id"))
    ranked = ranked.subquery()
    return (
        select(aliased(ActionItem, ranked), ranked.c.of)
        .where(or_(ranked.c.status != "done", ranked.c.rank <= bindparam("shown")))
        .order_by(ranked.c.status.desc(), ranked.c.due_on, ranked.c.id)
    )


#: Done actions the leader's own page lists: the latest done. A year of coaching leaves
#: dozens; the rest are a tap away ("Show 20 earlier done actions").
DONE_SHOWN = 5


def actions_of(leader: User, *, done_shown: int | None = None) -> tuple[list[ActionItem], int]:
    """The leader's actions, open ones first, each part soonest due first: every open one,
    and the ``done_shown`` most recently done (all when None); and how many done ones that
    leaves out. One statement."""
    shown = done_shown if done_shown is not None else 2**31 - 1
    params = {"leader_id": leader.id, "shown": shown}
    rows = db.session.execute(_actions_statement(), params).all()
    done_total = next((of for item, of in rows if item.done), 0)
    actions = [item for item, _of in rows]
    return actions, done_total - sum(item.done for item in actions)


def actions_at(check_in: CheckIn) -> list[ActionItem]:
    return list(
        db.session.scalars(
            select(ActionItem)
            .where(ActionItem.check_in_id == check_in.id)
            .order_by(ActionItem.due_on, ActionItem.id)
        )
    )
