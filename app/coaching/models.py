"""Coaching: who coaches whom, the priority they agreed, their check-ins and what came of them.

A leader has at most one coach (``CoachPairing.leader_id`` is unique); a coach may be a
leader too, coached by someone else. Every row a person may send twice is either the one
row they have (upserted on its natural key) or carries the key its form was drawn with.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from app.accounts.models import User
from app.db import UTCDateTime, utcnow
from app.extensions import db
from app.frameworks.models import Competency
from app.learning.models import Reflection

MODES = ("visit", "call", "video", "message")
PRIORITY_STATUSES = ("active", "achieved", "paused")
OWNERS = ("leader", "coach")


class CoachPairing(db.Model):
    __tablename__ = "coaching_pairings"

    id: Mapped[int] = mapped_column(primary_key=True)
    coach_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    leader_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    coach: Mapped[User] = relationship(foreign_keys=[coach_id], viewonly=True)
    # ``leader.coach_pairing``: who coaches a leader, for this area's rules
    # (``permissions.can_coach``; read-only both ways).
    leader: Mapped[User] = relationship(
        foreign_keys=[leader_id],
        backref=backref("coach_pairing", uselist=False, viewonly=True),
        viewonly=True,
    )

    def __repr__(self) -> str:
        return f"<CoachPairing coach={self.coach_id} leader={self.leader_id}>"


class ImprovementPriority(db.Model):
    """The one school-improvement priority a leader and their coach agreed."""

    __tablename__ = "coaching_priorities"

    id: Mapped[int] = mapped_column(primary_key=True)
    leader_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    why: Mapped[str] = mapped_column(Text, default="")
    measure: Mapped[str] = mapped_column(String(300), default="")
    baseline: Mapped[str] = mapped_column(String(200), default="")
    target: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(16), default="active")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    competency_links: Mapped[list[PriorityCompetency]] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def competency_ids(self) -> list[int]:
        return sorted(link.competency_id for link in self.competency_links)

    def __repr__(self) -> str:
        return f"<ImprovementPriority {self.id} leader={self.leader_id} {self.status}>"


class PriorityCompetency(db.Model):
    __tablename__ = "coaching_priority_competencies"

    priority_id: Mapped[int] = mapped_column(
        ForeignKey("coaching_priorities.id", ondelete="CASCADE"), primary_key=True
    )
    competency_id: Mapped[int] = mapped_column(
        ForeignKey("competencies.id", ondelete="CASCADE"), primary_key=True, index=True
    )

    competency: Mapped[Competency] = relationship(lazy="joined")

    def __repr__(self) -> str:
        return f"<PriorityCompetency {self.priority_id}→{self.competency_id}>"


class PriorityChange(db.Model):
    """The priority as one save left it: its history, newest last."""

    __tablename__ = "coaching_priority_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    priority_id: Mapped[int] = mapped_column(
        ForeignKey("coaching_priorities.id", ondelete="CASCADE"), index=True
    )
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    snapshot: Mapped[dict] = mapped_column(JSON, default=dict)

    changed_by: Mapped[User | None] = relationship(viewonly=True)

    def __repr__(self) -> str:
        return f"<PriorityChange {self.id} priority={self.priority_id}>"


class CheckIn(db.Model):
    """A meeting of coach and leader: booked, prepared by the leader, held and recorded."""

    __tablename__ = "coaching_check_ins"
    __table_args__ = (
        Index("ix_coaching_check_ins_leader_id_starts_at", "leader_id", "starts_at"),
        Index("ix_coaching_check_ins_starts_at", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    coach_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    leader_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    mode: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The leader's preparation.
    prep_tried: Mapped[str] = mapped_column(Text, default="")
    prep_happened: Mapped[str] = mapped_column(Text, default="")
    prep_help: Mapped[str] = mapped_column(Text, default="")
    prepared_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The shared record; the coach's private notes are a table of their own.
    notes: Mapped[str] = mapped_column(Text, default="")
    held_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Moved or cancelled by either side. ``sequence`` is the calendar file's SEQUENCE
    # (RFC 5545 3.8.7.4): 0 as booked, one more for each move and for the cancellation,
    # so a calendar that has the event replaces it with the newer one.
    sequence: Mapped[int] = mapped_column(default=0, server_default="0")
    changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancel_reason: Mapped[str] = mapped_column(String(300), default="", server_default="")

    coach: Mapped[User] = relationship(foreign_keys=[coach_id], viewonly=True)
    leader: Mapped[User] = relationship(foreign_keys=[leader_id], viewonly=True)
    changed_by: Mapped[User | None] = relationship(foreign_keys=[changed_by_id], viewonly=True)

    @property
    def held(self) -> bool:
        return self.held_at is not None

    @property
    def cancelled(self) -> bool:
        return self.cancelled_at is not None

    def __repr__(self) -> str:
        return f"<CheckIn {self.id} coach={self.coach_id} leader={self.leader_id} {self.starts_at}>"


class PrivateNote(db.Model):
    """What the coach keeps for themself about a check-in: never shown to the leader."""

    __tablename__ = "coaching_private_notes"

    check_in_id: Mapped[int] = mapped_column(
        ForeignKey("coaching_check_ins.id", ondelete="CASCADE"), primary_key=True
    )
    body: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<PrivateNote check_in={self.check_in_id} {len(self.body)} chars>"


class CoachRating(db.Model):
    """The coach's rating of the leader on one competency, at one check-in."""

    __tablename__ = "coaching_ratings"

    check_in_id: Mapped[int] = mapped_column(
        ForeignKey("coaching_check_ins.id", ondelete="CASCADE"), primary_key=True
    )
    competency_id: Mapped[int] = mapped_column(
        ForeignKey("competencies.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    level: Mapped[int]

    def __repr__(self) -> str:
        return f"<CoachRating {self.check_in_id} c={self.competency_id} level={self.level}>"


class ActionItem(db.Model):
    __tablename__ = "coaching_actions"
    __table_args__ = (
        # An action added twice (a form's key, a practice tried) is one action.
        Index("uq_coaching_actions_create_key", "check_in_id", "create_key", unique=True),
        Index("ix_coaching_actions_leader_id_status", "leader_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    check_in_id: Mapped[int] = mapped_column(
        ForeignKey("coaching_check_ins.id", ondelete="CASCADE")
    )
    # The check-in's leader, kept here so the dashboard counts overdue actions in one query.
    leader_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    create_key: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(300))
    owner: Mapped[str] = mapped_column(String(8))
    due_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(8), default="open")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    @property
    def done(self) -> bool:
        return self.status == "done"

    def __repr__(self) -> str:
        return f"<ActionItem {self.id} {self.owner} {self.status} due {self.due_on}>"


class SharedEntry(db.Model):
    """A notebook entry the leader chose to show their coach; deleting it unshares."""

    __tablename__ = "coaching_shared_entries"

    reflection_id: Mapped[int] = mapped_column(
        ForeignKey("reflections.id", ondelete="CASCADE"), primary_key=True
    )
    leader_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    coach_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    shared_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    reflection: Mapped[Reflection] = relationship(viewonly=True)

    def __repr__(self) -> str:
        return f"<SharedEntry reflection={self.reflection_id} coach={self.coach_id}>"
