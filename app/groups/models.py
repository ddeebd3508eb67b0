"""Peer groups: groups and who is in them, threads, posts, read markers, reports and the
moderation log.

Lists never count: a thread keeps its ``reply_count``, ``last_post_id`` and
``last_activity_at``, updated by the service that writes a post, so the group page is one
indexed query; a thread's pages walk ``(thread_id, id)`` backwards from its newest post, so
its last page costs the same with ten posts or a million.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import User
from app.db import UTCDateTime, utcnow
from app.extensions import db


class MemberRole(StrEnum):
    MEMBER = "member"
    MODERATOR = "moderator"


class Group(db.Model):
    __tablename__ = "groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<Group {self.id} {self.name!r}>"


class GroupMember(db.Model):
    """A person in a group: a member, or a moderator (a coach an admin made one)."""

    __tablename__ = "group_members"

    group_id: Mapped[int] = mapped_column(
        ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    role: Mapped[str] = mapped_column(String(16), default=MemberRole.MEMBER)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(lazy="joined", innerjoin=True)

    @property
    def is_moderator(self) -> bool:
        return self.role == MemberRole.MODERATOR

    def __repr__(self) -> str:
        return f"<GroupMember group={self.group_id} user={self.user_id} {self.role}>"


class Thread(db.Model):
    __tablename__ = "group_threads"
    __table_args__ = (
        # The group page: pinned first, then by last activity, newest first.
        Index(
            "ix_group_threads_group_id_pinned_last_activity_at",
            "group_id",
            "pinned",
            "last_activity_at",
            "id",
        ),
        # One thread per lesson (and per competency) in a group, however many tap "Discuss".
        UniqueConstraint("group_id", "lesson_id", name="uq_group_threads_group_id_lesson_id"),
        UniqueConstraint(
            "group_id", "competency_id", name="uq_group_threads_group_id_competency_id"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    lesson_id: Mapped[int | None] = mapped_column(
        ForeignKey("lessons.id", ondelete="SET NULL"), index=True
    )
    competency_id: Mapped[int | None] = mapped_column(
        ForeignKey("competencies.id", ondelete="SET NULL"), index=True
    )
    pinned: Mapped[bool] = mapped_column(default=False)
    locked: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_activity_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Posts after the opening one; the opening post is ``first_post_id`` (None until the
    # first post of a thread opened from a lesson).
    reply_count: Mapped[int] = mapped_column(default=0)
    first_post_id: Mapped[int | None] = mapped_column()
    last_post_id: Mapped[int | None] = mapped_column()

    group: Mapped[Group] = relationship()

    def __repr__(self) -> str:
        return f"<Thread {self.id} group={self.group_id} {self.title!r}>"


class Post(db.Model):
    __tablename__ = "group_posts"
    __table_args__ = (
        # A thread's pages, newest first, by keyset.
        Index("ix_group_posts_thread_id_id", "thread_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("group_threads.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    body: Mapped[str] = mapped_column(Text, default="")
    # ``body`` as light Markdown, sanitised: what pages show.
    body_html: Mapped[str] = mapped_column(Text, default="")
    quoted_post_id: Mapped[int | None] = mapped_column(
        ForeignKey("group_posts.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Deleted by its author: the text is gone, "post removed" stays in its place.
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Hidden by a moderator: kept, shown to moderators, restorable.
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A photo re-encoded to a small JPEG, in the media storage.
    photo_key: Mapped[str | None] = mapped_column(String(255))
    photo_bytes: Mapped[int | None] = mapped_column()

    author: Mapped[User] = relationship()
    thread: Mapped[Thread] = relationship()

    @property
    def removed(self) -> bool:
        return self.deleted_at is not None

    def __repr__(self) -> str:
        return f"<Post {self.id} thread={self.thread_id} author={self.author_id}>"


class ThreadRead(db.Model):
    """How far a person has read a thread: unread is ``thread.last_post_id`` beyond it."""

    __tablename__ = "group_thread_reads"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    thread_id: Mapped[int] = mapped_column(
        ForeignKey("group_threads.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    last_read_post_id: Mapped[int] = mapped_column(default=0)

    def __repr__(self) -> str:
        return f"<ThreadRead user={self.user_id} thread={self.thread_id} {self.last_read_post_id}>"


class PostReport(db.Model):
    """A member's report of a post, for its group's moderators; once per person and post."""

    __tablename__ = "group_post_reports"
    __table_args__ = (
        UniqueConstraint(
            "post_id", "reporter_id", name="uq_group_post_reports_post_id_reporter_id"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("group_posts.id", ondelete="CASCADE"))
    reporter_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<PostReport {self.id} post={self.post_id}>"


class ModerationAction(StrEnum):
    HIDE = "hide"
    RESTORE = "restore"
    LOCK = "lock"
    UNLOCK = "unlock"
    PIN = "pin"
    UNPIN = "unpin"


class ModerationEntry(db.Model):
    """Every moderation action, for the group's moderators to read."""

    __tablename__ = "group_moderation_log"
    __table_args__ = (Index("ix_group_moderation_log_group_id_id", "group_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(16))
    thread_id: Mapped[int | None] = mapped_column(
        ForeignKey("group_threads.id", ondelete="SET NULL")
    )
    post_id: Mapped[int | None] = mapped_column(ForeignKey("group_posts.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    actor: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<ModerationEntry {self.id} {self.action} group={self.group_id}>"
