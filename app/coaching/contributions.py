"""What coaching contributes to programme reports and to a person's data
(``app/registry.py``): check-ins planned and held, actions completed, coach ratings, and
preparing as activity; a leader's coaching record to download; and on erasure a leader's
record goes, while a coach's private notes go and the leaders' records stay."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import String, cast, delete, func, literal, or_, select, union

from app import registry
from app.extensions import db
from app.notifications import services as notifications
from app.notifications.models import Notification

from .models import (
    ActionItem,
    CheckIn,
    CoachPairing,
    CoachRating,
    ImprovementPriority,
    PrivateNote,
    SharedEntry,
)
from .services import CHANGE_KINDS


def _export_record(user_id: int) -> list[dict]:
    """As a leader: the priority, each check-in's shared record and the actions (never the
    coach's private notes, which are the coach's)."""
    priority = registry.rows(
        select(
            ImprovementPriority.title,
            ImprovementPriority.why,
            ImprovementPriority.measure,
            ImprovementPriority.baseline,
            ImprovementPriority.target,
            ImprovementPriority.status,
        ).where(ImprovementPriority.leader_id == user_id)
    )
    check_ins = registry.rows(
        select(
            CheckIn.starts_at,
            CheckIn.mode,
            CheckIn.prep_tried,
            CheckIn.prep_happened,
            CheckIn.prep_help,
            CheckIn.notes,
            CheckIn.held_at,
            CheckIn.cancelled_at,
            CheckIn.cancel_reason,
        )
        .where(CheckIn.leader_id == user_id)
        .order_by(CheckIn.starts_at)
    )
    actions = registry.rows(
        select(ActionItem.title, ActionItem.owner, ActionItem.due_on, ActionItem.status)
        .where(ActionItem.leader_id == user_id)
        .order_by(ActionItem.id)
    )
    return [
        *({"kind": "priority", **row} for row in priority),
        *({"kind": "check-in", **row} for row in check_ins),
        *({"kind": "action", **row} for row in actions),
    ]


def _erase(user_id: int) -> None:
    led = select(CheckIn.id).where(CheckIn.leader_id == user_id)
    coached = select(CheckIn.id).where(CheckIn.coach_id == user_id)
    _forget_reminders_naming(user_id)
    _forget_changes_by(user_id)
    # As a coach: their private notes go; the leaders' shared records stay theirs.
    db.session.execute(delete(PrivateNote).where(PrivateNote.check_in_id.in_(coached)))
    # As a leader: the whole record.
    for model, condition in (
        (PrivateNote, PrivateNote.check_in_id.in_(led)),
        (CoachRating, CoachRating.check_in_id.in_(led)),
        (ActionItem, ActionItem.leader_id == user_id),
        (SharedEntry, SharedEntry.leader_id == user_id),
        (CheckIn, CheckIn.leader_id == user_id),
        (ImprovementPriority, ImprovementPriority.leader_id == user_id),
        (CoachPairing, CoachPairing.leader_id == user_id),
    ):
        db.session.execute(delete(model).where(condition))


def _forget_reminders_naming(coach_id: int) -> None:
    """Reminders to prepare named the coach; reminders.py keys them "coaching.prepare:<id>",
    and "coaching.prepare:<id>:<sequence>" once the check-in was moved. Only the notifications
    of the coach's leaders are read."""
    key = literal("coaching.prepare:") + cast(CheckIn.id, String)
    theirs = (
        select(CheckIn.id)
        .where(
            CheckIn.coach_id == coach_id,
            or_(Notification.dedupe_key == key, Notification.dedupe_key.like(key + ":%")),
        )
        .exists()
    )
    notifications.forget_names(
        Notification.user_id.in_(select(CheckIn.leader_id).where(CheckIn.coach_id == coach_id))
        & (Notification.kind == "coaching.prepare")
        & theirs,
        "coach",
    )


def _forget_changes_by(user_id: int) -> None:
    """Moves and cancellations told the other side who made them (``rescheduling`` keys
    them ``…:by<id>``). The other side is someone on a check-in or a pairing with the
    person: only their notifications are read."""
    others = union(
        select(CheckIn.coach_id).where(CheckIn.leader_id == user_id),
        select(CheckIn.leader_id).where(CheckIn.coach_id == user_id),
        select(CoachPairing.coach_id).where(CoachPairing.leader_id == user_id),
        select(CoachPairing.leader_id).where(CoachPairing.coach_id == user_id),
    )
    notifications.forget_names(
        Notification.user_id.in_(others)
        & Notification.kind.in_(CHANGE_KINDS)
        & Notification.dedupe_key.like(f"%:by{user_id}"),
        "name",
    )


def _count(condition, column=CheckIn.leader_id):
    return lambda: (
        select(column.label("user_id"), func.count().label("value"))
        .where(condition)
        .group_by(column)
    )


registry.personal_data("coaching", export=_export_record, erase=_erase)
# A cancelled check-in was not planned in the end: nor is it missed (planned, not held).
registry.person_metric(
    "check_ins_planned", _l("Check-ins planned"), _count(CheckIn.cancelled_at.is_(None))
)
registry.person_metric("check_ins_held", _l("Check-ins held"), _count(CheckIn.held_at.is_not(None)))
registry.person_metric(
    "actions_done",
    _l("Actions completed"),
    _count(ActionItem.status == "done", ActionItem.leader_id),
)
registry.ratings(
    "coach",
    _l("Coach ratings"),
    lambda: select(
        CheckIn.leader_id.label("user_id"),
        CoachRating.competency_id,
        CheckIn.held_at.label("at"),
        CoachRating.level,
    ).join(CheckIn, CheckIn.id == CoachRating.check_in_id),
)
registry.activity(
    "check_in_preparation",
    lambda: select(CheckIn.leader_id.label("user_id"), CheckIn.prepared_at.label("at")).where(
        CheckIn.prepared_at.is_not(None)
    ),
)
