"""Threads and posts: starting a thread, replying (with a quote, a photo, @mentions),
editing and deleting one's own post, and the thread's pages with read markers.

Every write a person may send twice carries the key its form was drawn with, claimed in
the same transaction as the post or thread it adds (``app/form_keys.py``): a double tap or a
retry after a time-out stores it once, and only the request that stored it counts it,
notifies and moves the thread up its group.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import BinaryIO
from urllib.parse import urlsplit

from flask import has_request_context, url_for
from sqlalchemy import and_, bindparam, delete, select
from sqlalchemy.orm import aliased, lazyload
from sqlalchemy.orm.attributes import set_committed_value

from app.accounts.models import User
from app.db import commit_keeping, upsert_statement, utcnow
from app.extensions import db
from app.form_keys import claim_form_key
from app.forms import single_line_breaks
from app.notifications import services as notifications
from app.units import building_block
from app.urls import public_url

from ..models import Group, GroupMember, Post, Thread, ThreadRead
from ..permissions import can_pass_lock
from . import photos
from ._common import N_, GroupError, author_name
from .groups import member_names, touch
from .markup import excerpt, mark_mentions, mentioned, render_post

POSTS_PER_PAGE = 20
BODY_MAX = 5000
TITLE_MAX = 200

notifications.kind("groups.reply", N_("%(name)s replied in “%(thread)s”"))
notifications.kind("groups.mention", N_("%(name)s mentioned you in “%(thread)s”"))


def thread_path(thread_id: int, post_id: int | None = None) -> str:
    """The path of a thread (at a post), for links made outside a request too."""
    anchor = f"post-{post_id}" if post_id else None
    if has_request_context():
        return url_for("groups.show_thread", thread_id=thread_id, _anchor=anchor)
    path = urlsplit(public_url("groups.show_thread", thread_id=thread_id)).path
    return path + (f"#{anchor}" if anchor else "")


def _clean_body(body: str, has_photo: bool = False) -> str:
    body = (single_line_breaks(body) or "").strip()
    if not body and not has_photo:
        raise GroupError(N_("Write something before you send it."), "body")
    if len(body) > BODY_MAX:
        raise GroupError(
            N_("A post is at most %(max)d characters; this one has %(count)d."),
            "body",
            max=BODY_MAX,
            count=len(body),
        )
    return body


def _may_post(thread: Thread, membership: GroupMember | None, author: User) -> None:
    if not can_pass_lock(author, membership, thread):
        raise GroupError(N_("This thread is locked: no new replies."))


def start_thread(group, author: User, title: str, body: str, key: str) -> Thread:
    """A new thread with its opening post. The same ``key`` again is the same thread.
    Commits."""
    return start_thread_once(group, author, title, body, key)[0]


def start_thread_once(group, author: User, title: str, body: str, key: str) -> tuple[Thread, bool]:
    """:func:`start_thread`, and whether this call made the thread (False when its key
    had made it before), as :func:`reply` says of a post. Commits."""
    title = " ".join((title or "").split())
    if not title:
        raise GroupError(N_("Give the thread a title."), "title")
    if len(title) > TITLE_MAX:
        raise GroupError(N_("A title is at most %(max)d characters."), "title", max=TITLE_MAX)
    body = _clean_body(body)
    claim = claim_form_key(author.id, key, "groups.start_thread", GroupError)
    if not claim.added:  # sent before: that thread, with its opening post
        db.session.commit()
        return db.session.get(Thread, claim.row_id), False
    now = utcnow()
    values = {
        "group_id": group.id,
        "author_id": author.id,
        "title": title,
        "created_at": now,
        "last_activity_at": now,
    }
    thread = Thread(**values)
    db.session.add(thread)
    db.session.flush()
    claim.record(thread.id)
    _add_post(thread, author, body)
    db.session.commit()
    return thread, True


@building_block
def discard_thread(thread_id: int) -> None:
    """Remove a thread its caller has just made and found it did not need (another tap
    made the one that counts), with its posts. Part of the caller's unit of work."""
    db.session.execute(delete(Post).where(Post.thread_id == thread_id))
    db.session.execute(delete(Thread).where(Thread.id == thread_id))


def reply(
    thread: Thread,
    membership: GroupMember | None,
    author: User,
    body: str,
    key: str,
    *,
    quoted_post_id: int | None = None,
    photo: BinaryIO | None = None,
) -> tuple[PostView, bool]:
    """Add ``author``'s post to ``thread``; (the post as its thread shows it, whether this
    call stored it). The same ``key`` again gives back the post it stored. Commits, keeping
    the post, ``thread``, ``membership`` and ``author`` as they were (``commit_keeping``):
    the new post's fragment is drawn from them in no statement."""
    _may_post(thread, membership, author)
    jpeg = photos.reencode(photo) if photo is not None else None
    body = _clean_body(body, has_photo=jpeg is not None)
    photo_key = photo_bytes = None
    if jpeg is not None:  # stored before the claim: no write waits on the storage meanwhile
        photo_key, photo_bytes = photos.store_photo(jpeg)
    try:
        claim = claim_form_key(author.id, key, "groups.reply", GroupError)
    except GroupError:
        photos.delete_photo(photo_key)
        raise
    if not claim.added:  # the same form again: the post the first one stored
        db.session.commit()
        photos.delete_photo(photo_key)
        return _post_views([claim.row_id])[0], False
    quoted = _quotable(thread.id, quoted_post_id) if quoted_post_id else None
    post = _add_post(
        thread,
        author,
        body,
        quoted_post_id=quoted[0].id if quoted else None,
        photo_key=photo_key,
        photo_bytes=photo_bytes,
    )
    claim.record(post.id)
    view = PostView(post, author_name(author.name), _quote(*quoted) if quoted else None)
    commit_keeping(post, thread, membership, author)
    if thread in db.session:  # touch() counted the post in the database, not on the row
        db.session.expire(thread, _TOUCHED)
    return view, True


#: What :func:`touch` changes of a thread.
_TOUCHED = ("first_post_id", "reply_count", "last_post_id", "last_activity_at")


def _quotable(thread_id: int, post_id: int) -> tuple[Post, str | None] | None:
    """The post ``post_id`` of this thread (a reply may quote no other) and its author's
    name: one statement."""
    row = db.session.execute(
        select(Post, User.name)
        .outerjoin(User, User.id == Post.author_id)
        .where(Post.id == post_id, Post.thread_id == thread_id)
    ).first()
    return tuple(row) if row else None


@building_block
def _add_post(thread: Thread, author: User, body: str, **extra) -> Post:
    """Insert the post (its form's key claimed already); count it, mark it read for its
    author, and tell whoever it concerns. Never commits."""
    now = utcnow()
    html = render_post(body)
    # Only an "@" can name a member, in what was written or what Markdown made of it (an
    # entity): the members are read for such posts alone.
    members = member_names(thread.group_id) if "@" in body or "@" in html else []
    values = {
        "thread_id": thread.id,
        "author_id": author.id,
        "body": body,
        "body_html": mark_mentions(html, members),
        "created_at": now,
        **extra,
    }
    post = Post(**values)
    db.session.add(post)
    db.session.flush()
    touch(thread.id, post.id, now)
    mark_read(author, thread.id, post.id)
    told = _mentions(post, author, members)
    # The thread's author hears of each reply, once: a reply that mentions them says so.
    if thread.first_post_id and thread.author_id not in {*told, author.id, None}:
        told[thread.author_id] = "groups.reply"
    _notify(thread, post, author, told)
    return post


def _mentions(post: Post, author: User, members: list[tuple[int, str]]) -> dict[int, str]:
    """The members ``post`` mentions, but its author: id → the kind of their notification."""
    return {user_id: "groups.mention" for user_id in mentioned(post.body, members) - {author.id}}


def _notify(thread: Thread, post: Post, author: User, told: dict[int, str]) -> None:
    """Tell each of ``told`` (id → kind) of ``post``, once per post and kind (edits
    included): one statement for them all."""
    notifications.notify_each(
        [
            notifications.Notice(user_id, kind, f"{kind}:{post.id}")
            for user_id, kind in sorted(told.items())
        ],
        url=thread_path(thread.id, post.id),
        name=author.display_name,
        thread=thread.title,
    )


def edit_post(post: Post, author: User, body: str) -> Post:
    """Change one's own post; it shows as edited. Someone newly mentioned is told. Commits."""
    if post.author_id != author.id or post.deleted_at or post.hidden_at:
        raise GroupError(N_("Only its author can edit this post."))
    post.body = _clean_body(body, has_photo=post.photo_key is not None)
    members = member_names(post.thread.group_id)
    post.body_html = render_post(post.body, members)
    post.edited_at = utcnow()
    db.session.flush()
    _notify(post.thread, post, author, _mentions(post, author, members))
    db.session.commit()
    return post


def delete_post(post: Post, author: User) -> Post:
    """Remove one's own post: its words and photo go, "post removed" stays. Commits."""
    if post.author_id != author.id:
        raise GroupError(N_("Only its author can delete this post."))
    photo_key = post.photo_key
    post.body = post.body_html = ""
    post.photo_key = post.photo_bytes = None
    post.deleted_at = post.deleted_at or utcnow()
    db.session.commit()
    photos.delete_photo(photo_key)
    return post


@building_block
def mark_read(user, thread_id: int, post_id: int | None) -> None:
    """``user`` has read ``thread_id`` up to ``post_id``; never moves back. Never commits."""
    if not post_id:
        return
    dialect = db.session.get_bind(mapper=ThreadRead).dialect.name
    db.session.execute(
        _mark_read_statement(dialect), {"user": user.id, "thread": thread_id, "post": post_id}
    )


@functools.cache
def _mark_read_statement(dialect: str):
    """Built once (as :func:`_post_views_statement`): on every post and every thread read."""
    reads = ThreadRead.__table__
    return upsert_statement(
        dialect,
        reads,
        {"user_id": "user", "thread_id": "thread", "last_read_post_id": "post"},
        key=("user_id", "thread_id"),
        update=("last_read_post_id",),
        where=reads.c.last_read_post_id < bindparam("post"),
    )


@dataclass
class Quote:
    post_id: int
    author_name: str
    text: str  # empty when the quoted post was removed or hidden


@dataclass
class PostView:
    post: Post
    author_name: str
    quote: Quote | None = None


@dataclass
class ThreadPage:
    thread: Thread
    opening: PostView | None
    posts: list[PostView]  # oldest first
    older_before: int | None  # ask for the posts before this id to go further back
    before: int | None  # this page ends before this id (None: the newest posts)
    unread_after: int  # posts after this id are new to the reader


def read_thread(user, thread: Thread, up_to: int | None = None) -> None:
    """``user`` has seen ``thread`` up to the post ``up_to`` (the newest the page showed;
    None: its newest now), never past its newest post. The thread page sends it once shown
    (``groups.mark_thread_read``); a GET marks nothing. Commits; harmless twice."""
    newest = thread.last_post_id
    mark_read(user, thread.id, min(up_to, newest) if up_to and newest else newest)
    db.session.commit()


def thread_page(user, thread: Thread, before: int | None = None) -> ThreadPage:
    """The opening post and a page of replies, oldest first: the newest ones, or those
    before the post ``before``, with what the reader had read (the page then marks it read
    with :func:`read_thread`). A fixed number of statements whatever the thread's length;
    writes nothing."""
    read = db.session.scalar(
        select(ThreadRead.last_read_post_id).filter_by(user_id=user.id, thread_id=thread.id)
    )
    query = select(Post.id).where(Post.thread_id == thread.id)
    if thread.first_post_id:
        query = query.where(Post.id > thread.first_post_id)
    if before is not None:
        query = query.where(Post.id < before)
    ids = list(db.session.scalars(query.order_by(Post.id.desc()).limit(POSTS_PER_PAGE + 1)))
    more = len(ids) > POSTS_PER_PAGE
    ids = ids[:POSTS_PER_PAGE]
    # The opening post (first, the smallest id) with the replies, in one statement.
    with_opening = before is None and bool(thread.first_post_id)
    posts = _post_views(ids + ([thread.first_post_id] if with_opening else []))
    opening = posts.pop(0) if with_opening and posts else None
    return ThreadPage(thread, opening, posts, ids[-1] if more else None, before, read or 0)


def post_view(post: Post) -> PostView:
    return _post_views([post.id])[0]


@functools.cache
def _post_views_statement():
    """Built once, the ids bound on each call: with its aliases, building it and its cache
    key cost more than running it, twice on every thread page."""
    quoted, quoted_author = aliased(Post), aliased(User)
    return (
        select(Post, User.name, quoted, quoted_author.name)
        .join(User, User.id == Post.author_id)
        .outerjoin(quoted, quoted.id == Post.quoted_post_id)
        .outerjoin(quoted_author, quoted_author.id == quoted.author_id)
        .where(Post.id.in_(bindparam("ids", expanding=True)))
        .order_by(Post.id)
    )


def _post_views(ids: list[int]) -> list[PostView]:
    """The posts with these ids, oldest first, with authors and quotes: one statement."""
    if not ids:
        return []
    rows = db.session.execute(_post_views_statement(), {"ids": ids})
    return [
        PostView(post, author_name(name), _quote(quote, quote_name) if quote is not None else None)
        for post, name, quote, quote_name in rows
    ]


def _quote(quoted: Post, name: str | None) -> Quote:
    text = "" if quoted.deleted_at or quoted.hidden_at else excerpt(quoted.body_html)
    return Quote(quoted.id, author_name(name), text)


def get_thread(thread_id: int) -> Thread | None:
    return db.session.get(Thread, thread_id)


@functools.cache
def _thread_statement():
    """Built once, as :func:`_post_views_statement`: it is on every thread and post route."""
    membership = and_(
        GroupMember.group_id == Thread.group_id, GroupMember.user_id == bindparam("user_id")
    )
    return (
        select(Thread, Group, GroupMember)
        .join(Group, Group.id == Thread.group_id)
        .outerjoin(GroupMember, membership)
        .where(Thread.id == bindparam("thread_id"))
        # The member is the reader, already loaded (as ``membership_of``).
        .options(lazyload(GroupMember.user))
    )


def thread_and_membership(user, thread_id: int) -> tuple[Thread, GroupMember | None] | None:
    """The thread (holding its group, :func:`hold_group`) and ``user``'s place in its group
    (``membership_of``), in one statement; None when there is no such thread."""
    user_id = user.id if getattr(user, "is_authenticated", False) else None
    row = db.session.execute(
        _thread_statement(), {"thread_id": thread_id, "user_id": user_id}
    ).first()
    if row is None:
        return None
    thread, group, membership = row
    hold_group(thread, group)
    return thread, membership


def hold_group(thread: Thread, group) -> None:
    """Pages name the group: the thread holds the one just loaded, which the session alone
    would let go (and load again when the page asked for it)."""
    set_committed_value(thread, "group", group)


def get_post(post_id: int) -> Post | None:
    return db.session.get(Post, post_id)
