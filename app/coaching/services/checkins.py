"""Check-ins: booked by the coach, prepared by the leader, recorded by the coach."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select

from app.accounts.models import User
from app.db import upsert, utcnow
from app.errors import N_
from app.extensions import db
from app.form_keys import claim_form_key
from app.forms import single_line_breaks

from ..models import MODES, CheckIn, CoachPairing, CoachRating, PrivateNote
from ._common import CoachingError
from .priorities import rating_scale

TEXT_MAX_CHARS = 5000
FIRST_YEAR, LAST_YEAR = 2000, 2100


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def zone_of(person: User) -> ZoneInfo:
    """The time zone a person's times are read and shown in (UTC when theirs is unknown)."""
    return _zone(person.timezone)


def local_to_utc(day: date, at: time, timezone: str) -> datetime:
    """A wall-clock time where the person is, as the UTC instant it names."""
    return datetime.combine(day, at, tzinfo=_zone(timezone)).astimezone(UTC)


def check_in_start(day: date, at: time, timezone: str) -> datetime:
    """When a check-in booked or moved to ``day`` ``at`` on ``timezone``'s clock starts.
    A year mistyped (0202, 20266) is refused: it is no meeting anyone means, and a day at
    the ends of the calendar has no UTC instant at all."""
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise CoachingError(
            N_("Check the year: choose a day between %(first)s and %(last)s."),
            "day",
            first=FIRST_YEAR,
            last=LAST_YEAR,
        )
    return local_to_utc(day, at, timezone)


def schedule_check_in(
    coach: User,
    leader: User,
    *,
    day: date,
    at: time,
    mode: str,
    key: str,
) -> CheckIn:
    """Book a check-in at ``day`` ``at`` in the coach's own time zone. The same form sent
    again (``key``) gives back the check-in it booked. Commits."""
    if mode not in MODES:
        raise CoachingError(N_("Choose how you will meet."), "mode")
    paired = db.session.scalar(
        select(CoachPairing.id).filter_by(coach_id=coach.id, leader_id=leader.id)
    )
    if paired is None:
        raise CoachingError(N_("You do not coach %(name)s."), name=leader.display_name)
    starts_at = check_in_start(day, at, coach.timezone)
    claimed = claim_form_key(coach.id, key, "coaching.schedule_check_in", CoachingError)
    if not claimed.added:
        db.session.commit()
        return db.session.get(CheckIn, claimed.row_id)
    check_in = CheckIn(
        coach_id=coach.id, leader_id=leader.id, starts_at=starts_at, mode=mode, created_at=utcnow()
    )
    db.session.add(check_in)
    db.session.flush()
    claimed.record(check_in.id)
    db.session.commit()
    return check_in


def get_check_in(check_in_id: int) -> CheckIn | None:
    return db.session.get(CheckIn, check_in_id)


def check_ins_of(leader: User) -> list[CheckIn]:
    """Every check-in of ``leader``, the latest first."""
    return list(
        db.session.scalars(
            select(CheckIn)
            .where(CheckIn.leader_id == leader.id)
            .order_by(CheckIn.starts_at.desc(), CheckIn.id.desc())
        )
    )


def _clip(text: str | None) -> str:
    text = (single_line_breaks(text) or "").strip()
    if len(text) > TEXT_MAX_CHARS:
        raise CoachingError(
            N_("Keep each answer under %(count)s characters."), count=TEXT_MAX_CHARS
        )
    return text


def _not_cancelled(check_in: CheckIn) -> None:
    if check_in.cancelled:
        raise CoachingError(N_("This check-in was cancelled. Book a new one instead."))


def save_preparation(check_in: CheckIn, *, tried: str, happened: str, help_needed: str) -> None:
    """The leader's preparation; sending it again replaces it. Commits."""
    _not_cancelled(check_in)
    check_in.prep_tried = _clip(tried)
    check_in.prep_happened = _clip(happened)
    check_in.prep_help = _clip(help_needed)
    check_in.prepared_at = utcnow()
    db.session.commit()


def save_notes(check_in: CheckIn, *, shared: str, private: str, held: bool = True) -> None:
    """The coach's record: shared notes on the check-in, private ones apart. Saving marks
    the check-in held (first time only); a cancelled one was not held. Commits."""
    _not_cancelled(check_in)
    shared, private = _clip(shared), _clip(private)
    check_in.notes = shared
    if held and check_in.held_at is None:
        check_in.held_at = utcnow()
    upsert(
        PrivateNote,
        {"check_in_id": check_in.id, "body": private, "updated_at": utcnow()},
        key=("check_in_id",),
        update=("body", "updated_at"),
    )
    db.session.commit()


def private_note(check_in: CheckIn) -> str:
    """For the coach's eyes only: callers check ``can_see_private_notes`` first."""
    return (
        db.session.scalar(select(PrivateNote.body).where(PrivateNote.check_in_id == check_in.id))
        or ""
    )


def save_ratings(check_in: CheckIn, ratings: Mapping[int, int | str]) -> None:
    """The coach's rating per competency at this check-in; what is not rated now is
    left as it was. A level may come as its number or as the form's text for it. Refuses a
    competency outside the leader's priority, a level the framework does not have (its
    ``invalid`` parameter names the competencies to fix) and nothing rated at all. Commits."""
    scale = rating_scale(check_in.leader)
    unknown = sorted(set(ratings) - set(scale.competency_ids))
    if unknown:
        raise CoachingError(
            N_("Rate only the competencies of the leader's priority."), competency_ids=unknown
        )
    levels = {str(number): number for number in scale.level_numbers}
    chosen = {c: levels[str(v).strip()] for c, v in ratings.items() if str(v).strip() in levels}
    invalid = set(ratings) - set(chosen)
    if invalid or not chosen:
        raise CoachingError(
            N_("Choose one of the levels for at least one competency."),
            invalid=invalid,
            chosen=chosen,
            levels=scale.level_numbers,
        )
    upsert(
        CoachRating,
        [
            {"check_in_id": check_in.id, "competency_id": c, "level": level}
            for c, level in sorted(chosen.items())
        ],
        key=("check_in_id", "competency_id"),
        update=("level",),
    )
    db.session.commit()


def ratings_at(check_in: CheckIn) -> dict[int, int]:
    return dict(
        db.session.execute(
            select(CoachRating.competency_id, CoachRating.level).where(
                CoachRating.check_in_id == check_in.id
            )
        ).all()
    )


def latest_coach_ratings(leader: User) -> dict[int, int]:
    """Each competency's most recent coach rating of ``leader``."""
    rows = db.session.execute(
        select(CoachRating.competency_id, CoachRating.level)
        .join(CheckIn, CheckIn.id == CoachRating.check_in_id)
        .where(CheckIn.leader_id == leader.id)
        .order_by(CheckIn.starts_at, CheckIn.id)
    )
    return {competency_id: level for competency_id, level in rows}
