"""Groups and their members (the admin's side), and the lists a member reads: my groups
with their unread threads, and a group's threads by last activity."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Integer, and_, bindparam, case, func, select, update

from app.accounts.models import User
from app.db import UTCDateTime, upsert
from app.extensions import db
from app.form_keys import claim_form_key
from app.roles import Role
from app.units import building_block

from ..models import Group, GroupMember, MemberRole, Thread, ThreadRead
from ._common import N_, GroupError, author_name

THREADS_PER_PAGE = 20
NAME_MAX = 120


def create_group(name: str, description: str = "", *, by=None, key: str | None = None) -> Group:
    """A new group. From the form, its ``key`` sent again by ``by`` gives back the group it
    created (the demo and the tests have no form). Commits."""
    name = " ".join(name.split())
    if not name:
        raise GroupError(N_("Give the group a name."), field="name")
    if len(name) > NAME_MAX:
        raise GroupError(N_("A group's name is at most %(max)d characters."), "name", max=NAME_MAX)
    claimed = claim_form_key(by.id, key, "groups.create_group", GroupError) if key else None
    if claimed is not None and not claimed.added:
        db.session.commit()
        return db.session.get(Group, claimed.row_id)
    group = Group(name=name, description=description.strip())
    db.session.add(group)
    db.session.flush()
    if claimed is not None:
        claimed.record(group.id)
    db.session.commit()
    return group


def add_member(group: Group, user: User, role: str = MemberRole.MEMBER) -> GroupMember:
    """Put ``user`` in ``group`` (again: their role changes). A moderator must be a coach
    or an admin. Commits."""
    role = MemberRole(role)
    if role == MemberRole.MODERATOR and not (
        user.has_role(Role.COACH) or user.has_role(Role.ADMIN)
    ):
        raise GroupError(
            N_("Only a coach can moderate a group; %(name)s is not one."),
            "role",
            name=user.display_name,
        )
    values = {"group_id": group.id, "user_id": user.id, "role": role.value}
    upsert(GroupMember, values, key=("group_id", "user_id"), update=("role",))
    db.session.commit()
    return db.session.get(GroupMember, (group.id, user.id))


def remove_member(group: Group, user_id: int) -> None:
    """Take someone out of a group; their posts stay. Commits."""
    member = db.session.get(GroupMember, (group.id, user_id))
    if member is not None:
        db.session.delete(member)
        db.session.commit()


def get_group(group_id: int) -> Group | None:
    return db.session.get(Group, group_id)


def members(group: Group) -> list[GroupMember]:
    return list(
        db.session.scalars(
            select(GroupMember)
            .join(User, User.id == GroupMember.user_id)
            .where(GroupMember.group_id == group.id)
            .order_by(User.name, User.id)
        )
    )


def member_names(group_id: int) -> list[tuple[int, str]]:
    """(user id, name) of each member, for resolving @mentions."""
    return list(
        db.session.execute(
            select(User.id, User.name)
            .join(GroupMember, GroupMember.user_id == User.id)
            .where(GroupMember.group_id == group_id)
        ).all()
    )


@dataclass
class GroupItem:
    group: Group
    role: str | None  # None: an admin who is not in it
    unread_threads: int


def my_groups(user, *, every_group: bool = False) -> list[GroupItem]:
    """The groups ``user`` is in, each with how many of its threads have posts they have not
    read; ``every_group`` (for admins) lists the others too. Two statements, whatever the
    number of groups or threads."""
    unread = dict(
        db.session.execute(
            select(Thread.group_id, func.count())
            .join(GroupMember, GroupMember.group_id == Thread.group_id)
            .outerjoin(
                ThreadRead, and_(ThreadRead.thread_id == Thread.id, ThreadRead.user_id == user.id)
            )
            .where(
                GroupMember.user_id == user.id,
                Thread.last_post_id > func.coalesce(ThreadRead.last_read_post_id, 0),
            )
            .group_by(Thread.group_id)
        ).all()
    )
    query = select(Group, GroupMember.role).outerjoin(
        GroupMember, and_(GroupMember.group_id == Group.id, GroupMember.user_id == user.id)
    )
    if not every_group:
        query = query.where(GroupMember.user_id.is_not(None))
    rows = db.session.execute(query.order_by(Group.name, Group.id))
    return [GroupItem(group, role, unread.get(group.id, 0)) for group, role in rows]


@dataclass
class ThreadItem:
    thread: Thread
    author_name: str
    unread: bool


@dataclass
class GroupPage:
    group: Group
    threads: list[ThreadItem]
    page: int
    has_more: bool


def group_page(user, group: Group, page: int = 1) -> GroupPage:
    """A page of the group's threads, pinned first then by last activity, each with its
    author and whether it has posts ``user`` has not read. One statement."""
    page = max(1, page)
    rows = db.session.execute(
        select(Thread, User.name, ThreadRead.last_read_post_id)
        .outerjoin(User, User.id == Thread.author_id)
        .outerjoin(
            ThreadRead, and_(ThreadRead.thread_id == Thread.id, ThreadRead.user_id == user.id)
        )
        .where(Thread.group_id == group.id)
        .order_by(Thread.pinned.desc(), Thread.last_activity_at.desc(), Thread.id.desc())
        .limit(THREADS_PER_PAGE + 1)
        .offset((page - 1) * THREADS_PER_PAGE)
    ).all()
    items = [
        ThreadItem(thread, author_name(name), (thread.last_post_id or 0) > (read or 0))
        for thread, name, read in rows[:THREADS_PER_PAGE]
    ]
    return GroupPage(group, items, page, len(rows) > THREADS_PER_PAGE)


def first_group_of(user) -> Group | None:
    """The group a leader joined first (where "Discuss this lesson" goes)."""
    return db.session.scalar(
        select(Group)
        .join(GroupMember, GroupMember.group_id == Group.id)
        .where(GroupMember.user_id == user.id)
        .order_by(GroupMember.joined_at, Group.id)
        .limit(1)
    )


@building_block
def touch(thread_id: int, post_id: int, when: datetime) -> None:
    """Keep the thread's counters in step with a new post (part of the caller's unit of work).
    One UPDATE computed in the database, so two posts at once both count: the first post of
    a thread is its opening post, every later one a reply."""
    db.session.execute(
        _touch_statement(), {"thread_id": thread_id, "post_id": post_id, "when": when}
    )


@functools.cache
def _touch_statement():
    """Built once, its values bound on each post: building it cost more than running it."""
    post_id = bindparam("post_id", type_=Integer)
    return (
        update(Thread)
        .where(Thread.id == bindparam("thread_id", type_=Integer))
        .values(
            first_post_id=func.coalesce(Thread.first_post_id, post_id),
            reply_count=Thread.reply_count + case((Thread.first_post_id.is_(None), 0), else_=1),
            last_post_id=case((Thread.last_post_id > post_id, Thread.last_post_id), else_=post_id),
            last_activity_at=bindparam("when", type_=UTCDateTime),
        )
        .execution_options(synchronize_session=False)
    )
