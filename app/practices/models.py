"""Bright spots: practices leaders write to be tried, their reviews, and peers' tries.

A practice moves draft → submitted → approved, or back to ``changes`` when its reviewer
asks for changes (then the author edits and submits again). The counters of tries and how
they went are kept on the practice by the service that writes a try, so the library is one
statement however many tries there are (STYLE.md: counters on parents).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import User
from app.db import UTCDateTime, utcnow
from app.extensions import db
from app.frameworks.models import Competency
from app.media.models import ResumableUpload


class Status:
    DRAFT = "draft"
    SUBMITTED = "submitted"
    CHANGES = "changes"
    APPROVED = "approved"


#: How a try went, as the leader says it.
OUTCOMES = ("worked", "partly", "not")
#: A review's decision: a comment alone, or one that moves the practice.
DECISIONS = ("approve", "changes", "comment")


class Practice(db.Model):
    __tablename__ = "practices"
    __table_args__ = (
        Index("ix_practices_status_language", "status", "language"),
        Index("ix_practices_author_id", "author_id"),
        Index("ix_practices_reviewer_id_status", "reviewer_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # None once an erased author chose to leave their practices credited to "a former member".
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    language: Mapped[str] = mapped_column(String(8))
    title: Mapped[str] = mapped_column(String(200))
    problem: Mapped[str] = mapped_column(Text, default="")
    steps: Mapped[str] = mapped_column(Text, default="")
    takes: Mapped[str] = mapped_column(Text, default="")
    evidence: Mapped[str] = mapped_column(Text, default="")
    # Title, problem and steps folded (lower case, no accents) for the library's search.
    search_text: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(12), default=Status.DRAFT)
    # Who reviews it: the author's coach when it was submitted (None: the admins).
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Where the author stood when it was submitted: their programme and region.
    programme_id: Mapped[int | None] = mapped_column(
        ForeignKey("programmes.id", ondelete="SET NULL")
    )
    region: Mapped[str] = mapped_column(String(80), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The short phone video, transcoded by media into its ladder (None: no video).
    video_asset_id: Mapped[int | None] = mapped_column(
        ForeignKey("media_assets.id", ondelete="SET NULL")
    )
    tried_count: Mapped[int] = mapped_column(default=0)
    worked_count: Mapped[int] = mapped_column(default=0)
    partly_count: Mapped[int] = mapped_column(default=0)
    not_count: Mapped[int] = mapped_column(default=0)

    author: Mapped[User | None] = relationship(foreign_keys=[author_id], viewonly=True)
    competency_links: Mapped[list[PracticeCompetency]] = relationship(
        cascade="all, delete-orphan", order_by="PracticeCompetency.competency_id"
    )

    @property
    def competencies(self) -> list[Competency]:
        return [link.competency for link in self.competency_links]

    @property
    def approved(self) -> bool:
        return self.status == Status.APPROVED

    def __repr__(self) -> str:
        return f"<Practice {self.id} {self.status} {self.language} {self.title!r}>"


class PracticeCompetency(db.Model):
    __tablename__ = "practice_competencies"

    practice_id: Mapped[int] = mapped_column(
        ForeignKey("practices.id", ondelete="CASCADE"), primary_key=True
    )
    competency_id: Mapped[int] = mapped_column(
        ForeignKey("competencies.id", ondelete="CASCADE"), primary_key=True, index=True
    )

    competency: Mapped[Competency] = relationship(lazy="joined")


class PracticeReview(db.Model):
    """A reviewer's word on a practice: a comment, a request for changes, an approval."""

    __tablename__ = "practice_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int] = mapped_column(
        ForeignKey("practices.id", ondelete="CASCADE"), index=True
    )
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decision: Mapped[str] = mapped_column(String(12))
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    reviewer: Mapped[User | None] = relationship(viewonly=True)

    def __repr__(self) -> str:
        return f"<PracticeReview {self.id} {self.decision} on {self.practice_id}>"


class PracticeTry(db.Model):
    """A leader trying a practice in their school: one a person and practice, and, once
    tried, how it went."""

    __tablename__ = "practice_tries"
    __table_args__ = (UniqueConstraint("practice_id", "leader_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int] = mapped_column(ForeignKey("practices.id", ondelete="CASCADE"))
    leader_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # The coaching action it became (None: the leader had no check-in to hang it on yet).
    action_id: Mapped[int | None] = mapped_column(
        ForeignKey("coaching_actions.id", ondelete="SET NULL")
    )
    outcome: Mapped[str | None] = mapped_column(String(8))
    outcome_note: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reported_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<PracticeTry {self.practice_id} by {self.leader_id} {self.outcome}>"


class PracticeErasureChoice(db.Model):
    """What becomes of a leader's approved practices if their data is erased: kept, credited
    to "a former member" (``remove`` False, as when they never said), or removed."""

    __tablename__ = "practice_erasure_choices"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    remove: Mapped[bool] = mapped_column(default=False)
    chosen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PracticePhoto(db.Model):
    """One of a practice's photos (at most three): re-encoded by the groups' photo pipeline
    into a small JPEG without metadata, kept in the media storage."""

    __tablename__ = "practice_photos"
    __table_args__ = (UniqueConstraint("practice_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int] = mapped_column(ForeignKey("practices.id", ondelete="CASCADE"))
    position: Mapped[int]
    storage_key: Mapped[str] = mapped_column(String(255))
    size_bytes: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<PracticePhoto {self.id} of {self.practice_id} #{self.position}>"


class PracticeThread(db.Model):
    """A practice's discussion: one thread in the author's peer group, made by the first
    member who taps "Discuss" (a POST). ``practice_id`` is the key, so two taps at once
    leave one link, and the second thread, if one was made, is discarded."""

    __tablename__ = "practice_threads"

    practice_id: Mapped[int] = mapped_column(
        ForeignKey("practices.id", ondelete="CASCADE"), primary_key=True
    )
    thread_id: Mapped[int] = mapped_column(
        ForeignKey("group_threads.id", ondelete="CASCADE"), unique=True
    )
    # The thread's group: who may see the link (its members).
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<PracticeThread {self.practice_id} → {self.thread_id}>"


class PracticeUpload(ResumableUpload, db.Model):
    """A practice's video on its way in: media's tus upload (``ResumableUpload``: the
    bytes, the offset, the lease), or a plain form's file, recorded complete. Its author
    alone writes to it; once complete, its asset is the practice's video."""

    __tablename__ = "practice_uploads"

    practice_id: Mapped[int] = mapped_column(
        ForeignKey("practices.id", ondelete="CASCADE"), index=True
    )
