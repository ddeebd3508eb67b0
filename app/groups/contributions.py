"""What peer groups contribute to programme reports and to a person's data
(``app/registry.py``): posts written and when; a person's memberships, threads and posts to
download; and on erasure their memberships, read marks and reports go while their posts stay,
shown as by "a former member" (others replied to them)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import String, cast, delete, func, literal, select

from app import registry
from app.extensions import db
from app.notifications import services as notifications
from app.notifications.models import Notification

from .models import Group, GroupMember, Post, PostReport, Thread, ThreadRead


def _export_memberships(user_id: int) -> list[dict]:
    return registry.rows(
        select(Group.name.label("group"), GroupMember.role, GroupMember.joined_at)
        .join(Group, Group.id == GroupMember.group_id)
        .where(GroupMember.user_id == user_id)
        .order_by(Group.name)
    )


def _export_posts(user_id: int) -> list[dict]:
    return registry.rows(
        select(
            Group.name.label("group"),
            Thread.title.label("thread"),
            Post.body,
            Post.created_at,
            Post.edited_at,
            Post.deleted_at,
        )
        .join(Thread, Thread.id == Post.thread_id)
        .join(Group, Group.id == Thread.group_id)
        .where(Post.author_id == user_id)
        .order_by(Post.id)
    )


def _erase(user_id: int) -> None:
    """Their place in groups goes; their posts stay (without a name, see ``author_name``),
    and the mentions and replies they sent others no longer name them."""
    for kind in ("groups.mention", "groups.reply"):
        # posting.py keys each such notification "<kind>:<post id>".
        keys = select(literal(f"{kind}:") + cast(Post.id, String)).where(Post.author_id == user_id)
        notifications.forget_names(
            (Notification.kind == kind) & Notification.dedupe_key.in_(keys), "name"
        )
    for model, column in (
        (GroupMember, GroupMember.user_id),
        (ThreadRead, ThreadRead.user_id),
        (PostReport, PostReport.reporter_id),
    ):
        db.session.execute(delete(model).where(column == user_id))


registry.personal_data("group_memberships", export=_export_memberships, erase=_erase)
registry.personal_data("group_posts", export=_export_posts, erase=lambda user_id: None)
registry.person_metric(
    "posts_written",
    _l("Peer-group posts"),
    lambda: (
        select(Post.author_id.label("user_id"), func.count().label("value"))
        .where(Post.deleted_at.is_(None))
        .group_by(Post.author_id)
    ),
)
registry.activity(
    "group_posts", lambda: select(Post.author_id.label("user_id"), Post.created_at.label("at"))
)
