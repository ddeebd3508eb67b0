"""Reports and moderation: members report a post with a reason; the group's moderators
hide and restore posts, lock and pin threads. Every action is written to the group's
moderation log, and the author of a hidden or restored post is told."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update

from app.accounts.models import User
from app.db import upsert, utcnow
from app.extensions import db
from app.notifications import services as notifications

from ..models import ModerationAction, ModerationEntry, Post, PostReport, Thread
from ._common import N_, GroupError
from .posting import thread_path

REASON_MAX = 500
LOG_PER_PAGE = 50

notifications.kind("groups.hidden", N_("A moderator hid your post in “%(thread)s”"))
notifications.kind("groups.restored", N_("A moderator restored your post in “%(thread)s”"))


def report_post(post: Post, reporter: User, reason: str) -> PostReport:
    """Report ``post`` to its group's moderators; reporting again changes the reason.
    Commits."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise GroupError(N_("Say what is wrong with this post."), "reason")
    if len(reason) > REASON_MAX:
        raise GroupError(N_("A reason is at most %(max)d characters."), "reason", max=REASON_MAX)
    values = {
        "post_id": post.id,
        "reporter_id": reporter.id,
        "group_id": post.thread.group_id,
        "reason": reason,
        "created_at": utcnow(),
    }
    [report] = upsert(PostReport, values, key=("post_id", "reporter_id"), update=("reason",))
    db.session.commit()
    return report


def _log(actor: User, group_id: int, action: str, thread_id: int, post_id: int | None = None):
    entry = ModerationEntry(
        group_id=group_id, actor_id=actor.id, action=action, thread_id=thread_id, post_id=post_id
    )
    db.session.add(entry)
    db.session.flush()
    return entry


def set_post_hidden(post: Post, moderator: User, hidden: bool) -> Post:
    """Hide a post from members (kept, restorable) or restore it; its author is told, and
    open reports on it are settled. A conditional UPDATE, so two taps act (and log) once.
    Commits."""
    state = Post.hidden_at.is_(None) if hidden else Post.hidden_at.is_not(None)
    changed = db.session.execute(
        update(Post)
        .where(Post.id == post.id, state)
        .values(hidden_at=utcnow() if hidden else None)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not changed:
        db.session.rollback()
        return post
    thread = post.thread
    action = ModerationAction.HIDE if hidden else ModerationAction.RESTORE
    entry = _log(moderator, thread.group_id, action, thread.id, post.id)
    if hidden:
        db.session.execute(
            update(PostReport)
            .where(PostReport.post_id == post.id, PostReport.resolved_at.is_(None))
            .values(resolved_at=utcnow())
        )
    if post.author_id != moderator.id:
        notifications.notify(
            post.author_id,
            "groups.hidden" if hidden else "groups.restored",
            url=thread_path(thread.id, post.id),
            dedupe_key=f"groups.moderation:{entry.id}",
            thread=thread.title,
        )
    db.session.commit()
    return post


THREAD_ACTIONS = {
    ("locked", True): ModerationAction.LOCK,
    ("locked", False): ModerationAction.UNLOCK,
    ("pinned", True): ModerationAction.PIN,
    ("pinned", False): ModerationAction.UNPIN,
}


def set_thread_flag(thread: Thread, moderator: User, flag: str, on: bool) -> Thread:
    """Lock or unlock (``flag="locked"``), pin or unpin (``"pinned"``) a thread; logged
    once however many taps. Commits."""
    action = THREAD_ACTIONS[(flag, on)]
    column = getattr(Thread, flag)
    changed = db.session.execute(
        update(Thread)
        .where(Thread.id == thread.id, column.is_(not on))
        .values({flag: on})
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed:
        _log(moderator, thread.group_id, action, thread.id)
    db.session.commit()
    return thread


@dataclass
class ReportItem:
    report: PostReport
    reporter_name: str
    post: Post


@dataclass
class ModerationPage:
    reports: list[ReportItem]  # open ones, newest first
    log: list[tuple[ModerationEntry, str, str]]  # entry, actor name, thread title


def moderation_page(group) -> ModerationPage:
    """Open reports and the latest log entries of a group: two statements."""
    reports = [
        ReportItem(report, name, post)
        for report, name, post in db.session.execute(
            select(PostReport, User.name, Post)
            .join(User, User.id == PostReport.reporter_id)
            .join(Post, Post.id == PostReport.post_id)
            .where(PostReport.group_id == group.id, PostReport.resolved_at.is_(None))
            .order_by(PostReport.id.desc())
            .limit(LOG_PER_PAGE)
        )
    ]
    log = list(
        db.session.execute(
            select(ModerationEntry, User.name, Thread.title)
            .outerjoin(User, User.id == ModerationEntry.actor_id)
            .outerjoin(Thread, Thread.id == ModerationEntry.thread_id)
            .where(ModerationEntry.group_id == group.id)
            .order_by(ModerationEntry.id.desc())
            .limit(LOG_PER_PAGE)
        ).all()
    )
    return ModerationPage(reports, log)
