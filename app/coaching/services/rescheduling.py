"""Moving and cancelling a check-in, by its leader or their coach; the other side is told.

Each change is one conditional ``UPDATE`` that also counts up the check-in's ``sequence``
(its calendar file's SEQUENCE), so the same change sent twice at once, a double tap on a
slow link, is made once on SQLite and PostgreSQL alike: the second finds the check-in
already at that time, or already cancelled, and changes nothing.
"""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import update

from app.accounts.models import User
from app.db import utcnow
from app.errors import N_
from app.extensions import db
from app.notifications import services as notifications
from app.units import building_block

from ..models import CheckIn
from ._common import CoachingError
from .checkins import check_in_start
from .reminders import check_in_path

REASON_MAX_CHARS = 300

# The check-in's time is written when the notification is read, on the reader's clock.
notifications.kind(
    "coaching.check_in_moved",
    N_("%(name)s moved your check-in to %(when)s."),
    moments=("when",),
)
notifications.kind(
    "coaching.check_in_cancelled",
    N_("%(name)s cancelled your check-in of %(when)s."),
    moments=("when",),
)
notifications.kind(
    "coaching.check_in_cancelled_because",
    N_("%(name)s cancelled your check-in of %(when)s: “%(reason)s”"),
    moments=("when",),
)
#: The kinds that name the person who made the change (forgotten when they are erased).
CHANGE_KINDS = (
    "coaching.check_in_moved",
    "coaching.check_in_cancelled",
    "coaching.check_in_cancelled_because",
)


def _still_open(check_in: CheckIn) -> None:
    if check_in.cancelled:
        raise CoachingError(N_("This check-in was cancelled. Book a new one instead."))
    if check_in.held:
        raise CoachingError(N_("This check-in is already recorded: it can no longer change."))


@building_block
def _change(check_in: CheckIn, by: User, now: datetime, *conditions, **values) -> bool:
    """Apply ``values`` to the check-in if it is still open and ``conditions`` hold, one
    more on its sequence; whether it changed. Part of the caller's unit of work."""
    result = db.session.execute(
        update(CheckIn)
        .where(
            CheckIn.id == check_in.id,
            CheckIn.cancelled_at.is_(None),
            CheckIn.held_at.is_(None),
            *conditions,
        )
        .values(sequence=CheckIn.sequence + 1, changed_at=now, changed_by_id=by.id, **values)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(check_in)
    return result.rowcount == 1


def _other_side(check_in: CheckIn, by: User) -> User | None:
    """Who is told of ``by``'s change: the leader, or the coach they have now (nobody when
    nobody coaches them; their former coach no longer sees the check-in)."""
    if by.id != check_in.leader_id:
        return check_in.leader
    pairing = check_in.leader.coach_pairing
    return pairing.coach if pairing is not None else None


def reschedule_check_in(
    check_in: CheckIn, by: User, *, day: date, at: time, now: datetime | None = None
) -> bool:
    """Move the check-in to ``day`` ``at`` on ``by``'s own clock, as booking reads the
    time; the other side is told. Moving it to where it already is changes nothing (a
    double tap). Whether it moved. Callers check ``can_change_check_in`` first. Commits."""
    _still_open(check_in)
    if check_in.leader.coach_pairing is None:
        raise CoachingError(
            N_("%(name)s has no coach now: this check-in can only be cancelled."),
            name=check_in.leader.display_name,
        )
    starts_at = check_in_start(day, at, by.timezone)
    moved = _change(
        check_in, by, now or utcnow(), CheckIn.starts_at != starts_at, starts_at=starts_at
    )
    if not moved:
        db.session.rollback()
        _still_open(check_in)  # cancelled or recorded meanwhile: say so
        return False
    recipient = _other_side(check_in, by)
    if recipient is not None:
        notifications.notify(
            recipient.id,
            "coaching.check_in_moved",
            url=check_in_path(check_in.id),
            dedupe_key=f"coaching.moved:{check_in.id}:{check_in.sequence}:by{by.id}",
            name=by.display_name,
            when=notifications.moment(starts_at),
        )
    db.session.commit()
    return True


def _reason(text: str | None) -> str:
    reason = " ".join((text or "").split())
    if len(reason) > REASON_MAX_CHARS:
        raise CoachingError(
            N_("Keep the reason under %(count)s characters."), "reason", count=REASON_MAX_CHARS
        )
    return reason


def cancel_check_in(
    check_in: CheckIn, by: User, *, reason: str = "", now: datetime | None = None
) -> bool:
    """Cancel the check-in, with an optional short ``reason`` the other side reads; they
    are told. Cancelling it again changes nothing (the first reason stands). Whether it was
    cancelled now. Callers check ``can_change_check_in`` first. Commits."""
    reason = _reason(reason)
    if check_in.held:
        _still_open(check_in)
    now = now or utcnow()
    if not _change(check_in, by, now, cancelled_at=now, cancel_reason=reason):
        db.session.rollback()
        if check_in.held:  # recorded meanwhile; cancelled meanwhile is what was asked
            _still_open(check_in)
        return False
    recipient = _other_side(check_in, by)
    if recipient is not None:
        notifications.notify(
            recipient.id,
            "coaching.check_in_cancelled_because" if reason else "coaching.check_in_cancelled",
            url=check_in_path(check_in.id),
            dedupe_key=f"coaching.cancelled:{check_in.id}:by{by.id}",
            name=by.display_name,
            when=notifications.moment(check_in.starts_at),
            **({"reason": reason} if reason else {}),
        )
    db.session.commit()
    return True
