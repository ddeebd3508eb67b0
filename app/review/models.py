"""What the daily review keeps per leader: one scheduler card per question they learned,
every answer they gave in a review, and their choices (how many a day, when reminded).

A question whose quick check was answered but never reviewed has no card yet: its first
review is the quick-check answer itself (``services.scheduler``), so nothing is written
until the leader reviews it, and no page that reads writes.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import UTCDateTime, utcnow
from app.extensions import db


class ReviewCard(db.Model):
    """The FSRS memory state of one question for one leader, and when it is due."""

    __tablename__ = "review_cards"
    __table_args__ = (Index("ix_review_cards_user_due", "user_id", "due"),)

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    question_id: Mapped[int] = mapped_column(
        ForeignKey("quick_check_questions.id", ondelete="CASCADE"), primary_key=True
    )
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id", ondelete="CASCADE"), index=True)
    state: Mapped[int]  # fsrs.State
    stability: Mapped[float | None] = mapped_column(Float)
    difficulty: Mapped[float | None] = mapped_column(Float)
    due: Mapped[datetime] = mapped_column(UTCDateTime)
    last_review: Mapped[datetime] = mapped_column(UTCDateTime)
    reviews: Mapped[int] = mapped_column(default=0)
    lapses: Mapped[int] = mapped_column(default=0)

    def __repr__(self) -> str:
        return f"<ReviewCard user={self.user_id} q={self.question_id} due={self.due:%Y-%m-%d}>"


class ReviewAnswer(db.Model):
    """One answer in a review, at the moment the leader gave it (the phone's clock, bounded:
    never ahead of the server, never before the question's previous review, at most
    ``REVIEW_ANSWER_MAX_AGE_DAYS`` old), and when the server heard it."""

    __tablename__ = "review_answers"
    __table_args__ = (Index("ix_review_answers_user_answered", "user_id", "answered_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(
        ForeignKey("quick_check_questions.id", ondelete="CASCADE"), index=True
    )
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id", ondelete="CASCADE"), index=True)
    choice: Mapped[int]
    correct: Mapped[bool]
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        mark = "right" if self.correct else "wrong"
        return f"<ReviewAnswer {self.id} user={self.user_id} q={self.question_id} {mark}>"


class ReviewSettings(db.Model):
    """A leader's choices; no row: the defaults in ``app/config.py``."""

    __tablename__ = "review_settings"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    per_day: Mapped[int]
    # The hour of the leader's day the reminder comes; None: no reminder.
    remind_hour: Mapped[int | None]
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<ReviewSettings user={self.user_id} {self.per_day}/day at {self.remind_hour}>"


class TriedAnswer(db.Model):
    """A leader's answer to a lesson's "have you tried it?" question (``services.tried``):
    one per leader and lesson, the latest kept."""

    __tablename__ = "review_tried_answers"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    lesson_id: Mapped[int] = mapped_column(
        ForeignKey("lessons.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    answer: Mapped[str] = mapped_column(String(16))  # one of ``services.tried.ANSWERS``
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<TriedAnswer user={self.user_id} lesson={self.lesson_id} {self.answer}>"
