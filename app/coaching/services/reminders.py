"""Reminders as in-app notifications: a check-in coming up, a preparation not written,
an action past its date. :func:`send_reminders` is run by the job queue's periodic task
and by ``flask coaching remind``; each reminder is told once (its dedupe key)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import String, case, cast, literal, select

from app.db import utcnow
from app.errors import N_
from app.extensions import db
from app.notifications import services as notifications
from app.notifications.models import Notification
from app.offload import let_requests_run

from ..models import ActionItem, CheckIn, CoachPairing

SOON = timedelta(hours=24)
OVERDUE_KEY = "coaching.overdue:"
#: Overdue actions told per statement (:func:`_remind_overdue_actions`).
SLICE = 200
PREPARE_WITHIN = timedelta(hours=48)

# The check-in's time is kept as a moment and written when the notification is read, in
# the reader's language and on their clock (a digest: the recipient's).
notifications.kind(
    "coaching.check_in_soon", N_("Your coaching check-in is on %(when)s."), moments=("when",)
)
notifications.kind(
    "coaching.prepare", N_("Prepare for your check-in with %(coach)s: what did you try?")
)
notifications.kind("coaching.action_overdue", N_("An action is past its date: %(title)s"))


@dataclass
class Sent:
    check_ins_soon: int = 0
    preparations: int = 0
    overdue_actions: int = 0

    @property
    def total(self) -> int:
        return self.check_ins_soon + self.preparations + self.overdue_actions


def check_in_path(check_in_id: int) -> str:
    """The check-in's path, built without a request (a job, a command)."""
    script_name = urlsplit(current_app.config["PUBLIC_URL"]).path or "/"
    adapter = current_app.url_map.bind("localhost", script_name=script_name)
    return adapter.build("coaching.show_check_in", {"check_in_id": check_in_id})


def _moved(check_in: CheckIn) -> str:
    """What tells a moved check-in's reminders from those of the time it had before (a
    check-in never moved keeps the keys it always had, so none is told twice)."""
    return f":{check_in.sequence}" if check_in.sequence else ""


def _upcoming(now: datetime, within: timedelta) -> list[CheckIn]:
    return list(
        db.session.scalars(
            select(CheckIn).where(
                CheckIn.held_at.is_(None),
                CheckIn.cancelled_at.is_(None),
                CheckIn.starts_at > now,
                CheckIn.starts_at <= now + within,
            )
        )
    )


def send_reminders(now: datetime | None = None) -> Sent:
    """Tell people what is coming up or overdue at ``now``. Running it again tells nobody
    anything twice. Commits."""
    now = now or utcnow()
    sent = Sent()
    for check_in in _upcoming(now, SOON):
        for person in (check_in.leader, check_in.coach):
            notifications.notify(
                person.id,
                "coaching.check_in_soon",
                url=check_in_path(check_in.id),
                dedupe_key=f"coaching.soon:{check_in.id}:{check_in.starts_at:%Y%m%d%H%M}"
                + _moved(check_in),
                when=notifications.moment(check_in.starts_at),
            )
            sent.check_ins_soon += 1
    for check_in in _upcoming(now, PREPARE_WITHIN):
        if check_in.prepared_at is None:
            notifications.notify(
                check_in.leader_id,
                "coaching.prepare",
                url=check_in_path(check_in.id),
                dedupe_key=f"coaching.prepare:{check_in.id}{_moved(check_in)}",
                coach=check_in.coach.display_name,
            )
            sent.preparations += 1
    sent.overdue_actions = _remind_overdue_actions(now)
    db.session.commit()
    return sent


def _remind_overdue_actions(now: datetime) -> int:
    """Each open action past its date, told once to its owner. Only the actions not told
    yet are read, :data:`SLICE` at a time, each slice told in one INSERT and committed
    before the pause that lets requests run: a country's year of actions is a few
    statements a slice the first time, one statement once all are told. How many were
    told."""
    owner_id = case(
        (ActionItem.owner == "leader", ActionItem.leader_id), else_=CoachPairing.coach_id
    )
    key = literal(OVERDUE_KEY) + cast(ActionItem.id, String)
    told = (
        select(Notification.id)
        .where(Notification.user_id == owner_id, Notification.dedupe_key == key)
        .exists()
    )
    untold = (
        select(ActionItem.id, owner_id, ActionItem.check_in_id, ActionItem.title)
        .join(CoachPairing, CoachPairing.leader_id == ActionItem.leader_id)
        .where(ActionItem.status == "open", ActionItem.due_on < now.date(), ~told)
        .order_by(ActionItem.id)
        .limit(SLICE)
    )
    count, after = 0, 0
    while rows := db.session.execute(untold.where(ActionItem.id > after)).all():
        count += notifications.notify_apiece(
            notifications.Message(
                owner,
                "coaching.action_overdue",
                check_in_path(check_in_id),
                f"{OVERDUE_KEY}{action_id}",
                {"title": title},
            )
            for action_id, owner, check_in_id, title in rows
        )
        db.session.commit()
        if len(rows) < SLICE:
            break
        after = rows[-1][0]
        let_requests_run()
    return count
